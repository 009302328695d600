"""Core pages: dashboards, health, and the friendly error pages."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core.mentoring.live import landing_sections_payload, landing_version
from core.mentoring.selectors import MentorCard, SessionCard

logger = logging.getLogger(__name__)


@login_required
def dashboard_redirect(request: HttpRequest) -> HttpResponse:
    """``/dashboard/`` sends everyone to their own role's dashboard."""
    return redirect(request.user.dashboard_url)


@never_cache
def landing_live(request: HttpRequest) -> HttpResponse:
    """The landing page's live rows as HTML plus the header counts (what ``/ws/landing/`` pushes).

    Clients fetch it when their socket (re)connects and for "Retry?" after a failed load.
    ``?since=<version>`` answers 204 when nothing changed since that version, so catching
    up costs a few bytes when there is nothing to catch up on.
    """
    if request.GET.get("since") == str(landing_version()):
        return HttpResponse(status=204)
    return JsonResponse(landing_sections_payload())


def styleguide(request: HttpRequest) -> HttpResponse:
    """Every component of the design system on one page (staff, or anyone under DEBUG)."""
    if not (settings.DEBUG or (request.user.is_authenticated and request.user.is_staff)):
        raise Http404
    return render(request, "core/styleguide.html", _styleguide_samples())


def _styleguide_samples() -> dict:
    """Sample cards for the style guide only: labelled as samples there, never shown elsewhere."""
    now = timezone.now().replace(second=0, microsecond=0)
    titles = ["Intro to Django", "System design interview prep", "Calculus for JEE", "Figma for beginners"]
    sessions = [
        SessionCard(
            id=-(index + 1),
            title=title,
            mentor_id=-1,
            mentor_name="Sample Mentor",
            starts_at=now + timedelta(hours=index * 5 - 1),
            ends_at=now + timedelta(hours=index * 5),
            duration_minutes=60,
            price_paise=(index + 1) * 50000,
            learner_pays_paise=(index + 1) * 55000,
            topics=("Basics", "Practice"),
            is_live=index == 0,
        )
        for index, title in enumerate(titles)
    ]
    mentors = [
        MentorCard(
            id=-1,
            name="Sample Mentor",
            skills=("Python", "Django"),
            domains=("Programming",),
            upcoming_count=len(sessions),
            next_session=sessions[0],
        )
    ]
    return {"sample_sessions": sessions, "sample_mentors": mentors}


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    """The friendly 403: says why, and links to the person's own dashboard."""
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


# --- Health -------------------------------------------------------------------------------


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    value = cache.get(key)
    cache.delete(key)
    if value != "ok":
        raise RuntimeError("cache did not return what was stored")


async def _check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("channel layer returned another message")


@never_cache
async def healthz(request: HttpRequest) -> JsonResponse:
    """200 with each part's state, or 503 naming the part that failed."""
    checks = {
        "database": sync_to_async(_check_database, thread_sensitive=True),
        "cache": sync_to_async(_check_cache, thread_sensitive=True),
        "channel_layer": _check_channel_layer,
    }
    state: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(), timeout=3)
            state[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
            logger.warning("healthz: %s failed: %s", name, exc)
            state[name] = f"error: {exc.__class__.__name__}: {exc}"[:200]
    failed = [name for name, value in state.items() if value != "ok"]
    body = {"status": "ok" if not failed else "error", "failed": failed, **state}
    return JsonResponse(body, status=503 if failed else 200)
