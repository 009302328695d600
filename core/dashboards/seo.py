"""What search engines and link previews read on the public pages: schema.org data (JSON-LD) and
Open Graph tags for mentors' pages and sessions' pages.

Only facts the page itself shows: a mentor's name, picture, bio, topics and followers, a session's
time, length, price and mentor. Types and properties are schema.org's own, checked against the
vocabulary in the tests (``core/dashboards/tests/test_seo.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from core.mentoring.models import MentoringSession
from core.money import paise_to_rupees_text, split
from core.users.models import User

CONTEXT = "https://schema.org"


@dataclass(frozen=True)
class OpenGraph:
    """The Open Graph tags of a page (base.html renders them)."""

    title: str
    description: str
    url: str
    type: str = "website"
    image: str = ""


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path) if path else ""


def _person(request: HttpRequest, mentor: User, page_url: str) -> dict:
    person = {"@type": "Person", "name": mentor.name, "url": page_url, "jobTitle": "Mentor"}
    if mentor.avatar:
        person["image"] = _absolute(request, mentor.avatar.url)
    return person


def session_event(request: HttpRequest, session: MentoringSession, *, mentor_url: str) -> dict:
    """``session`` as a schema.org ``Event``: online, with its mentor and what a learner pays."""
    url = _absolute(request, f"/sessions/{session.pk}/")
    event = {
        "@type": "Event",
        "name": session.title,
        "url": url,
        "startDate": session.starts_at.isoformat(),
        "endDate": session.ends_at.isoformat(),
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "location": {"@type": "VirtualLocation", "url": url},
        "organizer": _person(request, session.mentor, mentor_url),
        "performer": _person(request, session.mentor, mentor_url),
        "offers": {
            "@type": "Offer",
            "url": url,
            "price": paise_to_rupees_text(split(session.price_paise).amount_paise),
            "priceCurrency": "INR",
            "availability": "https://schema.org/InStock",
        },
    }
    if session.description:
        event["description"] = session.description[:500]
    if session.topics:
        event["keywords"] = ", ".join(str(topic) for topic in session.topics)
    return event


def session_page_data(request: HttpRequest, session: MentoringSession, *, mentor_url: str) -> dict:
    return {"@context": CONTEXT, **session_event(request, session, mentor_url=_absolute(request, mentor_url))}


def mentor_page_data(request: HttpRequest, mentor: User, *, profile, followers: int, sessions) -> dict:
    """A mentor's page as a schema.org ``ProfilePage`` about a ``Person``, with the sessions it lists."""
    page_url = request.build_absolute_uri(request.path)
    person = _person(request, mentor, page_url)
    if profile.bio:
        person["description"] = profile.bio[:500]
    if profile.skills:
        person["knowsAbout"] = [str(skill) for skill in profile.skills]
    person["interactionStatistic"] = {
        "@type": "InteractionCounter",
        "interactionType": "https://schema.org/FollowAction",
        "userInteractionCount": followers,
    }
    sessions = list(sessions)
    if sessions:
        by_id = {session.pk: session for session in MentoringSession.objects.filter(
            pk__in=[card.id for card in sessions]).select_related("mentor")}  # fmt: skip
        person["performerIn"] = [
            session_event(request, by_id[card.id], mentor_url=page_url) for card in sessions if card.id in by_id
        ]
    return {"@context": CONTEXT, "@type": "ProfilePage", "url": page_url, "mainEntity": person}
