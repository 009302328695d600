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
