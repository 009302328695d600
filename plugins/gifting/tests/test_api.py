"""Gifts through the public API, as a phone app sends them: the window, a gift with its checkout
(test mode), Checkout's answer, the lists, the mentor's switch, and what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.api.tests.helpers import bearer
from core.mentoring.tests.factories import session_booked
from core.payments.models import Payment, PaymentStatus
from plugins.gifting import services
from plugins.gifting.models import Gift, GiftStatus

pytestmark = pytest.mark.django_db

BASE = "/api/v1/p/gifting"


@pytest.fixture
def booking(mentor, learner):
    """A confirmed session under way: gifts are open."""
    _session, booking = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=5))
    return booking


def _start(client, booking, rupees=100, message="Thanks!", key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        f"{BASE}/bookings/{booking.pk}/gifts/", {"rupees": rupees, "message": message}, format="json", **headers
    )


def test_the_window_then_a_gift_paid_in_test_mode(learner, mentor, booking):
    as_learner = bearer(learner)
    window = as_learner.get(f"{BASE}/bookings/{booking.pk}/")
    assert window.status_code == 200
    body = window.json()
    assert (body["open"], body["refusal"], body["presets_rupees"]) == (True, "", [50, 100, 200, 500])
    assert (body["left_for_session"], body["sent_paise"], body["mentor_name"]) == (5, 0, "Meera Mentor")

    started = _start(as_learner, booking)
    assert started.status_code == 201, started.json()
    gift = started.json()
    assert (gift["status"], gift["price_paise"], gift["amount_paise"], gift["mentor_share_paise"]) == (
        "started",
        10_000,
        11_000,
        9_000,
    )
    assert gift["message"] == "Thanks!" and gift["learner_name"] == "Asha Learner"
    checkout = gift["checkout"]
    assert (checkout["gateway"], checkout["test_mode"], checkout["amount_paise"], checkout["currency"]) == (
        "testmode",
        True,
        11_000,
        "INR",
    )
    assert checkout["tries_left"] == 3 and checkout["prefill_email"] == "asha@example.com"
    assert started["Location"] == f"{BASE}/gifts/{gift['id']}/"

    failed = as_learner.post(f"{BASE}/gifts/{gift['id']}/payment-failed/")
    assert failed.status_code == 200 and failed.json()["checkout"]["tries_left"] == 2

    answer = as_learner.post(f"/api/v1/testmode/orders/{checkout['order_id']}/pay/").json()
    paid = as_learner.post(f"{BASE}/gifts/{gift['id']}/payment/", answer, format="json")
    assert paid.status_code == 200, paid.json()
    assert (paid.json()["status"], paid.json()["checkout"]) == ("paid", None)
    assert Payment.objects.get(purpose="gift").status == PaymentStatus.CAPTURED
    assert as_learner.get(f"{BASE}/bookings/{booking.pk}/").json()["sent_paise"] == 10_000

    as_mentor = bearer(mentor)
    received = as_mentor.get(f"{BASE}/gifts/received/").json()
    assert [(row["id"], row["status"], row["mentor_share_paise"]) for row in received["results"]] == [
        (gift["id"], "paid", 9_000)
    ]
    assert received["next"] is None and received["previous"] is None
    assert as_mentor.get(f"{BASE}/gifts/{gift['id']}/").json()["status"] == "paid"
    assert [row["id"] for row in as_learner.get(f"{BASE}/gifts/sent/").json()["results"]] == [gift["id"]]


def test_the_same_idempotency_key_opens_one_payment(learner, booking):
    as_learner = bearer(learner)
    first = _start(as_learner, booking, key="gift-key-1")
    again = _start(as_learner, booking, key="gift-key-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert again.json() == first.json()
    assert Payment.objects.filter(purpose="gift").count() == 1 and Gift.objects.count() == 1
    other = _start(as_learner, booking, rupees=200, key="gift-key-1")
    assert other.status_code == 422


def test_a_bad_signature_changes_nothing(learner, booking):
    as_learner = bearer(learner)
    gift = _start(as_learner, booking).json()
    answer = {"razorpay_payment_id": "pay_x", "razorpay_signature": "0" * 64}
    refused = as_learner.post(f"{BASE}/gifts/{gift['id']}/payment/", answer, format="json")
    assert refused.status_code == 409 and refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"] == "We could not verify this payment. You have not been charged; try again."
    assert Gift.objects.get().status == GiftStatus.STARTED


def test_another_persons_booking_and_gift_are_not_found(learner, other_learner, mentor, booking):
    gift = _start(bearer(learner), booking).json()
    as_other = bearer(other_learner)
    assert as_other.get(f"{BASE}/bookings/{booking.pk}/").status_code == 404
    assert _start(as_other, booking).status_code == 404
    assert as_other.get(f"{BASE}/gifts/{gift['id']}/").status_code == 404
    assert as_other.post(f"{BASE}/gifts/{gift['id']}/payment-failed/").status_code == 404
    assert bearer(mentor).get(f"{BASE}/gifts/{gift['id']}/").status_code == 404  # not paid: not the mentor's yet
    assert as_other.get(f"{BASE}/gifts/sent/").json()["results"] == []


def test_who_may_do_what(client, learner, mentor, booking):
    assert client.get(f"{BASE}/gifts/sent/").status_code == 401
    assert client.post(f"{BASE}/bookings/{booking.pk}/gifts/", {"rupees": 100}, format="json").status_code == 401
    refused = _start(bearer(mentor), booking)
    assert refused.status_code == 403 and refused.json()["detail"] == "Only learners send gifts."
    assert bearer(learner).get(f"{BASE}/settings/").status_code == 403


def test_bad_input_is_a_400_with_the_field(learner, booking):
    as_learner = bearer(learner)
    for body, field in [
        ({"rupees": "lots"}, "rupees"),
        ({"rupees": 5}, "rupees"),
        ({"rupees": 100.5}, "rupees"),
        ({"rupees": 100, "message": "nul\x00byte"}, "message"),
        ({"rupees": 100, "message": ["a list"]}, "message"),
        ({"rupees": 100, "message": "x" * 141}, "message"),
    ]:
        answer = as_learner.post(f"{BASE}/bookings/{booking.pk}/gifts/", body, format="json")
        assert answer.status_code == 400, body
        assert {error["field"] for error in answer.json()["errors"]} == {field}, body
    assert as_learner.get(f"{BASE}/preview/", {"rupees": "1e3"}).status_code == 400
    preview = as_learner.get(f"{BASE}/preview/", {"rupees": "100"}).json()
    assert preview == {
        "price_paise": 10_000,
        "fee_paise": 1_000,
        "amount_paise": 11_000,
        "mentor_share_paise": 9_000,
        "text": "Gift ₹100 + platform fee ₹10 = ₹110; your mentor receives ₹90",
    }
    assert Gift.objects.count() == 0


def test_closed_gifts_are_a_409(learner, mentor, booking):
    services.gift_jar_set(mentor=mentor, accepts_gifts=False)
    refused = _start(bearer(learner), booking)
    assert refused.status_code == 409 and refused.json()["detail"] == "Meera Mentor does not take gifts."


def test_the_mentors_switch(mentor, booking, learner):
    as_mentor = bearer(mentor)
    assert as_mentor.get(f"{BASE}/settings/").json() == {"accepts_gifts": True}
    assert as_mentor.put(f"{BASE}/settings/", {"accepts_gifts": False}, format="json").json() == {
        "accepts_gifts": False
    }
    assert as_mentor.put(f"{BASE}/settings/", {"accepts_gifts": "maybe"}, format="json").status_code == 400
    window = bearer(learner).get(f"{BASE}/bookings/{booking.pk}/").json()
    assert (window["open"], window["refusal"]) == (False, "Meera Mentor does not take gifts.")


def _gifts(learner, mentor, booking, count: int, *, start: int = 0) -> None:
    Gift.objects.bulk_create(
        Gift(
            reference=f"gift-{start + index:032x}",
            learner=learner,
            mentor=mentor,
            booking_id=booking.pk,
            session_title="A session",
            price_paise=10_000,
            status=GiftStatus.PAID,
        )
        for index in range(count)
    )


@pytest.mark.parametrize("path", ["gifts/sent/", "gifts/received/"])
def test_lists_cost_the_same_queries_however_long(learner, mentor, booking, path):
    client = bearer(learner if path == "gifts/sent/" else mentor)
    _gifts(learner, mentor, booking, 2)
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(f"{BASE}/{path}").json()["results"]) == 2
    _gifts(learner, mentor, booking, 4, start=2)
    with CaptureQueriesContext(connection) as six:
        assert len(client.get(f"{BASE}/{path}").json()["results"]) == 6
    assert len(two) == len(six)
