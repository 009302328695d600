from django.conf import settings
from django.db import models


class GiftJar(models.Model):
    """A mentor's jar for gifts (tips). Opened when the mentor registers; gifts come later."""

    mentor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gift_jar")
    accepts_gifts = models.BooleanField(default=True)
    opened_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Gift jar of {self.mentor}"
