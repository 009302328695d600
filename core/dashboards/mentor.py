"""The mentor's dashboard: home, sessions (create, edit, cancel), bookings, earnings,
withdrawals and analytics. Views parse input, call one service or selector, and render."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_otp import user_has_device

from core import pluginmanager
from core.bookings.selectors import (
    booking_count_for_mentor,
    booking_list_for_mentor,
    booking_list_pending_for_mentor,
    session_count_own_for_mentor,
    session_count_past_for_mentor,
    session_list_own_for_mentor,
    session_list_past_for_mentor,
)
from core.dashboards.common import page_get, render_section
from core.mentoring import services as session_services
from core.mentoring.forms import SessionForm, price_preview
from core.mentoring.selectors import session_get_own
from core.money import format_inr, paise_to_rupees_text
from core.payments import selectors as money
from core.payments.forms import WithdrawalForm
from core.payments.models import AccountKind
from core.payments.services import withdrawal_request, withdrawal_second_factor_require
from core.payments.statement import STATEMENT_FILENAME, earnings_statement_csv
from core.room.selectors import rating_weekly_for_mentor
from core.users.access import restrict_to_role
from core.users.models import Role
from core.users.selectors import dashboard_profile_get, follower_counts_by_day, payout_destination_get

mentor_only = restrict_to_role(Role.MENTOR)
PENDING_SHOWN = 20  # on the Bookings page: the soonest requests; the nav badge counts them all
HOME_PENDING_SHOWN = 5  # the home page's summary of them, with a link to the Bookings page
UPCOMING_PER_PAGE = 10  # the soonest sessions; the rest a page away


@mentor_only
def home(request: HttpRequest) -> HttpResponse:
    mentor = request.user
    balances = money.balances_get(user=mentor)
    return render_section(
        request,
        "dashboards/mentor_home.html",
        section="home",
        profile=dashboard_profile_get(user=mentor),
        sessions=session_list_own_for_mentor(mentor=mentor, limit=6),
        pending=booking_list_pending_for_mentor(mentor=mentor, limit=HOME_PENDING_SHOWN),
        pending_shown=HOME_PENDING_SHOWN,
        pending_all_url=reverse("core:mentor-bookings"),
        totals=money.earning_totals_for_mentor(mentor=mentor),
        available_paise=balances[AccountKind.MENTOR_AVAILABLE],
        pending_paise=balances[AccountKind.MENTOR_PENDING],
        panels=sorted(pluginmanager.collect("dashboard_panels", request=request), key=lambda p: p.order),
    )


def _session_form_page(request, form, *, session=None, status=200) -> HttpResponse:
    response = render_section(
        request,
        "dashboards/mentor_session_form.html",
        section="create",
        form=form,
        session=session,
        preview=price_preview(form["price"].value() or ""),
    )
    response.status_code = status
    return response


def session_published_message(*, session, mentor) -> str:
    """What a mentor is told after publishing: live, or hidden until their profile is approved."""
    profile = dashboard_profile_get(user=mentor)
    if profile is not None and profile.is_approved:
        return f"Session live! “{session.title}” is published. Promote it!"
    return (
        f"“{session.title}” is saved, but hidden from learners until our team approves your profile. "
        "We'll tell you by email and here as soon as it is public."
    )


@mentor_only
def session_create(request: HttpRequest) -> HttpResponse:
    mentor = request.user
    form = SessionForm(request.POST if request.method == "POST" else None, timezone_name=mentor.timezone)
    if request.method == "POST":
        if form.is_valid():
            try:
                session = session_services.session_create(mentor=mentor, **form.service_kwargs())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, session_published_message(session=session, mentor=mentor))
                return redirect("core:mentor-sessions")
        return _session_form_page(request, form, status=400)
    return _session_form_page(request, form)


@mentor_only
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mentor = request.user
    session = session_get_own(mentor=mentor, pk=pk)
    if session is None:
        raise Http404
    if request.method == "POST":
        form = SessionForm(request.POST, timezone_name=mentor.timezone)
        if form.is_valid():
            try:
                session_services.session_update(session=session, by=mentor, **form.service_kwargs())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Session saved.")
                return redirect("core:mentor-sessions")
        return _session_form_page(request, form, session=session, status=400)
    local = timezone.localtime(session.starts_at)
    form = SessionForm(
        initial={
            "title": session.title,
            "description": session.description,
            "topics": ", ".join(session.topics),
            "price": paise_to_rupees_text(session.price_paise).removesuffix(".00"),
            "starts_at": local.replace(tzinfo=None),
            "duration_minutes": session.duration_minutes,
        },
        timezone_name=mentor.timezone,
    )
    return _session_form_page(request, form, session=session)


@require_POST
@mentor_only
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_own(mentor=request.user, pk=pk)
    if session is None:
        raise Http404
    if session_services.session_cancel(session=session, by=request.user):
        messages.success(request, f"“{session.title}” is cancelled. Anyone who paid gets a full refund.")
    else:
        messages.info(request, f"“{session.title}” was already {session.get_status_display().lower()}.")
    return redirect("core:mentor-sessions")


@require_GET
@mentor_only
def price_preview_view(request: HttpRequest) -> HttpResponse:
    """The "learner pays ₹X incl. fee, you earn ₹Y" line, for the form as the mentor types."""
    return HttpResponse(price_preview(request.GET.get("price", "")), content_type="text/plain; charset=utf-8")


@mentor_only
def sessions(request: HttpRequest) -> HttpResponse:
    mentor = request.user
    return render_section(
        request,
        "dashboards/mentor_sessions.html",
        section="create",
        profile=dashboard_profile_get(user=mentor),
        upcoming=page_get(
            request,
            rows=lambda **window: session_list_own_for_mentor(mentor=mentor, **window),
            count=lambda: session_count_own_for_mentor(mentor=mentor),
            per_page=UPCOMING_PER_PAGE,
            param="upcoming",
        ),
        page=page_get(
            request,
            rows=lambda **window: session_list_past_for_mentor(mentor=mentor, **window),
            count=lambda: session_count_past_for_mentor(mentor=mentor),
        ),
    )


@mentor_only
def bookings(request: HttpRequest) -> HttpResponse:
    mentor = request.user
    return render_section(
        request,
        "dashboards/mentor_bookings.html",
        section="bookings",
        pending=booking_list_pending_for_mentor(mentor=mentor, limit=PENDING_SHOWN),
        pending_shown=PENDING_SHOWN,
        page=page_get(
            request,
            rows=lambda **window: booking_list_for_mentor(mentor=mentor, **window),
            count=lambda: booking_count_for_mentor(mentor=mentor),
        ),
    )


@mentor_only
def earnings(request: HttpRequest) -> HttpResponse:
    mentor = request.user
    balances = money.balances_get(user=mentor)
    return render_section(
        request,
        "dashboards/mentor_earnings.html",
        section="earnings",
        page=page_get(
            request,
            rows=lambda **window: money.earning_list_for_mentor(mentor=mentor, **window),
            count=lambda: money.earning_count_for_mentor(mentor=mentor),
        ),
        totals=money.earning_totals_for_mentor(mentor=mentor),
        available_paise=balances[AccountKind.MENTOR_AVAILABLE],
        pending_paise=balances[AccountKind.MENTOR_PENDING],
        in_transit_paise=balances[AccountKind.PAYOUTS_IN_TRANSIT],
    )


@require_GET
@mentor_only
def earnings_csv(request: HttpRequest) -> HttpResponse:
    """The whole statement as CSV: amounts in rupees with two decimals, times in the mentor's zone."""
    text = earnings_statement_csv(mentor=request.user, zone=timezone.get_current_timezone())
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{STATEMENT_FILENAME}"'
    return response


@mentor_only
def withdrawals(request: HttpRequest) -> HttpResponse:
    mentor = request.user
    has_two_factor = user_has_device(mentor, confirmed=True)
    balances = money.balances_get(user=mentor)
    # Bound on every POST, even an empty one: add_error() below needs a bound form.
    data = request.POST if request.method == "POST" else None
    form = WithdrawalForm(
        data,
        user=mentor,
        saved=payout_destination_get(user=mentor),
        available_paise=balances[AccountKind.MENTOR_AVAILABLE],
    )
    status = 200
    if request.method == "POST":
        try:
            withdrawal_second_factor_require(user=mentor)  # said first, whatever the form holds
            if form.is_valid():
                withdrawal = withdrawal_request(user=mentor, **form.service_kwargs())
                messages.success(
                    request, f"{format_inr(withdrawal.amount_paise)} withdrawal requested. Processed within 24 hours."
                )
                return redirect("core:mentor-withdrawals")
        except ValidationError as exc:
            form.add_service_errors(exc)
        status = 400
        balances = money.balances_get(user=mentor)
    response = render_section(
        request,
        "dashboards/mentor_withdrawals.html",
        section="withdrawals",
        form=form,
        has_two_factor=has_two_factor,
        available_paise=balances[AccountKind.MENTOR_AVAILABLE],
        in_transit_paise=balances[AccountKind.PAYOUTS_IN_TRANSIT],
        history=money.withdrawal_list_for_user(user=mentor),
    )
    response.status_code = status
    return response


def _week_ends(weeks, *, mentor) -> list:
    """The end of each analytics week (the next Monday at midnight in the mentor's timezone, as
    the weeks are counted), and now for the week under way."""
    zone = ZoneInfo(mentor.timezone or "Asia/Kolkata")
    now = timezone.now()
    return [min(datetime.fromisoformat(point.week).replace(tzinfo=zone) + timedelta(weeks=1), now) for point in weeks]


@mentor_only
def analytics(request: HttpRequest) -> HttpResponse:
    mentor = request.user
    weeks = money.analytics_weekly_for_mentor(mentor=mentor)
    hours = money.analytics_busiest_hours_for_mentor(mentor=mentor)
    ratings = rating_weekly_for_mentor(mentor=mentor)
    followers = follower_counts_by_day(mentor=mentor, days=_week_ends(weeks, mentor=mentor))
    has_data = any(point.bookings for point in weeks) or any(hours) or any(followers)
    return render_section(
        request,
        "dashboards/mentor_analytics.html",
        section="analytics",
        has_data=has_data,
        chart_data={
            "weeks": [point.week for point in weeks],
            "earnings": [paise_to_rupees_text(point.earnings_paise) for point in weeks],
            "bookings": [point.bookings for point in weeks],
            "hours": hours,
            "ratings": [point["average"] for point in ratings],
            "followers": followers,
        },
        followers_now=followers[-1] if followers else 0,
        followers_gained=(followers[-1] - followers[0]) if followers else 0,
        rating_count=sum(point["count"] for point in ratings),
        weeks=weeks,
        total_bookings=sum(point.bookings for point in weeks),
        total_earnings_paise=sum(point.earnings_paise for point in weeks),
    )
