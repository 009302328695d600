"""The recommendations plugin's services: read the catalogue and the learner from core (through
``core.plugin_api``), rank with ``engine``, keep each learner's suggestions, and serve them.

Where suggestions come from, fastest first:

1. the cache (``CACHE_SECONDS``, 60 s as the plan asks: Redis in production);
2. the learner's stored rows (``StoredSuggestion``), written by the last recompute;
3. nothing yet: a recompute is queued (Celery) and the panel appears on a later visit.

Whatever the source, the sessions are checked to be still open for booking, and their cards
read fresh, in one query on every visit. Recomputes run in the background: when a learner
registers, saves their profile, books, or says "Not interested", and for the learners a new or
changed session may interest (``tasks``).
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import plugin_api
from core.hooks import Recommendation
from plugins.recommendations import engine
from plugins.recommendations.models import Announcement, Dismissal, Ranked, StoredSuggestion, TopicPreference

logger = logging.getLogger(__name__)

CACHE_SECONDS = 60
STORED = 12  # suggestions kept per learner: more than the panel shows, as some stop being bookable
CATALOGUE_SECONDS = 300  # one process reuses a fitted catalogue this long, unless it is forgotten
TRENDING_DAYS = 7
OPEN_STATUSES = ("held", "pending", "confirmed")  # a learner's bookings that take an offering out
VERSION_KEY = "recommendations:catalogue-version"
ANNOUNCE_TOP = 6  # a new session is announced when it ranks this high: what the learner's panel shows
NEW_MATCH = "new_match"  # the notification kind (hooks.notification_kinds)

_memo: dict = {"catalogue": None, "version": None, "at": 0.0}


def _cache_key(user_id: int) -> str:
    return f"recommendations:learner:{user_id}"


def preferences_from_interests(*, user, interests: list[str]) -> list[TopicPreference]:
    """Record a learner's stated interests as topic preferences (idempotent)."""
    prefs = []
    for interest in interests:
        pref, _ = TopicPreference.objects.get_or_create(user=user, topic=interest.strip().casefold()[:60])
        prefs.append(pref)
    return prefs


# --- The catalogue ----------------------------------------------------------------------------


def _offering(item, records, recent) -> engine.Offering:
    card = item.card
    record = records.get(card.mentor_id)
    ratings = record.ratings if record is not None else None
    return engine.Offering(
        key=engine.offering_key(mentor_id=card.mentor_id, title=card.title),
        title=card.title,
        text=". ".join([card.title, " ".join(card.topics), " ".join(item.mentor_domains), item.description]),
        domain=item.mentor_domains[0] if item.mentor_domains else "",
        mentor_id=card.mentor_id,
        rating_sum=ratings.average * ratings.count if ratings else 0.0,
        rating_count=ratings.count if ratings else 0,
        completion=record.completion if record is not None else 1.0,
        recent_bookings=recent.get((card.mentor_id, card.title), 0),
        is_live=card.is_live,
        session_id=card.id,
    )


def catalogue_build() -> engine.Catalogue:
    """Everything open for booking now, one offering per mentor's class (its soonest session),
    and the model fitted on what learners booked."""
    sessions = plugin_api.sessions_bookable_detailed()
    soonest: dict[str, object] = {}
    for item in sessions:  # soonest first
        soonest.setdefault(engine.offering_key(mentor_id=item.card.mentor_id, title=item.card.title), item)
    records = plugin_api.mentor_records(mentor_ids={item.card.mentor_id for item in soonest.values()})
    recent = plugin_api.booking_counts_recent(days=TRENDING_DAYS)
    offerings = [_offering(item, records, recent) for item in soonest.values()]
    histories = [
        [engine.offering_key(mentor_id=mentor_id, title=title) for mentor_id, title in sequence]
        for sequence in plugin_api.booking_sequences()
    ]
    return engine.Catalogue(engine.fit(histories=histories, offerings=offerings), offerings)


def catalogue_current() -> engine.Catalogue:
    """This process's catalogue, rebuilt when it is older than ``CATALOGUE_SECONDS`` or when any
    process forgot it (``catalogue_forget``: a session was published, changed or cancelled)."""
    version = cache.get(VERSION_KEY, 0)
    now = timezone.now().timestamp()
    if _memo["catalogue"] is None or _memo["version"] != version or now - _memo["at"] > CATALOGUE_SECONDS:
        _memo.update(catalogue=catalogue_build(), version=version, at=now)
    return _memo["catalogue"]


def catalogue_forget() -> None:
    """Make every process rebuild its catalogue before its next recompute."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)
    _memo["catalogue"] = None


# --- One learner -------------------------------------------------------------------------------


def learner_of(*, user) -> engine.Learner:
    """What ``user`` told us and did, their own records only."""
    rows = [row for row in plugin_api.bookings_of_learner(learner=user) if row.status in OPEN_STATUSES]
    booked = tuple(engine.offering_key(mentor_id=row.mentor_id, title=row.session_title) for row in reversed(rows))
    return engine.Learner(
        interests=tuple(plugin_api.learner_interests(user=user)),
        goals=plugin_api.learner_goals(user=user),
        booked=booked,
        dismissed=frozenset(Dismissal.objects.filter(user=user).values_list("offering", flat=True)),
    )


def recompute(*, user) -> list[engine.Suggestion]:
    """Rank the catalogue for ``user`` and keep the result (stored rows and the cache). Only
    suggestions with a reason that holds are kept: a session nobody books, on nothing the
    learner cares about, is not suggested for its own sake. The same data give the same rows."""
    if getattr(user, "role", "") != "learner" or not user.is_active:
        StoredSuggestion.objects.filter(user=user).delete()
        Ranked.objects.filter(user=user).delete()
        cache.delete(_cache_key(user.pk))
        return []
    found = [
        suggestion
        for suggestion in engine.rank(catalogue_current(), learner_of(user=user), limit=STORED)
        if suggestion.signal != "none"
    ]
    now = timezone.now()
    with transaction.atomic():
        Ranked.objects.update_or_create(user=user, defaults={"ranked_at": now})
        StoredSuggestion.objects.filter(user=user).delete()
        StoredSuggestion.objects.bulk_create(
            StoredSuggestion(
                user=user,
                position=position,
                session_id=suggestion.offering.session_id,
                offering=suggestion.offering.key,
                score=suggestion.score,
                signal=suggestion.signal,
                reason=suggestion.reason,
                computed_at=now,
            )
            for position, suggestion in enumerate(found)
        )
    cache.set(_cache_key(user.pk), _entries(found), CACHE_SECONDS)
    return found


def _entries(found) -> list[tuple[int, str]]:
    return [(suggestion.offering.session_id, suggestion.reason) for suggestion in found]


def recommendations_for(*, user, limit: int) -> list[Recommendation] | None:
    """Up to ``limit`` suggestions for ``user``, from the cache or the stored rows, each still
    open for booking, with its reason and its "Not interested" address; None when nothing was
    ever computed for them (then queue a recompute)."""
    entries = cache.get(_cache_key(user.pk))
    if entries is None:
        if not Ranked.objects.filter(user=user).exists():
            return None
        entries = list(StoredSuggestion.objects.filter(user=user).values_list("session_id", "reason"))
        cache.set(_cache_key(user.pk), entries, CACHE_SECONDS)
    if limit <= 0 or not entries:
        return []
    ids = [session_id for session_id, _reason in entries]
    open_cards = {card.id: card for card in plugin_api.sessions_bookable(ids=ids, limit=len(ids))}
    return [
        Recommendation(
            session=open_cards[session_id],
            reason=reason,
            dismiss_url=reverse("recommendations:dismiss", args=[session_id]),
        )
        for session_id, reason in entries
        if session_id in open_cards
    ][:limit]


def dismiss(*, user, session_id: int) -> str | None:
    """``user`` is not interested in the class of session ``session_id``: it is never suggested
    to them again, and what they see is recomputed. Returns the session's title, or None when
    the session is neither open nor among their suggestions. Idempotent."""
    if not 0 < session_id < 2**63:  # from the address: no session has such an id
        return None
    offering, title = None, None
    for item in plugin_api.sessions_bookable_detailed(ids=[session_id]):
        offering = engine.offering_key(mentor_id=item.card.mentor_id, title=item.card.title)
        title = item.card.title
    if offering is None:
        stored = StoredSuggestion.objects.filter(user=user, session_id=session_id).first()
        if stored is None:
            return None
        offering, title = stored.offering, stored.offering.partition(":")[2]
    Dismissal.objects.get_or_create(user=user, offering=offering)
    StoredSuggestion.objects.filter(user=user, offering=offering).delete()
    cache.delete(_cache_key(user.pk))
    return title


def announce(*, user, session_id: int, found: list[engine.Suggestion]) -> bool:
    """Tell ``user`` that the newly published session ``session_id`` suits them, when it is
    among their first ``ANNOUNCE_TOP`` suggestions (``found``, as ``recompute`` returns them):
    a notification with its reason, which also brings their open dashboard's panel up to date.
    Once per session, however often they are ranked again. Returns whether they were told."""
    suggestion = next((item for item in found[:ANNOUNCE_TOP] if item.offering.session_id == session_id), None)
    if suggestion is None:
        return False
    _announcement, created = Announcement.objects.get_or_create(user=user, session_id=session_id)
    if not created:
        return False
    return plugin_api.notify(
        user=user,
        kind=NEW_MATCH,
        title=f"New session for you: {suggestion.offering.title}",
        body=suggestion.reason,
        url=reverse("mentoring:session-detail", args=[session_id]),
    )


def learners_interested_in(*, topics) -> list[int]:
    """The learners whose stated interests include one of ``topics`` (any case)."""
    wanted = {str(topic).strip().casefold()[:60] for topic in topics if str(topic).strip()}
    if not wanted:
        return []
    return sorted(set(TopicPreference.objects.filter(topic__in=wanted).values_list("user_id", flat=True)))
