from django.conf import settings


def peerlearn(request) -> dict:
    """Values every page template may use."""
    return {"DEBUG": settings.DEBUG, "EARNINGS_HOLD_HOURS": settings.EARNINGS_HOLD_HOURS}
