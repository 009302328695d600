"""Background recomputes (Celery; run at once in the embedded set-up)."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from plugins.recommendations import services

MATCHING_MAX = 5000  # learners recomputed for one new session; the rest on their next change


@shared_task(ignore_result=True)
def recompute_learner(user_id: int) -> int:
    """Rank the catalogue again for one learner; returns how many suggestions they have."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return 0
    return len(services.recompute(user=user))


@shared_task(ignore_result=True)
def recompute_interested(topics: list[str], published: int | None = None) -> int:
    """A session on ``topics`` was published (its id: ``published``), changed or cancelled:
    rebuild the catalogue and rank it again for the learners interested in one of them, and tell
    those a newly published session suits (``services.announce``). Returns how many learners."""
    services.catalogue_forget()
    learners = services.learners_interested_in(topics=topics)[:MATCHING_MAX]
    for user in get_user_model().objects.filter(pk__in=learners):
        found = services.recompute(user=user)
        if published is not None:
            services.announce(user=user, session_id=published, found=found)
    return len(learners)
