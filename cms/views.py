"""``/``: the landing page, served from a whole-page cache to anonymous visitors."""

from __future__ import annotations

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET
from wagtail.views import serve as wagtail_serve

from core.mentoring.live import landing_version

PAGE_CACHE_PREFIX = "landing:html"


def home(request: HttpRequest) -> HttpResponse:
    """Logged-in people go to their dashboard; anonymous visitors get the cached page.

    The page is the same for every anonymous visitor (times in IST, rewritten by the
    browser into its own zone), holds no CSRF token and no per-person data, so it is
    cached for ``LANDING_CACHE_SECONDS`` under a key that changes with every session
    change and every published page. A visitor with pending messages gets a fresh render.
    """
    if request.user.is_authenticated:
        return redirect(request.user.dashboard_url)
    if request.method not in ("GET", "HEAD") or request.GET or len(get_messages(request)):
        return wagtail_serve(request, "")
    key = f"{PAGE_CACHE_PREFIX}:{landing_version()}"
    cached = cache.get(key)
    if cached is not None:
        content, content_type = cached
        return HttpResponse(content, content_type=content_type)
    response = wagtail_serve(request, "")
    if hasattr(response, "render"):
        response.render()
    personal = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED")
    if response.status_code == 200 and not personal and not response.cookies:
        cache.set(key, (response.content, response["Content-Type"]), settings.LANDING_CACHE_SECONDS)
    return response


# Pages a search engine has no business with: people's own pages, the staff's, the API, payments.
ROBOTS_DISALLOWED = (
    "/accounts/",
    "/admin/",
    "/api/",
    "/bookings/",
    "/calendar/",
    "/cms/",
    "/dashboard/",
    "/notifications/",
    "/pay/",
    "/payments/",
    "/profile/",
    "/session/",
    "/testmode/",
)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """``/robots.txt``: public pages open to every crawler, private ones not, and the sitemap."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED), "Allow: /"]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
