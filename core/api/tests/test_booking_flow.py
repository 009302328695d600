"""A whole booking through the API, as a phone app would do it: search, book, pay (test mode),
the mentor accepts (the learner is charged), the learner cancels (refunded in full)."""

from __future__ import annotations

import pytest

from core.api.tests.helpers import bearer
from core.bookings.models import Booking, BookingStatus
from core.mentoring.tests.factories import session_make
from core.payments.models import Payment, PaymentStatus
from core.users.services import mentor_approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(mentor):
    mentor_approve(mentor=mentor)
    return session_make(mentor=mentor, title="Pandas for analysts", hours_from_now=72, price_paise=50_000)


def test_search_book_pay_accept_cancel(learner, mentor, session):
    as_learner, as_mentor = bearer(learner), bearer(mentor)
    found = as_learner.get("/api/v1/sessions/", {"q": "pnadas"}).json()  # a typo, as on Browse
    assert [row["id"] for row in found["results"]] == [session.pk]
    assert found["results"][0]["learner_pays_paise"] == 55_000 and found["results"][0]["fee_paise"] == 5_000

    started = as_learner.post("/api/v1/bookings/", {"session_id": session.pk}, format="json")
    assert started.status_code == 201, started.json()
    body = started.json()
    assert body["status"] == "held" and body["checkout"]["amount_paise"] == 55_000
    assert body["checkout"]["test_mode"] is True and body["checkout"]["currency"] == "INR"
    assert started["Location"] == f"/api/v1/bookings/{body['id']}/"

    answer = as_learner.post(f"/api/v1/testmode/orders/{body['checkout']['order_id']}/pay/").json()
    paid = as_learner.post(f"/api/v1/bookings/{body['id']}/payment/", answer, format="json")
    assert paid.status_code == 200 and paid.json()["status"] == "pending"

    assert as_learner.post(f"/api/v1/bookings/{body['id']}/accept/").status_code == 403
    accepted = as_mentor.post(f"/api/v1/bookings/{body['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "confirmed"
    assert Payment.objects.get(booking_id=body["id"]).status == PaymentStatus.CAPTURED

    cancelled = as_learner.post(f"/api/v1/bookings/{body['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    receipts = as_learner.get("/api/v1/receipts/").json()["results"]
    assert [(r["status"], r["refunded_paise"]) for r in receipts] == [("refunded", 55_000)]


def test_a_bad_signature_books_nothing_and_says_why(learner, session):
    as_learner = bearer(learner)
    body = as_learner.post("/api/v1/bookings/", {"session_id": session.pk}, format="json").json()
    answer = {"razorpay_payment_id": "pay_x", "razorpay_signature": "0" * 64}
    refused = as_learner.post(f"/api/v1/bookings/{body['id']}/payment/", answer, format="json")
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["status"] == 409 and problem["title"] == "Conflict"
    assert problem["detail"] == "We could not verify this payment. You have not been booked; try again."
    assert problem["instance"] == f"/api/v1/bookings/{body['id']}/payment/"
    assert Booking.objects.get(pk=body["id"]).status == BookingStatus.HELD


def test_the_mentor_rejects_and_the_payment_is_released(learner, mentor, session):
    as_learner, as_mentor = bearer(learner), bearer(mentor)
    body = as_learner.post("/api/v1/bookings/", {"session_id": session.pk}, format="json").json()
    answer = as_learner.post(f"/api/v1/testmode/orders/{body['checkout']['order_id']}/pay/").json()
    as_learner.post(f"/api/v1/bookings/{body['id']}/payment/", answer, format="json")
    listed = as_mentor.get("/api/v1/bookings/", {"status": "pending"}).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    rejected = as_mentor.post(f"/api/v1/bookings/{body['id']}/reject/", {"reason": "I am travelling."}, format="json")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["status_reason"] == "I am travelling."
    assert Payment.objects.get(booking_id=body["id"]).status == PaymentStatus.VOIDED


def test_booking_is_for_learners_and_bad_input_is_a_400_with_fields(learner, mentor, session):
    refused = bearer(mentor).post("/api/v1/bookings/", {"session_id": session.pk}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"] == "Only learners can book sessions."
    bad = bearer(learner).post("/api/v1/bookings/", {"session_id": "ten"}, format="json")
    assert bad.status_code == 400
    expected = {"field": "session_id", "message": "A valid integer is required.", "code": "invalid"}
    assert bad.json()["errors"] == [expected]
    missing = bearer(learner).post("/api/v1/bookings/", {"session_id": 999999}, format="json")
    assert missing.status_code == 400 and missing.json()["errors"][0]["message"] == "No such session."
    assert bearer(learner).post("/api/v1/bookings/", b"{not json", content_type="application/json").status_code == 400
