from django.conf import settings


def peerlearn(request) -> dict:
    """Values every page template may use."""
    return {"DEBUG": settings.DEBUG}
