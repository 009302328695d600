"""The mentor's endpoints, as a phone app uses them: sessions (publish, edit, cancel), earnings and
withdrawals, through the real services and the test-mode gateway."""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import totp
from rest_framework.test import APIClient

from core.api.tests.helpers import bearer
from core.api.views.mentor import BAD_CODE, NO_CODE, NO_DESTINATION, NO_TOPICS
from core.bookings.models import BookingStatus
from core.bookings.services import booking_accept, earnings_release_due
from core.bookings.tests.factories import book_and_pay
from core.dashboards.tests.factories import bookings_bulk
from core.mentoring.models import MentoringSession, SessionStatus
from core.mentoring.tests.factories import session_make
from core.payments.models import Payment, PaymentStatus, Withdrawal
from core.room.attendance import session_complete
from core.users.services import (
    TWO_FACTOR_OFF,
    mentor_approve,
    payout_destination_update,
    totp_device_confirm,
    totp_device_start,
)
from core.users.services.two_factor import WRONG_TOTP_CODE
from core.users.tests.factories import totp_code

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/mentor/sessions/"
WITHDRAWALS = "/api/v1/mentor/withdrawals/"
ONLY_MENTORS = "Only mentors have sessions, earnings and withdrawals."
NAIVE = "Give the time with its offset or Z, e.g. 2026-12-24T18:30:00+05:30."


def _iso(moment) -> str:
    """A moment as the API answers it: in UTC, with Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _local(days: int = 3, hour: int = 18):
    """A future moment at ``hour``:30 in India, and the same instant as the API answers it."""
    day = timezone.now().astimezone(ZoneInfo("Asia/Kolkata")) + timedelta(days=days)
    moment = day.replace(hour=hour, minute=30, second=0, microsecond=0)
    return moment.isoformat(), _iso(moment)


def _body(**changes) -> dict:
    body = {
        "title": "Master recursion in one hour",
        "description": "For people who know loops.",
        "topics": ["Recursion", "Stacks", " recursion "],
        "price_paise": 100_000,
        "starts_at": _local()[0],
        "duration_minutes": 45,
    }
    body.update(changes)
    return body


# --- Sessions -------------------------------------------------------------------------------------------


def test_publish_list_read_change_and_cancel_a_session(mentor):
    as_mentor = bearer(mentor)
    _, utc = _local()
    created = as_mentor.post(SESSIONS, _body(), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    session = MentoringSession.objects.get(mentor=mentor)
    assert created["Location"] == f"/api/v1/mentor/sessions/{session.pk}/"
    ends = _iso(session.starts_at + timedelta(minutes=45))
    assert body == {
        "id": session.pk,
        "title": "Master recursion in one hour",
        "description": "For people who know loops.",
        "topics": ["Recursion", "Stacks"],  # trimmed, each once, as the web form reads them
        "starts_at": utc,
        "ends_at": ends,
        "duration_minutes": 45,
        "status": "active",
        "price_paise": 100_000,
        "fee_paise": 10_000,
        "learner_pays_paise": 110_000,
        "mentor_earns_paise": 90_000,
        "learner_name": "",
        "pending_count": 0,
        "can_edit": True,
        "room_url": "",
    }
    assert as_mentor.get(f"{SESSIONS}{session.pk}/").json() == body

    later = session_make(mentor=mentor, title="Later one", hours_from_now=24 * 10)
    listed = as_mentor.get(SESSIONS).json()
    assert [row["id"] for row in listed["results"]] == [later.pk, session.pk]  # the latest start first
    assert listed["next"] is None and listed["previous"] is None

    changed = as_mentor.patch(f"{SESSIONS}{session.pk}/", {"price_paise": 150_000}, format="json")
    assert changed.status_code == 200, changed.json()
    assert {key: changed.json()[key] for key in ("title", "price_paise", "learner_pays_paise", "starts_at")} == {
        "title": "Master recursion in one hour",  # only the fields sent change
        "price_paise": 150_000,
        "learner_pays_paise": 165_000,
        "starts_at": utc,
    }

    cancelled = as_mentor.post(f"{SESSIONS}{session.pk}/cancel/")
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["can_edit"]) == ("cancelled", False)
    again = as_mentor.post(f"{SESSIONS}{session.pk}/cancel/")  # cancelling twice answers the same
    assert again.status_code == 200 and again.json() == cancelled.json()
    assert [row["id"] for row in as_mentor.get(SESSIONS, {"status": "cancelled"}).json()["results"]] == [session.pk]
    assert [row["id"] for row in as_mentor.get(SESSIONS, {"status": "active"}).json()["results"]] == [later.pk]
    refused = as_mentor.patch(f"{SESSIONS}{session.pk}/", {"title": "Too late"}, format="json")
    assert refused.status_code == 409 and refused.json()["detail"] == "Only upcoming sessions can be changed."


def test_cancelling_a_booked_session_refunds_the_learner(mentor, learner, django_capture_on_commit_callbacks):
    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor, price_paise=100_000)
    booking = book_and_pay(session, learner)
    booking_accept(booking=booking, mentor=mentor)
    as_mentor = bearer(mentor)
    shown = as_mentor.get(f"{SESSIONS}{session.pk}/").json()
    assert (shown["learner_name"], shown["pending_count"]) == ("Asha Learner", 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_mentor.post(f"{SESSIONS}{session.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    booking.refresh_from_db()
    payment = Payment.objects.get(booking=booking)
    assert booking.status == BookingStatus.CANCELLED
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, 110_000)


def test_a_pending_request_is_counted(mentor, learner):
    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor)
    book_and_pay(session, learner)
    row = bearer(mentor).get(SESSIONS).json()["results"][0]
    assert (row["id"], row["learner_name"], row["pending_count"]) == (session.pk, "", 1)


def test_only_mentors_and_only_their_own_sessions(mentor, other_mentor, learner, staff):
    session = session_make(mentor=mentor)
    for person in (learner, staff):
        client = bearer(person)
        for refused in (
            client.get(SESSIONS),
            client.post(SESSIONS, _body(), format="json"),
            client.get(f"{SESSIONS}{session.pk}/"),
            client.post(f"{SESSIONS}{session.pk}/cancel/"),
            client.get("/api/v1/mentor/earnings/"),
            client.post(WITHDRAWALS, {"amount_paise": 10_000, "code": "123456"}, format="json"),
        ):
            assert refused.status_code == 403, (person, refused.wsgi_request.path)
            assert refused.json()["detail"] == ONLY_MENTORS
    theirs = bearer(other_mentor)
    assert theirs.get(f"{SESSIONS}{session.pk}/").status_code == 404
    assert theirs.patch(f"{SESSIONS}{session.pk}/", {"title": "Mine now"}, format="json").status_code == 404
    assert theirs.post(f"{SESSIONS}{session.pk}/cancel/").status_code == 404
    assert theirs.get(SESSIONS).json()["results"] == []
    session.refresh_from_db()
    assert (session.title, session.status) == ("Intro to Django", SessionStatus.ACTIVE)
    assert APIClient().get(SESSIONS).status_code == 401
    assert MentoringSession.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "Rec\x00ursion"}, "title", "Null characters are not allowed."),
        ({"title": "   "}, "title", "Give the session a title."),
        ({"description": "a\x00"}, "description", "Null characters are not allowed."),
        ({"topics": ["Py\x00thon"]}, "topics.0", "Null characters are not allowed."),
        ({"topics": "Python"}, "topics", 'Expected a list of items but got type "str".'),
        ({"topics": []}, "topics", NO_TOPICS),
        ({"topics": [""]}, "topics.0", "This field may not be blank."),
        ({"topics": [{"a": 1}]}, "topics.0", "Not a valid string."),
        ({"starts_at": "9999-12-31T23:59:59+05:30"}, "starts_at", "Give a year between 2000 and 2200."),
        ({"starts_at": "2026-12-24T18:30:00"}, "starts_at", NAIVE),
        ({"starts_at": 1_700_000_000}, "starts_at", None),
        ({"starts_at": "9999-12-31T23:59:59-05:00"}, "starts_at", None),
        ({"starts_at": "0001-01-01T00:00:00+05:30"}, "starts_at", None),
        ({"starts_at": "2020-01-01T10:00:00Z"}, "starts_at", "The start time must be in the future."),
        ({"price_paise": "ten"}, "price_paise", "A valid integer is required."),
        ({"price_paise": [100_000]}, "price_paise", "A valid integer is required."),
        ({"price_paise": 5_000}, "price_paise", "The price must be between ₹100 and ₹50,000."),
        ({"price_paise": 99_950}, "price_paise", "Prices are whole rupees, without paise: ₹999.50 is not one."),
        ({"price_paise": 10**30}, "price_paise", "The price must be between ₹100 and ₹50,000."),
        ({"duration_minutes": 5}, "duration_minutes", "A session lasts between 15 minutes and 4 hours."),
        ({"duration_minutes": True}, "duration_minutes", "A valid integer is required."),
    ],
)
def test_bad_input_is_a_400_with_the_field(mentor, changes, field, message):
    response = bearer(mentor).post(SESSIONS, _body(**changes), format="json")
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == [field]
    if message is not None:
        assert errors[0]["message"] == message
    assert not MentoringSession.objects.exists()


def test_bodies_that_are_not_objects_and_overlaps_are_400s(mentor):
    as_mentor = bearer(mentor)
    assert as_mentor.post(SESSIONS, [1, 2], format="json").json()["errors"][0]["field"] == ""
    assert as_mentor.post(SESSIONS, b"{nope", content_type="application/json").status_code == 400
    assert as_mentor.post(SESSIONS, {}, format="json").json()["errors"] == [
        {"field": "title", "message": "Give the session a title.", "code": "required"},
        {"field": "topics", "message": NO_TOPICS, "code": "required"},
        {"field": "price_paise", "message": "This field is required.", "code": "required"},
        {"field": "starts_at", "message": "This field is required.", "code": "required"},
    ]
    first = session_make(mentor=mentor, title="First one", hours_from_now=72)
    clash = as_mentor.post(SESSIONS, _body(starts_at=first.starts_at.isoformat()), format="json")
    assert clash.status_code == 400
    assert [(error["field"], error["message"]) for error in clash.json()["errors"]] == [
        ("starts_at", "This overlaps your session “First one”. Pick another time.")
    ]
    for bad in ({"starts_at": None}, {"price_paise": "1e5"}, {"title": "x" * 121}, {"topics": ["a"] * 13}):
        response = as_mentor.patch(f"{SESSIONS}{first.pk}/", bad, format="json")
        assert response.status_code == 400, bad
        assert response.json()["errors"][0]["field"] == next(iter(bad))
    assert as_mentor.get(SESSIONS, {"status": "nonsense"}).json()["errors"][0]["field"] == "status"
    assert as_mentor.get(SESSIONS, {"cursor": "forged"}).status_code == 404


# --- Earnings ---------------------------------------------------------------------------------------------


def _earn(mentor, learner, capture, *, complete: bool = True, hours_from_now: float = 24):
    """A session of ``mentor`` that ``learner`` booked and paid; taken place and released if ``complete``."""
    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor, price_paise=100_000, hours_from_now=hours_from_now)
    booking = book_and_pay(session, learner)
    booking_accept(booking=booking, mentor=mentor)
    if complete:
        with capture(execute=True):
            session_complete(session=session)
        earnings_release_due(now=timezone.now() + timedelta(hours=settings.EARNINGS_HOLD_HOURS))
    return booking


def test_earnings_totals_balances_and_statement(mentor, learner, other_learner, django_capture_on_commit_callbacks):
    released = _earn(mentor, learner, django_capture_on_commit_callbacks)
    waiting = _earn(mentor, other_learner, django_capture_on_commit_callbacks, complete=False, hours_from_now=48)
    as_mentor = bearer(mentor)
    assert as_mentor.get("/api/v1/mentor/earnings/").json() == {
        "totals": {"today_paise": 180_000, "month_paise": 180_000},
        "balances": {"available_paise": 90_000, "in_transit_paise": 0, "pending_paise": 90_000},
    }
    statement = as_mentor.get("/api/v1/mentor/earnings/statement/").json()
    payments = {payment.booking_id: payment for payment in Payment.objects.filter(mentor=mentor)}
    assert statement["results"] == [
        {
            "payment_id": payments[booking.pk].pk,
            "booking_id": booking.pk,
            "reference": booking.reference,
            "title": "Intro to Django",
            "purpose": "booking",
            "learner_name": name,
            "captured_at": _iso(payments[booking.pk].captured_at),
            "gross_paise": 100_000,
            "fee_paise": 10_000,
            "net_paise": 90_000,
            "status": status,
            "status_display": status.title(),
        }
        for booking, name, status in (
            (waiting, "Bilal Learner", "pending"),
            (released, "Asha Learner", "available"),
        )
    ]
    assert statement["next"] is None


def test_statement_pages_follow_the_cursor(mentor):
    bookings_bulk(mentor=mentor, count=5)
    as_mentor = bearer(mentor)
    first = as_mentor.get("/api/v1/mentor/earnings/statement/", {"page_size": 3}).json()
    second = as_mentor.get(first["next"]).json()
    ids = [row["payment_id"] for row in first["results"] + second["results"]]
    assert len(first["results"]) == 3 and second["next"] is None
    assert ids == list(
        Payment.objects.filter(mentor=mentor).order_by("-captured_at", "-pk").values_list("pk", flat=True)
    )


# --- Withdrawals ------------------------------------------------------------------------------------------


@pytest.fixture
def earned(mentor, learner, django_capture_on_commit_callbacks):
    """₹900 available to ``mentor``, a UPI address saved and two-factor on."""
    _earn(mentor, learner, django_capture_on_commit_callbacks)
    payout_destination_update(mentor=mentor, kind="vpa", account_name="Meera Mentor", vpa="meera@okhdfcbank")
    device = totp_device_start(user=mentor)
    totp_device_confirm(user=mentor, token=f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}")
    return mentor


def _only_error(response) -> dict:
    assert response.status_code == 400, response.json()
    (error,) = response.json()["errors"]
    return error


def test_a_withdrawal_with_a_right_code_to_the_saved_destination(earned):
    as_mentor = bearer(earned)
    response = as_mentor.post(WITHDRAWALS, {"amount_paise": 50_000, "code": totp_code(earned)}, format="json")
    assert response.status_code == 201, response.json()
    withdrawal = Withdrawal.objects.get(user=earned)
    assert response.json() == {
        "id": withdrawal.pk,
        "amount_paise": 50_000,
        "status": "pending",
        "status_display": "Pending",
        "destination": "UPI meera@okhdfcbank",
        "failure_reason": "",
        "created_at": _iso(withdrawal.created_at),
    }
    assert (withdrawal.destination_kind, withdrawal.vpa, withdrawal.account_name) == (
        "vpa",
        "meera@okhdfcbank",
        "Meera Mentor",
    )
    assert as_mentor.get(WITHDRAWALS).json()["results"] == [response.json()]
    assert as_mentor.get("/api/v1/mentor/earnings/").json()["balances"] == {
        "available_paise": 40_000,
        "in_transit_paise": 50_000,
        "pending_paise": 0,
    }


def test_the_bank_account_number_never_comes_back_whole(earned):
    payout_destination_update(
        mentor=earned, kind="bank_account", account_name="Meera", ifsc="HDFC0001234", account_number="123456789012"
    )
    response = bearer(earned).post(WITHDRAWALS, {"amount_paise": 20_000, "code": totp_code(earned)}, format="json")
    assert response.json()["destination"] == "Bank account ••••9012 (HDFC0001234)"
    assert "123456789012" not in response.content.decode()
    assert Withdrawal.objects.get(user=earned).account_number == "123456789012"


def test_withdrawals_need_two_factor_first(mentor, learner, django_capture_on_commit_callbacks):
    _earn(mentor, learner, django_capture_on_commit_callbacks)
    response = bearer(mentor).post(WITHDRAWALS, {"amount_paise": 50_000, "code": "123456"}, format="json")
    assert _only_error(response) == {"field": "", "message": TWO_FACTOR_OFF, "code": "two_factor_off"}
    assert response.json()["detail"] == TWO_FACTOR_OFF
    assert not Withdrawal.objects.exists()


def test_withdrawals_need_a_saved_destination(mentor, learner, django_capture_on_commit_callbacks):
    _earn(mentor, learner, django_capture_on_commit_callbacks)
    response = bearer(mentor).post(WITHDRAWALS, {"amount_paise": 50_000, "code": totp_code(mentor)}, format="json")
    assert _only_error(response)["message"] == NO_DESTINATION
    assert not Withdrawal.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"amount_paise": 50_000}, "code", NO_CODE),
        ({"amount_paise": 50_000, "code": ""}, "code", NO_CODE),
        ({"amount_paise": 50_000, "code": "12ab56"}, "code", BAD_CODE),
        ({"amount_paise": 50_000, "code": "1234567"}, "code", BAD_CODE),
        ({"amount_paise": 50_000, "code": "12\x003456"}, "code", "Null characters are not allowed."),
        ({"amount_paise": 50_000, "code": "000000"}, "code", WRONG_TOTP_CODE),
        ({"amount_paise": 90_001, "code": "right"}, "amount_paise", "You can withdraw at most ₹900 right now."),
        ({"amount_paise": 10**30, "code": "right"}, "amount_paise", "You can withdraw at most ₹900 right now."),
        ({"amount_paise": 5_000, "code": "right"}, "amount_paise", "The smallest withdrawal is ₹100."),
        ({"amount_paise": 0, "code": "right"}, "amount_paise", "Type an amount above zero."),
        ({"amount_paise": "900.5", "code": "right"}, "amount_paise", "A valid integer is required."),
        ({"code": "right"}, "amount_paise", "How much do you want to withdraw?"),
    ],
)
def test_a_bad_withdrawal_says_why_and_moves_nothing(earned, body, field, message):
    if body.get("code") == "right":
        body = {**body, "code": totp_code(earned)}
    error = _only_error(bearer(earned).post(WITHDRAWALS, body, format="json"))
    assert (error["field"], error["message"]) == (field, message)
    assert not Withdrawal.objects.exists()


def test_the_same_idempotency_key_withdraws_once(earned):
    as_mentor = bearer(earned)
    body = {"amount_paise": 30_000, "code": totp_code(earned)}
    first = as_mentor.post(WITHDRAWALS, body, format="json", HTTP_IDEMPOTENCY_KEY="withdraw-1")
    second = as_mentor.post(WITHDRAWALS, body, format="json", HTTP_IDEMPOTENCY_KEY="withdraw-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert second.json() == first.json()
    assert Withdrawal.objects.filter(user=earned).count() == 1
    other = as_mentor.post(
        WITHDRAWALS, {**body, "amount_paise": 31_000}, format="json", HTTP_IDEMPOTENCY_KEY="withdraw-1"
    )
    assert other.status_code == 422


# --- Query counts ---------------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.json()
    return len(queries)


def _withdrawals(mentor, count: int) -> None:
    Withdrawal.objects.bulk_create(
        Withdrawal(user=mentor, amount_paise=10_000, destination_kind="vpa", account_name="Meera", vpa="m@okaxis")
        for _ in range(count)
    )


@pytest.mark.parametrize(
    "url", [SESSIONS, "/api/v1/mentor/earnings/statement/", WITHDRAWALS, "/api/v1/mentor/earnings/"]
)
def test_lists_cost_the_same_queries_for_2_or_6_rows(mentor, url):
    as_mentor = bearer(mentor)
    bookings_bulk(mentor=mentor, count=2)
    _withdrawals(mentor, 2)
    few = _queries(as_mentor, url)
    bookings_bulk(mentor=mentor, count=4, days_from_now=5)
    bookings_bulk(mentor=mentor, count=3, status=BookingStatus.PENDING, days_from_now=9)  # on other sessions
    _withdrawals(mentor, 4)
    if url != "/api/v1/mentor/earnings/":
        expected = 9 if url == SESSIONS else 6
        assert len(as_mentor.get(url, {"page_size": 100}).json()["results"]) == expected
    assert _queries(as_mentor, url) == few
