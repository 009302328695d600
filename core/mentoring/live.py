"""The landing page's live sections: cached for a minute, refreshed and pushed on every change.

The cards are derived data: the channel layer may drop a message, so a client that
(re)connects fetches ``/live/`` (the same payload) instead of trusting what it missed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string

from core import pluginmanager
from core.mentoring.selectors import MentorCard, SessionCard, mentor_list_best, session_list_public_upcoming
from core.users.models import User

logger = logging.getLogger(__name__)

CACHE_KEY = "landing:live:v1"
VERSION_KEY = "landing:version"
GROUP = "landing"
LIMIT = 10


@dataclass(frozen=True)
class LiveSections:
    sessions: list[SessionCard]
    mentors: list[MentorCard]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "live": sum(1 for card in self.sessions if card.is_live),
            "upcoming": len(self.sessions),
            "mentors": len(self.mentors),
        }


def landing_sections_get() -> LiveSections:
    """The live sections, from the cache when fresh (at most ``LANDING_CACHE_SECONDS`` old)."""
    sections = cache.get(CACHE_KEY)
    if sections is None:
        sections = LiveSections(
            sessions=session_list_public_upcoming(limit=LIMIT), mentors=mentor_list_best(limit=LIMIT)
        )
        cache.set(CACHE_KEY, sections, settings.LANDING_CACHE_SECONDS)
    return sections


def landing_mentor_badges(sections: LiveSections) -> dict[int, list]:
    """``{mentor id: [Badge, ...]}`` that plugins give the mentors of the row (one call of the
    ``profile_badges`` hook for all of them; never cached with the row, so a new badge shows at once)."""
    ids = [card.id for card in sections.mentors]
    if not ids:
        return {}
    return pluginmanager.badges_for(User.objects.filter(pk__in=ids))


def landing_sections_payload(sections: LiveSections | None = None) -> dict:
    """What ``/live/`` answers and the socket pushes: both rows as HTML, the counts, and the
    landing version they belong to (read first, so a change racing this call is never lost)."""
    version = landing_version()
    sections = sections or landing_sections_get()
    context = {"live": sections, "mentor_badges": landing_mentor_badges(sections)}
    return {
        "type": "sections",
        "version": version,
        "sessions_html": render_to_string("components/live_sessions_row.html", context),
        "mentors_html": render_to_string("components/live_mentors_row.html", context),
        "counts": sections.counts,
    }


def landing_version() -> int:
    """A number that changes whenever what the landing page shows changes.

    Whole-page caches (cms) put it in their keys, so a session change or a published page
    is visible at once instead of after the cache expires.
    """
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return version


def landing_version_bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there (evicted or never read): any new value will do
        cache.set(VERSION_KEY, landing_version() + 1, None)


def landing_changed(*, session=None, change: str) -> None:
    """A session was created, updated or cancelled, or a mentor's approval changed (which shows
    or hides all their sessions; ``session`` None): drop the cache and push fresh rows.

    Called after commit. A failed push is logged, never raised: the page refetches on
    reconnect and the cache expires within a minute anyway.
    """
    cache.delete(CACHE_KEY)
    landing_version_bump()
    try:
        payload = landing_sections_payload()
        if session is not None:
            payload["changed"] = {"id": session.pk, "title": session.title, "change": change}
        async_to_sync(get_channel_layer().group_send)(GROUP, {"type": "landing.sections", "payload": payload})
    except Exception:
        session_id = getattr(session, "pk", None)
        logger.exception("Could not push the landing sections after %s (session %s)", change, session_id)
