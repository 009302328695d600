"""Following a mentor: a learner starts and stops following; the mentor hears nothing (their
analytics count followers), the follower hears when the mentor publishes a session
(``core.realtime``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.users.models import Follow, Role, User

NOT_A_LEARNER = "Only learners can follow mentors."
NOT_FOLLOWABLE = "This mentor's page is not public, so they cannot be followed."


def _check(*, follower: User, mentor: User) -> None:
    if not follower.is_active or follower.role != Role.LEARNER:
        raise ValidationError(NOT_A_LEARNER, code="not_a_learner")
    public = User.objects.filter(pk=mentor.pk, role=Role.MENTOR, is_active=True, mentor_profile__is_approved=True)
    if not public.exists():  # read now: an instance in hand may predate an approval or a block
        raise ValidationError(NOT_FOLLOWABLE, code="not_followable")


def follow_start(*, follower: User, mentor: User) -> bool:
    """``follower`` follows ``mentor`` from now on; False if they already did (idempotent: a double
    click or two tabs make one row)."""
    _check(follower=follower, mentor=mentor)
    try:
        with transaction.atomic():
            Follow.objects.create(follower=follower, mentor=mentor)
    except IntegrityError:
        return False  # the partial unique index: already following
    return True


def follow_stop(*, follower: User, mentor: User) -> bool:
    """``follower`` stops following ``mentor``; False if they were not following."""
    return bool(Follow.objects.filter(follower=follower, mentor=mentor, ended_at=None).update(ended_at=timezone.now()))
