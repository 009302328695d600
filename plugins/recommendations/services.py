from core import plugin_api
from core.hooks import Recommendation
from plugins.recommendations.models import TopicPreference

TOPICS_ASKED = 10  # the learner's topics looked at, most weighted first


def preferences_from_interests(*, user, interests: list[str]) -> list[TopicPreference]:
    """Record a learner's stated interests as topic preferences (idempotent)."""
    prefs = []
    for interest in interests:
        pref, _ = TopicPreference.objects.get_or_create(user=user, topic=interest.strip().casefold()[:60])
        prefs.append(pref)
    return prefs


def _topics_followed(*, user) -> list[tuple[str, str]]:
    """``(topic key, label to show)`` for the interests on the learner's profile today (a topic
    they removed is not followed any more), the most weighted preferences first."""
    labels: dict[str, str] = {}
    for interest in plugin_api.learner_interests(user=user):
        key = interest.strip().casefold()[:60]
        if key:
            labels.setdefault(key, interest.strip())
    weights = dict(TopicPreference.objects.filter(user=user, topic__in=list(labels)).values_list("topic", "weight"))
    order = {key: index for index, key in enumerate(labels)}
    keys = sorted(labels, key=lambda key: (-weights.get(key, 0), order[key]))
    return [(key, labels[key]) for key in keys[:TOPICS_ASKED]]


def recommendations_for(*, user, limit: int) -> list[Recommendation]:
    """Up to ``limit`` bookable sessions on the topics the learner follows, each with its reason
    ("Because you follow Python"), topics in the learner's order, soonest first within one.

    Only the learner's own records are read: their interests and their own bookings (sessions
    they booked already are left out). Only bookable sessions come back (core decides which).
    """
    if limit <= 0:
        return []
    booked = {row.session_id for row in plugin_api.bookings_of_learner(learner=user)}
    found: list[Recommendation] = []
    seen: set[int] = set(booked)
    for key, label in _topics_followed(user=user):
        for card in plugin_api.sessions_bookable(topic=key, limit=limit + len(booked)):
            if card.id in seen:
                continue
            seen.add(card.id)
            shown = next((topic for topic in card.topics if topic.casefold() == key), label)
            found.append(Recommendation(session=card, reason=f"Because you follow {shown}"))
            if len(found) >= limit:
                return found
    return found
