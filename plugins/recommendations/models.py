from django.conf import settings
from django.db import models


class TopicPreference(models.Model):
    """A topic a learner cares about, normalised for matching sessions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_preferences")
    topic = models.CharField(max_length=60)
    weight = models.PositiveSmallIntegerField(default=1)
    source = models.CharField(max_length=20, default="signup")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="recommendations_topic_once")]

    def __str__(self) -> str:
        return f"{self.user} likes {self.topic}"


class StoredSuggestion(models.Model):
    """One of a learner's latest suggestions, as the last recompute ranked them: what the panel
    shows while the cache is cold. Each names a session by id (core's; it is checked to be still
    open for booking before it is shown) and says why in plain words."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    session_id = models.PositiveBigIntegerField()
    offering = models.CharField(max_length=200, help_text="The mentor's class: mentor id and title.")
    score = models.FloatField()
    signal = models.CharField(max_length=20)
    reason = models.CharField(max_length=200)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["user", "position"]
        constraints = [models.UniqueConstraint(fields=["user", "position"], name="recommendations_position_once")]

    def __str__(self) -> str:
        return f"{self.user_id} #{self.position}: {self.offering}"


class Dismissal(models.Model):
    """A learner said "Not interested" to a mentor's class: it is never suggested to them again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    offering = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "offering"], name="recommendations_dismissed_once")]

    def __str__(self) -> str:
        return f"{self.user_id} is not interested in {self.offering}"


class Ranked(models.Model):
    """When a learner's suggestions were last ranked (there may be none: nothing matched)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ranked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} ranked at {self.ranked_at:%Y-%m-%d %H:%M}"


class Announcement(models.Model):
    """A learner was told that a newly published session suits them ("New session for you"):
    once per session, however often their suggestions are ranked again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "session_id"], name="recommendations_announced_once")]

    def __str__(self) -> str:
        return f"{self.user_id} was told of session {self.session_id}"
