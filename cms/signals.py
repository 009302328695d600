"""Receivers: a published or unpublished page changes what the landing shows."""

from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from core.mentoring.live import landing_version_bump


@receiver(page_published, dispatch_uid="cms-landing-published")
@receiver(page_unpublished, dispatch_uid="cms-landing-unpublished")
def landing_page_changed(sender, instance, **kwargs) -> None:
    landing_version_bump()
