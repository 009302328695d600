from django.conf import settings
from django.db import models


class PointAward(models.Model):
    """Points a person earned for one thing they did. The total is always a sum of these."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="point_awards")
    reason = models.CharField(max_length=40)
    reference = models.CharField(max_length=64, blank=True, help_text="What it was for, e.g. a booking id.")
    points = models.PositiveIntegerField()
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "reason", "reference"], name="gamification_award_once"),
        ]

    def __str__(self) -> str:
        return f"{self.points} points to {self.user} for {self.reason}"
