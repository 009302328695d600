"""What the trail records without being asked: every change a staff member makes, in the admin
or the CMS, to a model the admin manages (whichever service or bulk action made it), changes to
people's groups and permissions, and staff sign-ins."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from core.audit import services
from core.audit.context import acting_now, is_staff_member
from core.audit.models import AuditEvent, AuditSource
from core.users.lockout import client_ip_address, login_identifier

NOT_RECORDED = {AuditEvent, LogEntry}  # the trail itself; Django's own admin log repeats us


def _watched(model) -> bool:
    """A model staff manage: registered in the admin (plugins' models too), except the logs."""
    concrete = model._meta.concrete_model
    return concrete not in NOT_RECORDED and concrete in admin.site._registry


@receiver(pre_save, dispatch_uid="audit_pre_save")
def remember_before(sender, instance, raw=False, **kwargs):
    if raw or acting_now() is None or not _watched(sender) or instance._state.adding or instance.pk is None:
        return
    stored = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = services.snapshot(stored) if stored is not None else None


@receiver(post_save, dispatch_uid="audit_post_save")
def record_save(sender, instance, created, raw=False, **kwargs):
    if raw or acting_now() is None or not _watched(sender):
        return
    after = services.snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    instance.__dict__.pop("_audit_before", None)
    if created or before is None:
        services.audit_record(action="create", obj=instance, after=services.secrets_hidden(after))
        return
    old, new = services.changes(before, after)
    if old or new:
        services.audit_record(action="change", obj=instance, before=old, after=new)


@receiver(post_delete, dispatch_uid="audit_post_delete")
def record_delete(sender, instance, **kwargs):
    if acting_now() is None or not _watched(sender):
        return
    services.audit_record(action="delete", obj=instance, before=services.secrets_hidden(services.snapshot(instance)))


@receiver(m2m_changed, dispatch_uid="audit_m2m")
def record_many_to_many(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Groups and permissions of a person (their role), a group's permissions, any managed m2m."""
    if acting_now() is None or action not in {"post_add", "post_remove", "pre_clear"} or not _watched(type(instance)):
        return
    field = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender),
        sender._meta.model_name,
    )
    if action == "pre_clear":
        pk_set = set(getattr(instance, field).values_list("pk", flat=True)) if hasattr(instance, field) else set()
        action = "post_remove"
    if not pk_set:
        return
    labels = sorted(str(obj) for obj in model._base_manager.filter(pk__in=pk_set))
    verb = "added" if action == "post_add" else "removed"
    services.audit_record(action="change", obj=instance, after={field: {verb: labels}})


@receiver(user_logged_in, dispatch_uid="audit_staff_login")
def record_login(sender, request, user, **kwargs):
    if is_staff_member(user):
        services.audit_record(
            action="login",
            obj=user,
            actor=user,
            source=AuditSource.LOGIN,
            ip_address=client_ip_address(request) if request is not None else None,
        )


@receiver(user_logged_out, dispatch_uid="audit_staff_logout")
def record_logout(sender, request, user, **kwargs):
    if is_staff_member(user):
        services.audit_record(
            action="logout",
            obj=user,
            actor=user,
            source=AuditSource.LOGIN,
            ip_address=client_ip_address(request) if request is not None else None,
        )


@receiver(user_login_failed, dispatch_uid="audit_staff_login_failed")
def record_login_failure(sender, credentials, request=None, **kwargs):
    """A failed sign-in to a staff account (someone may be guessing an admin's password)."""
    email = login_identifier(request, credentials or {})
    if not email:
        return
    user = get_user_model()._default_manager.filter(email__iexact=email).first()
    if is_staff_member(user):
        services.audit_record(
            action="login failed",
            obj=user,
            actor=None,
            source=AuditSource.LOGIN,
            ip_address=client_ip_address(request) if request is not None else None,
        )
