"""Notification pages: the full list, "mark read" (POST), and a JSON catch-up for tabs without a socket.

Views only parse input, call one service or selector, and shape the output (STYLE.md). Every
page works without JavaScript: the bell is a link here, and "Mark all read" is a form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.realtime import selectors, services
from core.realtime.forms import NOTIFICATION_KINDS_BY_ROLE, NotificationSettingsForm
from core.users import views as users_views

MAX_ID_DIGITS = 18  # ids are 64-bit


def _id(raw: str | None) -> int | None:
    """A non-negative id from the query string, None when absent; ValueError when malformed."""
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > MAX_ID_DIGITS:
        raise ValueError(raw)
    return int(raw)


@never_cache
@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    try:
        before = _id(request.GET.get("before"))
    except ValueError:
        return HttpResponseBadRequest("before must be a notification id.")
    page = selectors.notification_list(user=request.user, before=before)
    return render(request, "realtime/notification_list.html", {"page": page, "before": before})


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def notification_mark_read_view(request: HttpRequest) -> HttpResponse:
    """Mark the posted ``id``s read, or all of them when none is posted."""
    try:
        ids = [_id(raw) for raw in request.POST.getlist("id")]
    except ValueError:
        return HttpResponseBadRequest("id must be a notification id.")
    ids = [pk for pk in ids if pk is not None] or None
    marked = services.notification_mark_read(user=request.user, ids=ids)
    if _wants_json(request):
        return JsonResponse({"marked": marked, "unread": selectors.notification_unread_count(user=request.user)})
    if ids is None:
        messages.success(request, "All notifications marked as read.")
    target = request.POST.get("next", "")
    allowed = {request.get_host()}
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=allowed, require_https=request.is_secure()):
        target = reverse("realtime:notification-list")
    return HttpResponseRedirect(target)  # a URL, never a view name: redirect("x") would reverse it


@never_cache
@login_required
@require_GET
def notification_catch_up(request: HttpRequest) -> JsonResponse:
    """``?after=<id>``: the person's notifications above that id, oldest first (at most 100;
    ``more`` says to ask again from ``last_id``), and their unread count. Without ``after``:
    the socket's hello (unread count and last id), where a tab without a socket starts from."""
    try:
        after = _id(request.GET.get("after"))
    except ValueError:
        return JsonResponse({"error": "after must be the last notification id you saw (0 or more)."}, status=400)
    if after is None:
        return JsonResponse(selectors.hello_payload(user=request.user))
    return JsonResponse(selectors.catch_up_payload(user=request.user, after=after))


class SettingsUpdateView(users_views.SettingsUpdateView):
    """``/profile/settings/`` (``users:settings-update``): the timezone and payout of the users
    app's tab, and the notification choices for the events a learner's or mentor's role is told
    about, saved together or not at all."""

    form_class = NotificationSettingsForm

    def form_kwargs(self) -> dict:
        user = self.request.user
        known = user.role in NOTIFICATION_KINDS_BY_ROLE
        return {"preferences": selectors.notification_preferences_get(user=user) if known else []}

    def save(self, form: NotificationSettingsForm) -> None:
        services.notification_settings_update(
            user=self.request.user,
            timezone_name=form.cleaned_data["timezone"],
            payout=form.payout,
            notifications=form.notifications,
        )
