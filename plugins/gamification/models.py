"""Badge rules (data staff edit), the badges people earned, and their points.

Every award is derived from core's records (sessions both people really attended, feedback):
``plugins.gamification.rules`` works out what a person has earned, ``services`` stores it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

# Heroicons of the public pages' sprite (static/img/icons.svg): badges show on the landing page too.
ICONS = [
    ("academic-cap", "Academic cap"),
    ("check-circle", "Tick in a circle"),
    ("sparkles", "Sparkles"),
    ("star", "Star"),
    ("calendar", "Calendar"),
    ("clock", "Clock"),
    ("light-bulb", "Light bulb"),
    ("chat-bubble-left-right", "Speech bubbles"),
    ("shield-check", "Shield"),
]


class BadgeRule(models.Model):
    """What earns a badge: a ``kind`` of count over the records, for whom, from what threshold."""

    class Kind(models.TextChoices):
        TOPIC_SESSIONS = "topic_sessions", "Sessions on one topic"
        SESSIONS = "sessions", "Sessions in total"
        HOURS = "hours", "Hours in sessions, together"
        STREAK_WEEKS = "streak_weeks", "Weeks in a row with a session"
        FEEDBACK_GIVEN = "feedback_given", "Feedback given (learners)"
        TOP_RATED = "top_rated", "Verified reviews at an average (mentors)"

    class Audience(models.TextChoices):
        LEARNERS = "learner", "Learners (sessions they attend as learner)"
        MENTORS = "mentor", "Mentors (sessions they give)"
        BOTH = "both", "Both (sessions in either part)"

    key = models.SlugField(max_length=40, unique=True, help_text="A fixed name for the rule; never shown.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.BOTH)
    threshold = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text="How many sessions, hours, weeks or reviews it takes.",
    )
    min_average = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Top rated only: the lowest average rating (1 to 5) of those reviews.",
    )
    name = models.CharField(
        max_length=80, help_text='What people read. In a topic rule "{topic}" stands for the topic: "{topic} Pro".'
    )
    description = models.CharField(
        max_length=200,
        help_text='How it is earned, in a line. "{threshold}" and "{topic}" stand for the numbers and the topic.',
    )
    icon = models.CharField(max_length=40, choices=ICONS, default="sparkles")
    is_active = models.BooleanField(
        default=True, help_text="Inactive rules award nothing new; badges already earned stay."
    )
    order = models.PositiveSmallIntegerField(default=100, help_text="Lower comes first on pages.")

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(threshold__gte=1), name="gamification_rule_threshold_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        is_topic = self.kind == self.Kind.TOPIC_SESSIONS
        if is_topic and "{topic}" not in (self.name or ""):
            errors["name"] = 'A topic rule names its topic: put "{topic}" in the name, as in "{topic} Pro".'
        if not is_topic and ("{topic}" in (self.name or "") or "{topic}" in (self.description or "")):
            errors["name"] = 'Only topic rules have a "{topic}".'
        if self.kind == self.Kind.TOP_RATED:
            if self.min_average is None:
                errors["min_average"] = "Top rated needs the lowest average rating, for example 4.5."
            if self.audience != self.Audience.MENTORS:
                errors["audience"] = "Only mentors receive reviews: choose Mentors."
        elif self.min_average is not None:
            errors["min_average"] = "Only a Top rated rule has an average."
        if self.kind == self.Kind.FEEDBACK_GIVEN and self.audience != self.Audience.LEARNERS:
            errors["audience"] = "Only learners give feedback: choose Learners."
        for field in ("name", "description"):
            try:
                (getattr(self, field) or "").format(topic="Python", threshold=10)
            except (KeyError, IndexError, ValueError):
                errors[field] = 'Use only "{topic}" and "{threshold}" in braces.'
        if errors:
            raise ValidationError(errors)

    def name_for(self, topic: str = "") -> str:
        return _fill(self.name, topic=topic, threshold=self.threshold)

    def description_for(self, topic: str = "") -> str:
        return _fill(self.description, topic=topic, threshold=self.threshold)


def _fill(pattern: str, **values) -> str:
    """``pattern`` with its ``{topic}`` and ``{threshold}`` filled (left as written if malformed)."""
    try:
        return pattern.format(**values)
    except (KeyError, IndexError, ValueError):
        return pattern


class BadgeAward(models.Model):
    """A badge one person earned (for one topic, in a topic rule). Never deleted: a badge that a
    recompute finds unearned is revoked, with the reason, and comes back if earned again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards")
    rule = models.ForeignKey(BadgeRule, on_delete=models.PROTECT, related_name="awards")
    topic = models.CharField(max_length=100, blank=True, help_text="The topic, in lower case (topic rules).")
    name = models.CharField(max_length=120, help_text="As shown when it was earned.")
    awarded_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-awarded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "rule", "topic"], name="gamification_badge_once"),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="gamification_badges_of_user")]

    def __str__(self) -> str:
        return f"{self.name} for {self.user}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class PointAward(models.Model):
    """Points a person earned for one thing they did. The total is always a sum of these."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="point_awards")
    reason = models.CharField(max_length=40)
    reference = models.CharField(max_length=64, blank=True, help_text="What it was for, e.g. a session id.")
    points = models.PositiveIntegerField()
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "reason", "reference"], name="gamification_award_once"),
        ]

    def __str__(self) -> str:
        return f"{self.points} points to {self.user} for {self.reason}"
