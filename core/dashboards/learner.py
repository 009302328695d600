"""The learner's dashboard: home, browse, booked sessions (with cancel), payments (with
receipts) and progress. Views parse input, call one service or selector, and render."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core import pluginmanager
from core.bookings.models import BookingStatus
from core.bookings.selectors import (
    booking_count_open_upcoming_for_learner,
    booking_count_past_for_learner,
    booking_get_for_viewer,
    booking_get_next_for_learner,
    booking_list_past_for_learner,
    booking_list_requests_for_learner,
    booking_list_upcoming_for_learner,
    session_search_public,
)
from core.bookings.services import CANCEL_POLICY, BookingError, booking_cancel_by_learner
from core.dashboards.common import page_get, render_section
from core.dashboards.forms import BrowseForm
from core.payments import selectors as money
from core.payments.gateways import get_gateway
from core.payments.gateways.base import GatewayError
from core.room.selectors import learning_progress_for_learner
from core.users.access import restrict_to_role
from core.users.models import Role
from core.users.selectors import dashboard_profile_get

logger = logging.getLogger(__name__)

learner_only = restrict_to_role(Role.LEARNER)

RECOMMENDATIONS = 6
PER_PAGE = 12
UPCOMING_PER_PAGE = 10  # the soonest first; the rest a page away


def _recommendations(user) -> list:
    """What the recommender plugin suggests (``core.hooks.Recommendation`` items), or [] (then
    no panel). A broken recommender is logged and skipped (``call_first``): the next answers."""
    found = pluginmanager.call_first("recommended_sessions", user=user, limit=RECOMMENDATIONS)
    return list(found or [])[:RECOMMENDATIONS]


@learner_only
def home(request: HttpRequest) -> HttpResponse:
    learner = request.user
    return render_section(
        request,
        "dashboards/learner_home.html",
        section="home",
        profile=dashboard_profile_get(user=learner),
        next_booking=booking_get_next_for_learner(learner=learner),
        requests=booking_list_requests_for_learner(learner=learner, limit=8),
        recommended=_recommendations(learner),
        panels=sorted(pluginmanager.collect("dashboard_panels", request=request), key=lambda p: p.order),
    )


@require_GET
@learner_only
def browse(request: HttpRequest) -> HttpResponse:
    """``/dashboard/learner/browse/``: a GET form, so every search is a bookmarkable address."""
    form = BrowseForm(request.GET or None, timezone_name=request.user.timezone)
    if form.is_bound:
        form.is_valid()  # errors are shown; the valid fields still filter
    results = session_search_public(**form.search_kwargs(), page=request.GET.get("page", 1), per_page=PER_PAGE)
    query = QueryDict(mutable=True)
    for name in form.fields:
        if value := request.GET.get(name, "").strip():
            query[name] = value
    response = render_section(
        request,
        "dashboards/learner_browse.html",
        section="browse",
        form=form,
        results=results,
        page_query=query.urlencode(),
        fee_percent=settings.PLATFORM_FEE_PERCENT,
    )
    if request.headers.get("HX-Request"):
        # The address bar gets the search without its empty fields: ?q=pyhton, not ?q=pyhton&topic=&…
        page = request.GET.get("page", "")
        if page not in ("", "1"):
            query["page"] = page
        response["HX-Push-Url"] = f"{request.path}?{query.urlencode()}" if query else request.path
    return response


@learner_only
def bookings(request: HttpRequest) -> HttpResponse:
    learner = request.user
    return render_section(
        request,
        "dashboards/learner_bookings.html",
        section="bookings",
        upcoming=page_get(
            request,
            rows=lambda **window: booking_list_upcoming_for_learner(learner=learner, **window),
            count=lambda: booking_count_open_upcoming_for_learner(learner=learner),
            per_page=UPCOMING_PER_PAGE,
            param="upcoming",
        ),
        page=page_get(
            request,
            rows=lambda **window: booking_list_past_for_learner(learner=learner, **window),
            count=lambda: booking_count_past_for_learner(learner=learner),
        ),
        cancel_policy=CANCEL_POLICY,
    )


@require_POST
@learner_only
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_get_for_viewer(pk=pk, user=request.user)
    if booking is None or booking.learner_id != request.user.pk:
        raise Http404("No such booking.")
    title = booking.session.title
    was_confirmed = booking.status == BookingStatus.CONFIRMED
    try:
        cancelled = booking_cancel_by_learner(booking=booking, learner=request.user)
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from exc
    except BookingError as exc:
        messages.error(request, exc.messages[0])
    except GatewayError as exc:
        messages.error(request, f"The refund did not go through, so “{title}” is still booked. {exc.user_message}")
    else:
        if not cancelled:
            messages.info(request, f"“{title}” was already cancelled.")
        elif was_confirmed:
            messages.success(request, f"“{title}” is cancelled. Your full refund is on its way.")
        else:
            messages.success(request, f"“{title}” is cancelled. Your payment was released: you were not charged.")
    home = reverse("core:dashboard-learner")
    return redirect(home if request.POST.get("next") == home else "core:learner-bookings")


@learner_only
def payments(request: HttpRequest) -> HttpResponse:
    learner = request.user
    return render_section(
        request,
        "dashboards/learner_payments.html",
        section="payments",
        page=page_get(
            request,
            rows=lambda **window: money.receipt_list_for_learner(learner=learner, **window),
            count=lambda: money.receipt_count_for_learner(learner=learner),
        ),
        totals=money.receipt_totals_for_learner(learner=learner),
        fee_percent=settings.PLATFORM_FEE_PERCENT,
    )


@require_GET
@learner_only
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """One payment as a printable receipt page (the learner's own only; others get 404).

    An HTML page rather than CSV or plain text: a receipt is a document a person keeps or
    forwards, and every browser prints an HTML page or saves it as a PDF, with ₹ and the
    itemised lines laid out, and no PDF library on the server. The page has a print
    stylesheet; "Print or save as PDF" only calls the browser's print.
    """
    row = money.receipt_get_for_learner(learner=request.user, pk=pk)
    if row is None:
        raise Http404("No such receipt.")
    return render(request, "dashboards/learner_receipt.html", {"receipt": row, "test_mode": get_gateway().is_test_mode})


@learner_only
def progress(request: HttpRequest) -> HttpResponse:
    return render_section(
        request,
        "dashboards/learner_progress.html",
        section="progress",
        progress=learning_progress_for_learner(learner=request.user),
    )
