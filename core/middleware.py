"""Project middleware."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from core.users.two_factor import Gate, second_factor_gate


class UserTimezoneMiddleware:
    """Show times in the viewer's own timezone (stored times stay UTC).

    Logged-in people use their profile's timezone, everywhere: pages name it on
    ``<html data-time-zone>``, and the browser then rewrites no ``<time>`` label (times made
    in the browser, such as chat lines, use that zone too). Others get the default
    (Asia/Kolkata) and the browser rewrites ``<time data-local-time>`` into its own zone.

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


class SecondFactorMiddleware:
    """Nothing opens for a session that still owes the second factor
    (``core.users.two_factor.second_factor_gate``, the same rule as for sockets).

    - A password login by someone with an authenticator app: only the code page (and logging
      out, static files and health checks) opens until they type a code.
    - Staff, superusers and CMS editors who have not passed a code in this session are sent to
      the code page; those without an app yet, to the Security tab to set one up. This covers
      the Django admin, the Wagtail admin and every staff page, whatever signs the person in.

    Sync-only and beside ``UserTimezoneMiddleware`` at the inner end, for the same reason.
    """

    sync_capable = True
    async_capable = False

    ALLOWED_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/media/", "/healthz")
    SETUP_PREFIXES = ("/profile/security/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or request.path.startswith(self.ALLOWED_PREFIXES):
            return self.get_response(request)
        gate = second_factor_gate(
            user=user,
            session=session,
            is_verified=user.is_authenticated and user.is_verified(),
            path=request.path,
        )
        if gate is Gate.CODE_DUE:
            return redirect_to_login(request.get_full_path(), login_url=reverse("users:two-factor"))
        if gate is Gate.SETUP_DUE and not request.path.startswith(self.SETUP_PREFIXES):
            messages.warning(request, SETUP_DUE_MESSAGE)
            return redirect(reverse("users:security-update") + "#two-factor")
        return self.get_response(request)


SETUP_DUE_MESSAGE = (
    "Staff and page editors need two-factor: set up an authenticator app here before anything else opens."
)
