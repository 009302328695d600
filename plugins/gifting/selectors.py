"""What the gifting plugin reads for its pages and its API: the gifts a learner sent and a mentor
received, newest first, each with the other person (one query for a page, however long)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from plugins.gifting.models import Gift


def gifts_sent_queryset(*, learner) -> QuerySet[Gift]:
    """``learner``'s gifts, in any state, with their mentor."""
    return Gift.objects.filter(learner=learner).select_related("mentor", "learner")


def gifts_received_queryset(*, mentor) -> QuerySet[Gift]:
    """Gifts sent to ``mentor`` (paid, or refunded since): never a checkout left unpaid."""
    return Gift.objects.filter(mentor=mentor).exclude(status="started").select_related("mentor", "learner")


def gift_get_for(*, user, pk: int) -> Gift | None:
    """Gift ``pk`` if ``user`` sent it, or received it (paid); None otherwise (one query)."""
    if not isinstance(pk, int) or not 0 < pk < 2**63 or not getattr(user, "is_authenticated", False):
        return None
    visible = Q(learner=user) | (Q(mentor=user) & ~Q(status="started"))
    return Gift.objects.filter(visible, pk=pk).select_related("mentor", "learner").first()
