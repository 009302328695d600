"""Browse: search and filter the public sessions still open for booking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.utils import timezone
from rapidfuzz import fuzz, process, utils

from core.bookings.models import BookingStatus
from core.mentoring.selectors import session_card, session_queryset_public_upcoming

SEARCH_CANDIDATES = 2000
SEARCH_CUTOFF = 80
TOPIC_CHOICES = 60


@dataclass(frozen=True)
class SessionSearch:
    """One page of search results, and what the filter form offers."""

    page: Page  # of SessionCard
    total: int
    topics: tuple[str, ...]  # topics and mentor domains of the sessions on offer, for the filter
    is_capped: bool  # more sessions matched the filters than the text search looked at
    searched: int  # how many sessions the text and topic were matched against


def _words(text: str) -> list[str]:
    return utils.default_process(text).split()


def _text_score(query_words: list[str], words: list[str]) -> float:
    """How well the query matches one session's words, 0–100: each query word scores its best
    match (a word it starts, as "pyth" starts "python", counts 100; otherwise the edit-distance
    ratio, so "pyhton" scores 83 against "python"); the session scores the mean, so every word
    of the query has to match something."""
    if not words:
        return 0.0
    total = 0.0
    for query_word in query_words:
        if len(query_word) >= 3 and any(word.startswith(query_word) for word in words):
            total += 100
            continue
        best = process.extractOne(query_word, words, scorer=fuzz.ratio)
        total += best[1] if best else 0
    return total / len(query_words)


def session_search_public(
    *,
    text: str = "",
    topic: str = "",
    price_min_paise: int | None = None,
    price_max_paise: int | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    page: int | str = 1,
    per_page: int = 12,
    now: datetime | None = None,
) -> SessionSearch:
    """Public sessions still open for booking: those of approved, active mentors (as on the
    landing page) that have not started and have no confirmed learner (one-to-one). Filtered
    by price (the session's price, in paise), start time (aware datetimes: the caller turns
    the learner's local dates into instants) and topic or mentor domain, and searched by
    ``text`` in the title, topics and mentor's name, typo-tolerant.

    Text search is rapidfuzz over a bounded candidate set, on SQLite and PostgreSQL alike:
    the price and date filters run in the database, which returns at most
    ``SEARCH_CANDIDATES`` (soonest first) as plain values; topic and text are matched here.
    Why not pg_trgm on PostgreSQL: it needs ``CREATE EXTENSION`` (a superuser step on many
    managed databases, so a migration may not be able to do it), SQLite would still need
    this path, and trigram similarity is weak on exactly the typos people make in short
    words: "pyhton" and "python" share 3 of 11 trigrams (similarity 0.27, under pg_trgm's
    default 0.3 threshold), while their edit-distance ratio is 83. Upcoming sessions of a
    marketplace number in the thousands, which rapidfuzz scores in milliseconds.

    Two queries whatever the number of sessions: the candidates, then the page's cards.
    """
    now = now or timezone.now()
    candidates = (
        session_queryset_public_upcoming(now=now)
        .filter(starts_at__gt=now)
        .exclude(bookings__status=BookingStatus.CONFIRMED)
    )
    if price_min_paise is not None:
        candidates = candidates.filter(price_paise__gte=price_min_paise)
    if price_max_paise is not None:
        candidates = candidates.filter(price_paise__lte=price_max_paise)
    if starts_from is not None:
        candidates = candidates.filter(starts_at__gte=starts_from)
    if starts_before is not None:
        candidates = candidates.filter(starts_at__lt=starts_before)
    rows = list(
        candidates.values_list("pk", "title", "topics", "mentor__name", "mentor__mentor_profile__domains")[
            : SEARCH_CANDIDATES + 1
        ]
    )
    is_capped = len(rows) > SEARCH_CANDIDATES
    rows = rows[:SEARCH_CANDIDATES]

    seen: dict[str, str] = {}
    counts: dict[str, int] = {}
    for _pk, _title, topics, _name, domains in rows:
        for label in {*(topics or ()), *(domains or ())}:
            key = label.casefold()
            seen.setdefault(key, label)
            counts[key] = counts.get(key, 0) + 1
    offered = sorted(counts, key=lambda key: (-counts[key], key))[:TOPIC_CHOICES]
    wanted = topic.strip().casefold()
    if wanted and wanted not in offered:
        offered.append(wanted)
        seen.setdefault(wanted, topic.strip())
    topic_choices = tuple(sorted((seen[key] for key in offered), key=str.casefold))

    query_words = _words(text)
    matched: list[tuple[float, int, int]] = []
    for index, (pk, title, topics, name, domains) in enumerate(rows):
        topics, domains = topics or [], domains or []
        if wanted and wanted not in {label.casefold() for label in (*topics, *domains)}:
            continue
        score = 100.0
        if query_words:
            score = _text_score(query_words, _words(" ".join([title, *topics, name])))
            if score < SEARCH_CUTOFF:
                continue
        matched.append((-score, index, pk))
    matched.sort()  # best match first; equal scores stay soonest first
    paginator = Paginator([pk for _score, _index, pk in matched], per_page)
    result_page = paginator.get_page(page)
    by_pk = {
        session.pk: session
        for session in session_queryset_public_upcoming(now=now).filter(pk__in=list(result_page.object_list))
    }
    result_page.object_list = [session_card(by_pk[pk], now=now) for pk in result_page.object_list if pk in by_pk]
    return SessionSearch(
        page=result_page, total=paginator.count, topics=topic_choices, is_capped=is_capped, searched=len(rows)
    )
