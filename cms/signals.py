"""Receivers: a published or unpublished page changes what the landing shows; every CMS action
joins the audit trail."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import ModelLogEntry, PageLogEntry
from wagtail.signals import page_published, page_unpublished

from core.audit.models import AuditSource
from core.audit.services import audit_record
from core.mentoring.live import landing_version_bump


@receiver(page_published, dispatch_uid="cms-landing-published")
@receiver(page_unpublished, dispatch_uid="cms-landing-unpublished")
def landing_page_changed(sender, instance, **kwargs) -> None:
    landing_version_bump()


@receiver(post_save, sender=PageLogEntry, dispatch_uid="cms-audit-page-log")
@receiver(post_save, sender=ModelLogEntry, dispatch_uid="cms-audit-model-log")
def cms_action_audited(sender, instance, created, **kwargs) -> None:
    """Every action Wagtail logs (edit, publish, unpublish, delete, move, lock…) joins the
    project's audit trail, with who did it, from where, and Wagtail's own details."""
    if not created:
        return
    audit_record(
        action=f"cms {instance.action}"[:64],
        object_type=instance.content_type.app_label + "." + instance.content_type.model
        if instance.content_type_id
        else "",
        object_id=str(instance.object_id),
        object_repr=instance.label,
        after={"details": instance.data or {}},
        actor=instance.user,
        source=AuditSource.CMS if instance.user_id else AuditSource.SYSTEM,  # the install's default pages
    )
