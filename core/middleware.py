"""Project middleware."""

from __future__ import annotations

import zoneinfo

from django.utils import timezone


class UserTimezoneMiddleware:
    """Show times in the viewer's own timezone (stored times stay UTC).

    Logged-in people use their profile's timezone; others get the default (Asia/Kolkata)
    and the browser rewrites ``<time>`` labels into its own zone.

    Deliberately sync-only and placed last: under ASGI, Django then runs the whole
    middleware chain of a sync view in one thread instead of hopping threads at every
    layer (measured with bench/landing.py: the hops cost ~5 ms a request).
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        name = getattr(user, "timezone", "") if user is not None and user.is_authenticated else ""
        try:
            timezone.activate(zoneinfo.ZoneInfo(name or "Asia/Kolkata"))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo("Asia/Kolkata"))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
