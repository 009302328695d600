"""The admin's home updates live: when money moves or something starts waiting for staff, every
open home is told "changed" (``core.console.consumers``), after the commit."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from core import hooks
from core.console.consumers import GROUP
from core.console.invitations import invitation_accept
from core.payments.models import Withdrawal

logger = logging.getLogger(__name__)


def homes_refresh() -> None:
    """Best effort: a home that misses it is right on its next visit."""
    try:
        async_to_sync(get_channel_layer().group_send)(GROUP, {"type": "console.changed"})
    except Exception:
        logger.exception("Could not tell the admin's open homes that figures changed")


@receiver(hooks.payment_captured, dispatch_uid="console-payment-captured")
@receiver(hooks.payment_refunded, dispatch_uid="console-payment-refunded")
@receiver(hooks.withdrawal_settled, dispatch_uid="console-withdrawal-settled")
@receiver(hooks.dispute_opened, dispatch_uid="console-dispute-opened")
@receiver(hooks.dispute_settled, dispatch_uid="console-dispute-settled")
@receiver(hooks.user_registered, dispatch_uid="console-user-registered")
@receiver(hooks.profile_updated, dispatch_uid="console-profile-updated")
@receiver(hooks.mentor_approval_changed, dispatch_uid="console-mentor-approval")
def figures_changed(sender, **kwargs) -> None:
    homes_refresh()  # core sends these after the commit


@receiver(post_save, sender=Withdrawal, dispatch_uid="console-withdrawal-requested")
def withdrawal_requested(sender, instance, created, **kwargs) -> None:
    """A new withdrawal is a payout waiting for Finance."""
    if created:
        transaction.on_commit(homes_refresh)


@receiver(hooks.user_registered, dispatch_uid="console-invitation-accept")
def invitation_accepted(sender, user, **kwargs) -> None:
    """An invited address joined as a mentor: approved at once (``core.console.invitations``)."""
    if getattr(user, "pk", None):
        invitation_accept(user=user)
