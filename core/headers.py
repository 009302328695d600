"""Response headers every page gets: who may cache it, and which browser features it may use.

``Cache-Control``: a response for a signed-in person, or any response that is not the same for
every visitor (it carries a CSRF token, sets a cookie, changes the session, redirects or is an
error), is ``private, no-store``: no shared cache or back-forward cache keeps someone's
dashboard, bookings or codes. Public pages (the landing and content pages for anonymous
visitors, session previews) keep whatever caching their view chose; static files are answered
by WhiteNoise before this middleware and keep their long-lived headers.

``Permissions-Policy``: camera, microphone and screen capture only in the live room
(``/session/<room_id>/``); payment only on the Razorpay checkout, whose iframe may ask for it;
everything else denied.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# Features no page of ours uses: denied everywhere.
_DENIED = (
    "accelerometer",
    "ambient-light-sensor",
    "bluetooth",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
# Razorpay Checkout runs in an iframe from these origins and may use the Payment Request API.
RAZORPAY_ORIGINS = ('"https://api.razorpay.com"', '"https://checkout.razorpay.com"')

# URL names (namespace:name) that need more than the denials, and what they allow.
ALLOWED_BY_URL_NAME: dict[str, dict[str, tuple[str, ...]]] = {
    # The live room: the call's camera and microphone, and screen sharing.
    "mentoring:room": {"camera": ("self",), "microphone": ("self",), "display-capture": ("self",)},
    # The pages that open Razorpay Checkout (booking, paying again, paying for a plugin's purpose).
    "bookings:booking-start": {"payment": ("self", *RAZORPAY_ORIGINS)},
    "bookings:booking-pay": {"payment": ("self", *RAZORPAY_ORIGINS)},
    "pay:checkout": {"payment": ("self", *RAZORPAY_ORIGINS)},  # a payment for a plugin's purpose
}


def permissions_policy(url_name: str | None) -> str:
    """The ``Permissions-Policy`` header for a page with this URL name."""
    allowed = ALLOWED_BY_URL_NAME.get(url_name or "", {})
    parts = []
    for feature in _DENIED:
        origins = allowed.get(feature, ())
        parts.append(f"{feature}=({' '.join(origins)})")
    return ", ".join(parts)


def _is_private(request: HttpRequest, response: HttpResponse) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    if response.status_code >= 300 and response.status_code != 304:
        return True
    if request.META.get("CSRF_COOKIE_USED") or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return True
    session = getattr(request, "session", None)
    return bool(response.cookies) or bool(session is not None and session.modified)


class SecurityHeadersMiddleware:
    """Sets ``Cache-Control`` on private responses and ``Permissions-Policy`` on every one.

    Sits just inside WhiteNoise: by the time the response comes back out, the authentication
    middleware has said who asked and the session, CSRF and messages middleware have set
    their cookies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _is_private(request, response):
            # What the view said stays (never_cache's "max-age=0, no-cache, ..."), unless it
            # would let a cache keep the response.
            directives = {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}
            if directives & {"public", "s-maxage", "immutable"} or (
                "max-age" in directives and "max-age=0" not in response["Cache-Control"]
            ):
                del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        match = getattr(request, "resolver_match", None)
        response.setdefault("Permissions-Policy", permissions_policy(match.view_name if match else None))
        return response
