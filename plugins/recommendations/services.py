from plugins.recommendations.models import TopicPreference


def preferences_from_interests(*, user, interests: list[str]) -> list[TopicPreference]:
    """Record a learner's stated interests as topic preferences (idempotent)."""
    prefs = []
    for interest in interests:
        pref, _ = TopicPreference.objects.get_or_create(user=user, topic=interest.strip().casefold()[:60])
        prefs.append(pref)
    return prefs
