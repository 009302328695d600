"""Booking pages: checkout, take Checkout's answer, the booking page, accept/reject, my bookings. The session
page's "Book and pay" (``bookings:booking-start``) is core/dashboards/session.py's, beside the page it re-renders.

Views only parse input, call one service or selector, and shape the output (STYLE.md).
"""

from __future__ import annotations

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.bookings import selectors
from core.bookings.disputes import DisputeError, booking_early_end_answer, dispute_open
from core.bookings.models import Booking, BookingStatus, DisputeSource
from core.bookings.services import (
    MAX_PAYMENT_TRIES,
    BookingError,
    booking_accept,
    booking_payment_authorize,
    booking_payment_failed,
    booking_reject,
)
from core.mentoring.models import SessionStatus
from core.mentoring.selectors import JOIN_OPENS_BEFORE
from core.money import fee_itemised, format_inr
from core.payments.checkout import RAZORPAY_CSP, razorpay_button
from core.payments.gateways import get_gateway
from core.payments.models import Payment
from core.users.access import restrict_to_role
from core.users.models import Role

MAX_TRIES = MAX_PAYMENT_TRIES
PAID = "Request sent. You pay only if the mentor accepts."
NOT_PAID = "Payment didn't go through. Try again or another method."


# --- Checkout -------------------------------------------------------------------------------


def _return_url(booking: Booking) -> str:
    return reverse("bookings:checkout-return", args=[booking.pk])


@csp_update(RAZORPAY_CSP)
def _razorpay_checkout(request: HttpRequest, booking: Booking, payment: Payment, gateway) -> HttpResponse:
    """Razorpay Checkout in redirect mode: it posts its answer to the return URL, so no inline handler."""
    context = {
        "booking": booking,
        "payment": payment,
        "amount": format_inr(payment.amount_paise),
        "checkout": razorpay_button(
            request,
            payment=payment,
            gateway=gateway,
            description=booking.session.title,
            callback_path=_return_url(booking),
            cancel_path=reverse("bookings:booking-detail", args=[booking.pk]),
        ),
    }
    return render(request, "bookings/razorpay_checkout.html", context)


def checkout_response(request: HttpRequest, booking: Booking, payment: Payment) -> HttpResponse:
    """Open checkout for ``payment``: the test-mode page, or Razorpay Checkout (also for the session page's
    "Book and pay", core/dashboards/session.py)."""
    gateway = get_gateway()
    if gateway.is_test_mode:
        return redirect(gateway.checkout_url(order_id=payment.razorpay_order_id, callback=_return_url(booking)))
    return _razorpay_checkout(request, booking, payment, gateway)


def _own_booking(request: HttpRequest, pk: int) -> Booking:
    booking = selectors.booking_get_for_viewer(pk=pk, user=request.user)
    if booking is None or booking.learner_id != request.user.pk:
        raise Http404("No such booking.")
    return booking


@never_cache
@require_POST
@restrict_to_role(Role.LEARNER)
def booking_pay_again(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Try again": reopen checkout for the same order while the hold lasts (up to three tries)."""
    booking = _own_booking(request, pk)
    payment = selectors.booking_payment_latest(booking=booking)
    open_hold = booking.status == BookingStatus.HELD and (booking.hold_expires_at or timezone.now()) > timezone.now()
    if not open_hold or payment is None or booking.failed_attempts >= MAX_TRIES:
        return redirect("bookings:booking-detail", pk=booking.pk)
    return checkout_response(request, booking, payment)


@never_cache
@csrf_exempt  # Razorpay posts here from its own page; the signature, checked on the stored order, is the proof.
def checkout_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Checkout's answer: three signed fields on success, an ``error`` otherwise. Idempotent."""
    if request.user.is_authenticated:
        booking = _own_booking(request, pk)
    else:
        # Razorpay's cross-site POST carries no login cookie: only a signed success is accepted then.
        booking = Booking.objects.filter(pk=pk).select_related("session").first()
        if booking is None or request.method != "POST" or "razorpay_signature" not in request.POST:
            return redirect_to_login(reverse("bookings:booking-detail", args=[pk]))
    if request.method != "POST":
        return redirect("bookings:booking-detail", pk=booking.pk)

    data = request.POST
    failed = any(key == "error" or key.startswith("error[") for key in data)
    if not failed:
        try:
            booking_payment_authorize(
                booking=booking,
                payment_id=data.get("razorpay_payment_id", ""),
                signature=data.get("razorpay_signature", ""),
            )
        except BookingError as exc:
            failed = True
            if request.user.is_authenticated:
                messages.error(request, exc.messages[0])
        else:
            messages.success(request, PAID)
    if failed and request.user.is_authenticated:  # an anonymous post cannot burn someone's tries
        booking_payment_failed(booking=booking)
    return redirect("bookings:booking-detail", pk=booking.pk)


# --- The booking page and the mentor's answer ----------------------------------------------


def _status_sentence(booking: Booking, *, is_mentor: bool) -> str:
    now = timezone.now()
    if booking.status == BookingStatus.HELD:
        if booking.hold_expires_at and booking.hold_expires_at <= now:
            return "Your 10 minutes to pay ran out, so the slot was released. You were not charged."
        return "The learner is paying." if is_mentor else "Finish paying within 10 minutes."
    if booking.status == BookingStatus.PENDING:
        if is_mentor:
            return "Paid and waiting for your answer. Accepting charges the learner; rejecting releases their payment."
        return "Waiting for the mentor. You are charged only if they accept."
    if booking.status == BookingStatus.CONFIRMED and booking.session.status == SessionStatus.COMPLETED:
        return "Completed: the session took place."
    if booking.status == BookingStatus.CONFIRMED:
        return "Confirmed. See you in the session." if not is_mentor else "Confirmed. The learner has been charged."
    if booking.status == BookingStatus.REJECTED:
        reason = booking.status_reason or "The mentor could not take this session."
        return f"Not booked: {reason} You were not charged." if not is_mentor else f"Rejected: {reason}"
    reason = booking.status_reason or "This booking was cancelled."
    return f"Cancelled: {reason}"


@never_cache
@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """``/bookings/<pk>/``: the booking's learner or the session's mentor; everyone else gets 404."""
    booking = selectors.booking_get_for_viewer(pk=pk, user=request.user)
    if booking is None:
        raise Http404("No such booking.")
    payment = selectors.booking_payment_latest(booking=booking)
    is_mentor = booking.session.mentor_id == request.user.pk
    failures = 0 if is_mentor else booking.failed_attempts
    held_open = (
        booking.status == BookingStatus.HELD
        and booking.hold_expires_at is not None
        and booking.hold_expires_at > timezone.now()
    )
    context = {
        "booking": booking,
        "session": booking.session,
        "is_mentor": is_mentor,
        "sentence": _status_sentence(booking, is_mentor=is_mentor),
        "badge": selectors.booking_badge(
            status=booking.status, status_reason=booking.status_reason, session_status=booking.session.status
        ),
        "now": timezone.now(),
        "join_opens_at": booking.session.starts_at - JOIN_OPENS_BEFORE,
        "is_attendable": booking.status == BookingStatus.CONFIRMED
        and booking.session.status == SessionStatus.ACTIVE
        and timezone.now() < booking.session.ends_at,
        "fee_line": payment
        and fee_itemised(
            price_paise=payment.price_paise, fee_paise=payment.fee_paise, amount_paise=payment.amount_paise
        ),
        "amount": payment and format_inr(payment.amount_paise),
        "failures": failures,
        "can_retry": not is_mentor and held_open and failures < MAX_TRIES,
        "out_of_tries": not is_mentor and booking.status == BookingStatus.HELD and failures >= MAX_TRIES,
        "can_answer": is_mentor and booking.status == BookingStatus.PENDING,
        "not_paid": NOT_PAID,
        "max_tries": MAX_TRIES,
        "test_mode": get_gateway().is_test_mode,
        "after": selectors.booking_after_session(booking=booking, user=request.user),
    }
    return render(request, "bookings/booking_detail.html", context)


# --- After the session: report a problem, answer "Did the session go as booked?" --------------


def _back(request: HttpRequest, booking: Booking) -> HttpResponse:
    """Back to the page the form was on (the booking page or the feedback form)."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = reverse("bookings:booking-detail", args=[booking.pk])
    return redirect(target)


@never_cache
@require_POST
@restrict_to_role(Role.LEARNER)
def booking_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The learner reports a problem within the hold window: the mentor's share waits for staff."""
    booking = _own_booking(request, pk)
    source = (
        DisputeSource.FEEDBACK if request.POST.get("source") == DisputeSource.FEEDBACK else DisputeSource.BOOKING_PAGE
    )
    try:
        _dispute, created = dispute_open(
            booking=booking, learner=request.user, reason=request.POST.get("reason", ""), source=source
        )
    except DisputeError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if created:
            messages.success(request, REPORTED)
    return _back(request, booking)


@never_cache
@require_POST
@restrict_to_role(Role.LEARNER)
def booking_went_as_booked_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The learner's answer after an early end: "yes", or "no" (which reports a problem)."""
    booking = _own_booking(request, pk)
    answer = request.POST.get("went_as_booked")
    if answer not in ("yes", "no"):
        messages.error(request, "Answer Yes or No.")
        return _back(request, booking)
    try:
        booking_early_end_answer(
            booking=booking, learner=request.user, went_as_booked=answer == "yes", reason=request.POST.get("reason", "")
        )
    except DisputeError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thank you for telling us." if answer == "yes" else REPORTED)
    return _back(request, booking)


REPORTED = "Thank you. The payment is on hold until our team looks at your report; you will hear from us."


def _mentor_answer(request: HttpRequest, pk: int, *, accept: bool) -> HttpResponse:
    booking = selectors.booking_get_for_viewer(pk=pk, user=request.user)
    if booking is None:
        raise Http404("No such booking.")
    try:
        if accept:
            booking_accept(booking=booking, mentor=request.user)
            messages.success(request, f"Accepted. {booking.learner.name or 'The learner'} is booked.")
        else:
            booking_reject(booking=booking, mentor=request.user)
            messages.success(request, "Rejected. The learner's payment was released; they are not charged.")
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from exc
    except BookingError as exc:
        messages.error(request, exc.messages[0])
    dashboard = reverse("core:dashboard-mentor")
    if request.POST.get("next") == dashboard:  # answered from the dashboard's panel: go back there
        return redirect(dashboard)
    return redirect("bookings:booking-detail", pk=booking.pk)


@never_cache
@login_required
@require_POST
def booking_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's mentor accepts: the payment is captured and the booking confirmed."""
    return _mentor_answer(request, pk, accept=True)


@never_cache
@login_required
@require_POST
def booking_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's mentor declines: the learner's payment is released."""
    return _mentor_answer(request, pk, accept=False)


@never_cache
@restrict_to_role(Role.LEARNER)
def booking_list(request: HttpRequest) -> HttpResponse:
    """``/bookings/``: the learner's bookings."""
    context = {
        "bookings": selectors.booking_list_for_learner(learner=request.user),
        "test_mode": get_gateway().is_test_mode,
    }
    return render(request, "bookings/booking_list.html", context)
