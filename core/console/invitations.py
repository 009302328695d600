"""Mentor invitations: staff import a list, each person gets an email, and whoever joins as a
mentor with an invited address is approved at once (they were vetted by the team)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.audit.services import audit_record
from core.console.models import MentorInvitation
from core.users.models import Role, User
from core.users.services import mentor_review

WELCOME = "Welcome to PeerLearn: you joined on our team's invitation, so your profile is approved."


def invitations_send(*, ids: list[int]) -> int:
    """Email each invitation not sent yet. Returns how many were sent."""
    sent = 0
    signup = settings.SITE_URL.rstrip("/") + "/accounts/signup/"
    for invitation in MentorInvitation.objects.filter(pk__in=ids, sent_at__isnull=True):
        context = {"invitation": invitation, "url": signup}
        message = EmailMultiAlternatives(
            subject="An invitation to teach on PeerLearn",
            body=render_to_string("emails/mentor_invitation.txt", context),
            to=[invitation.email],
        )
        message.attach_alternative(render_to_string("emails/mentor_invitation.html", context), "text/html")
        message.send()
        MentorInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


@transaction.atomic
def invitation_accept(*, user: User) -> bool:
    """``user`` joined: if their address was invited and they joined as a mentor, approve them
    and mark the invitation accepted. True if it did."""
    if user.role != Role.MENTOR:
        return False
    invitation = (
        MentorInvitation.objects.select_for_update().filter(email__iexact=user.email, accepted_at__isnull=True).first()
    )
    if invitation is None:
        return False
    MentorInvitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now(), user=user)
    mentor_review(mentor=user, approved=True, note=WELCOME)
    audit_record(
        action="accept invitation", obj=invitation, after={"user": user.pk}, actor=invitation.invited_by,
        reason="Joined as a mentor with an invited address",
    )  # fmt: skip
    return True
