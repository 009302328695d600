"""The starter badge rules: created by migration 0003, and again by the tests that empty the
tables (``transactional_db``). Staff edit them in the admin afterwards."""

STARTER = [
    # key, kind, audience, threshold, min_average, name, description, icon, order
    (
        "first-session",
        "sessions",
        "both",
        1,
        None,
        "First session",
        "Your first session that counted: both of you there for at least half of it.",
        "check-circle",
        10,
    ),
    ("five-sessions", "sessions", "both", 5, None, "5 sessions", "{threshold} sessions that counted.", "sparkles", 20),
    (
        "twenty-five-sessions",
        "sessions",
        "both",
        25,
        None,
        "25 sessions",
        "{threshold} sessions that counted.",
        "sparkles",
        30,
    ),
    (
        "topic-pro",
        "topic_sessions",
        "both",
        10,
        None,
        "{topic} Pro",
        "{threshold} sessions on {topic} that counted, as learner or as mentor.",
        "academic-cap",
        40,
    ),
    (
        "streak-4",
        "streak_weeks",
        "both",
        4,
        None,
        "4-week streak",
        "A session that counted in each of {threshold} calendar weeks in a row.",
        "calendar",
        50,
    ),
    (
        "streak-12",
        "streak_weeks",
        "both",
        12,
        None,
        "12-week streak",
        "A session that counted in each of {threshold} calendar weeks in a row.",
        "calendar",
        60,
    ),
    (
        "top-rated",
        "top_rated",
        "mentor",
        20,
        "4.50",
        "Top rated",
        "{threshold} verified reviews averaging 4.5 or more.",
        "star",
        70,
    ),
]


def rules_create(rule_model) -> None:
    """Create the starter rules that are missing (by key), with ``rule_model`` (BadgeRule, or the
    migration's historical model)."""
    for key, kind, audience, threshold, average, name, description, icon, order in STARTER:
        rule_model.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "audience": audience,
                "threshold": threshold,
                "min_average": average,
                "name": name,
                "description": description,
                "icon": icon,
                "order": order,
            },
        )
