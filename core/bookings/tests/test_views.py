"""Booking pages in test mode: preview → start → test checkout → return → pending → accept → confirmed."""

import pytest

from core.bookings.models import Booking, BookingStatus
from core.bookings.selectors import booking_list_for_learner, booking_list_pending_for_mentor
from core.bookings.services import booking_checkout_start, booking_payment_authorize
from core.mentoring.tests.factories import session_make
from core.payments.models import Payment, PaymentStatus
from core.testmode import services as testmode
from core.testmode.models import TestOrder
from core.users.services import mentor_approve
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db

PAID = "Request sent. You pay only if the mentor accepts."
NOT_PAID = "Payment didn&#x27;t go through. Try again or another method."


@pytest.fixture
def session(mentor):
    mentor_approve(mentor=mentor)
    return session_make(mentor=mentor, title="Intro to Django", price_paise=100_000)


def start(client, session) -> tuple[Booking, str]:
    """Press "Book & pay": returns the booking and the test checkout URL it redirected to."""
    response = client.post(f"/bookings/start/{session.pk}/")
    assert response.status_code == 302
    booking = Booking.objects.get(session=session, status=BookingStatus.HELD)
    assert response["Location"].startswith("/testmode/checkout/")
    assert f"/bookings/{booking.pk}/return/" in response["Location"].replace("%2F", "/")
    return booking, response["Location"]


def checkout(client, url: str, action: str) -> dict:
    """On the test checkout page, press Pay, Fail or Cancel; returns the fields it posts back."""
    assert client.get(url).status_code == 200
    page = client.post(url.split("?")[0], {"action": action, "callback": client.get(url).context["callback"]})
    assert page.status_code == 200
    return page.context["fields"], page.context["callback"]


def test_the_whole_flow_in_test_mode(client, learner, other_learner, mentor, session):
    client.force_login(learner)
    booking, url = start(client, session)
    fields, callback = checkout(client, url, "pay")
    response = client.post(callback, fields, follow=True)
    assert response.redirect_chain[-1][0] == f"/bookings/{booking.pk}/"
    text = response.content.decode()
    assert PAID in text
    assert "Waiting for the mentor. You are charged only if they accept." in text
    assert "Session ₹1,000 + platform fee ₹100 = ₹1,100" in text
    assert "Test mode — no real money" in text

    again = client.post(callback, fields)  # a double submit gives the same result
    assert again.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING

    client.force_login(mentor)
    page = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert f'action="/bookings/{booking.pk}/accept/"' in page
    assert "Pending requests" in client.get("/dashboard/mentor/").content.decode()
    response = client.post(f"/bookings/{booking.pk}/accept/", follow=True)
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Payment.objects.get(booking=booking).status == PaymentStatus.CAPTURED

    client.force_login(learner)
    text = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert "Confirmed" in text
    listing = client.get("/bookings/").content.decode()
    assert "Intro to Django" in listing and "₹1,100" in listing and "Confirmed" in listing

    client.force_login(other_learner)
    preview = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Booked" in preview and "/bookings/start/" not in preview


def test_a_bad_signature_changes_nothing(client, learner, session):
    client.force_login(learner)
    booking, url = start(client, session)
    fields, callback = checkout(client, url, "pay")
    response = client.post(callback, {**fields, "razorpay_signature": "0" * 64}, follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD
    assert Payment.objects.get(booking=booking).status == PaymentStatus.CREATED
    assert NOT_PAID in response.content.decode()


@pytest.mark.parametrize("action", ["fail", "cancel"])
def test_a_failed_or_cancelled_payment_offers_try_again_three_times(client, learner, session, action):
    client.force_login(learner)
    booking, url = start(client, session)
    for attempt in range(1, 4):
        fields, callback = checkout(client, url, action)
        text = client.post(callback, fields, follow=True).content.decode()
        assert (NOT_PAID in text) is (attempt < 3)
        booking.refresh_from_db()
        assert booking.status == (BookingStatus.HELD if attempt < 3 else BookingStatus.CANCELLED)
        if attempt < 3:
            assert "Try again" in text
            retry = client.post(f"/bookings/{booking.pk}/pay/")
            assert retry.status_code == 302 and retry["Location"].startswith("/testmode/checkout/")
            url = retry["Location"]
    # The third failure releases the slot for others at once, and says so.
    assert "Try again</button>" not in text
    assert "so the slot was released" in text and 'href="/dashboard/learner/browse/"' in text
    assert client.post(f"/bookings/{booking.pk}/pay/")["Location"] == f"/bookings/{booking.pk}/"


def test_another_learner_gets_404_on_someones_booking(client, learner, other_learner, other_mentor, session):
    booking, _payment, _order = booking_checkout_start(session=session, learner=learner)
    for person in (other_learner, other_mentor):
        client.force_login(person)
        assert client.get(f"/bookings/{booking.pk}/").status_code == 404
        assert client.post(f"/bookings/{booking.pk}/return/", {"error": "cancelled"}).status_code == 404
        assert client.post(f"/bookings/{booking.pk}/accept/").status_code == 404


def test_a_second_learner_sees_the_slot_being_booked_and_gets_409(client, learner, other_learner, session):
    booking_checkout_start(session=session, learner=learner)
    client.force_login(other_learner)
    assert "Someone is booking this slot right now" in client.get(f"/sessions/{session.pk}/").content.decode()
    response = client.post(f"/bookings/start/{session.pk}/")
    assert response.status_code == 409
    assert "Someone is booking this slot right now" in response.content.decode()


def pay(booking: Booking) -> Booking:
    payment = Payment.objects.get(booking=booking)
    paid = testmode.payment_authorize(order=TestOrder.objects.get(pk=payment.razorpay_order_id))
    signature = testmode.checkout_signature(order_id=payment.razorpay_order_id, payment_id=paid.id)
    return booking_payment_authorize(booking=booking, payment_id=paid.id, signature=signature)


def test_the_mentor_rejects_and_the_learner_sees_why(client, learner, mentor, session):
    booking, _payment, _order = booking_checkout_start(session=session, learner=learner)
    pay(booking)
    client.force_login(mentor)
    response = client.post(f"/bookings/{booking.pk}/reject/", {"next": "/dashboard/mentor/"})
    assert response["Location"] == "/dashboard/mentor/"
    client.force_login(learner)
    text = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert "Rejected" in text and "You were not charged" in text


def test_only_the_sessions_mentor_answers(client, learner, session):
    booking, _payment, _order = booking_checkout_start(session=session, learner=learner)
    pay(booking)
    client.force_login(learner)  # the learner can see the booking, but not accept it
    assert client.post(f"/bookings/{booking.pk}/accept/").status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


def test_a_bad_start_is_400_and_mentors_cannot_start(client, learner, mentor, session):
    client.force_login(mentor)
    assert client.post(f"/bookings/start/{session.pk}/").status_code == 403
    client.force_login(learner)
    booking_checkout_start(session=session, learner=learner)
    response = client.post(f"/bookings/start/{session.pk}/")
    assert response.status_code == 400
    assert "You already have a booking for this session." in response.content.decode()


def test_my_bookings_is_honest_when_empty(client, learner):
    client.force_login(learner)
    text = client.get("/bookings/").content.decode()
    assert "No bookings yet" in text


# --- Selectors: one query whatever the number of rows -----------------------------------


def _bookings(mentor, count: int) -> list[Booking]:
    bookings = []
    for index in range(count):
        session = session_make(mentor=mentor, title=f"Session {index}", hours_from_now=24 + 2 * index)
        learner = user_make(email=f"l{index}@example.com", name=f"Learner {index}", role="learner")
        booking, _payment, _order = booking_checkout_start(session=session, learner=learner)
        bookings.append(pay(booking))
    return bookings


@pytest.mark.parametrize("count", [1, 20])
def test_pending_for_mentor_is_one_query(mentor, django_assert_num_queries, count):
    mentor_approve(mentor=mentor)
    _bookings(mentor, count)
    with django_assert_num_queries(1):
        rows = booking_list_pending_for_mentor(mentor=mentor)
    assert len(rows) == count
    assert rows[0].amount_display == "₹1,100" and rows[0].learner_name == "Learner 0"


@pytest.mark.parametrize("count", [1, 20])
def test_bookings_of_a_learner_is_one_query(learner, mentor, django_assert_num_queries, count):
    mentor_approve(mentor=mentor)
    for index in range(count):
        session = session_make(mentor=mentor, title=f"Session {index}", hours_from_now=24 + 2 * index)
        booking_checkout_start(session=session, learner=learner)
    with django_assert_num_queries(1):
        rows = booking_list_for_learner(learner=learner)
    assert len(rows) == count
    assert {row.mentor_name for row in rows} == {"Meera Mentor"}


# --- After the session: minutes present, the hold, reporting a problem ------------------------


def _completed(mentor, learner, *, ended_early: bool = False):
    """A ₹1,000 session the learner and mentor attended together for 20 minutes."""
    from datetime import timedelta

    from django.utils import timezone

    from core.mentoring.tests.factories import session_booked
    from core.room.attendance import session_complete
    from core.room.models import RoomPresence

    session, booking = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=25))
    for user in (mentor, learner):
        joined, left = session.starts_at, session.starts_at + timedelta(minutes=20)
        RoomPresence.objects.create(session=session, user=user, joined_at=joined, seen_at=left, left_at=left)
    session_complete(session=session, ended_early=ended_early, now=timezone.now())
    booking.refresh_from_db()
    return session, booking


def test_the_booking_page_states_the_minutes_present_and_the_hold(client, mentor, learner):
    _, booking = _completed(mentor, learner)
    client.force_login(learner)
    page = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert "You were both present for 20 minutes (booked for 60)." in page
    assert 'data-testid="booking-minutes">20 min' in page
    assert "The payment goes to the mentor on" in page and 'data-testid="report-problem"' in page
    client.force_login(mentor)
    page = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert "Your earning becomes available on" in page and 'data-testid="report-problem"' not in page


def test_the_learner_reports_a_problem_from_the_booking_page_once(client, mentor, learner):
    from core.bookings.models import Dispute

    _, booking = _completed(mentor, learner)
    client.force_login(learner)
    empty = client.post(f"/bookings/{booking.pk}/report/", {"reason": "  "}, follow=True)
    assert "Tell us what went wrong." in empty.content.decode() and not Dispute.objects.exists()
    for _ in range(2):  # a double submit
        response = client.post(f"/bookings/{booking.pk}/report/", {"reason": "Mentor left after 5 minutes."})
        assert response.status_code == 302 and response["Location"] == f"/bookings/{booking.pk}/"
    dispute = Dispute.objects.get()
    assert (dispute.source, dispute.reason) == ("booking_page", "Mentor left after 5 minutes.")
    page = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert 'data-testid="dispute-open"' in page and 'data-testid="report-problem"' not in page
    client.force_login(mentor)
    assert "Your earning for this session is on hold" in client.get(f"/bookings/{booking.pk}/").content.decode()


def test_nobody_else_reports_on_a_booking(client, mentor, learner, other_learner):
    from core.bookings.models import Dispute

    _, booking = _completed(mentor, learner)
    client.force_login(other_learner)
    assert client.post(f"/bookings/{booking.pk}/report/", {"reason": "x"}).status_code == 404
    client.force_login(mentor)
    assert client.post(f"/bookings/{booking.pk}/report/", {"reason": "x"}).status_code in (302, 403)
    assert not Dispute.objects.exists()


def test_after_an_early_end_the_feedback_form_asks_whether_it_went_as_booked(client, mentor, learner):
    from core.bookings.models import Dispute

    session, booking = _completed(mentor, learner, ended_early=True)
    client.force_login(learner)
    feedback_url = f"/session/{session.room_id}/feedback/"
    page = client.get(feedback_url).content.decode()
    assert "Did the session go as booked?" in page and "You were both present for 20 minutes" in page
    response = client.post(
        f"/bookings/{booking.pk}/went-as-booked/",
        {"went_as_booked": "no", "reason": "Ended after 20 minutes.", "next": feedback_url},
    )
    assert response.status_code == 302 and response["Location"] == feedback_url
    dispute = Dispute.objects.get()
    assert (dispute.source, dispute.reason) == ("ended_early", "Ended after 20 minutes.")
    booking.refresh_from_db()
    assert booking.went_as_booked is False
    assert "Did the session go as booked?" not in client.get(feedback_url).content.decode()
    offsite = client.post(f"/bookings/{booking.pk}/report/", {"reason": "x", "next": "https://evil.example/"})
    assert offsite["Location"] == f"/bookings/{booking.pk}/"


def test_yes_after_an_early_end_opens_nothing(client, mentor, learner):
    from core.bookings.models import Dispute

    _, booking = _completed(mentor, learner, ended_early=True)
    client.force_login(learner)
    client.post(f"/bookings/{booking.pk}/went-as-booked/", {"went_as_booked": "yes"})
    booking.refresh_from_db()
    assert booking.went_as_booked is True and not Dispute.objects.exists()
    bad = client.post(f"/bookings/{booking.pk}/went-as-booked/", {"went_as_booked": "maybe"}, follow=True)
    assert "Answer Yes or No." in bad.content.decode()


def test_the_room_end_screen_states_the_minutes_present(client, mentor, learner):
    session, _ = _completed(mentor, learner)
    client.force_login(mentor)
    page = client.get(f"/session/{session.room_id}/").content.decode()
    assert "You were both present for 20 minutes (booked for 60)." in page


def test_the_learners_booked_sessions_state_the_minutes_present_of_a_completed_one(client, mentor, learner):
    from core.bookings.selectors import booking_list_past_for_learner

    _completed(mentor, learner)
    (row,) = booking_list_past_for_learner(learner=learner)
    assert (row.minutes_together, row.duration_minutes) == (20, 60)
    client.force_login(learner)
    page = client.get("/dashboard/learner/bookings/").content.decode()
    assert "both present 20 min" in page and "· 60 min" not in page


def test_a_partly_refunded_payment_reads_so_on_the_receipt_and_the_booking_page(client, mentor, learner, staff):
    from core.bookings.disputes import dispute_open, dispute_settle
    from core.bookings.models import DisputeSource, DisputeStatus

    _, booking = _completed(mentor, learner)
    dispute, _ = dispute_open(booking=booking, learner=learner, reason="Short", source=DisputeSource.BOOKING_PAGE)
    decision = DisputeStatus.PARTIALLY_REFUNDED
    dispute_settle(dispute=dispute, by=staff, decision=decision, note="Ended 40 minutes early.", refund_paise=55_000)
    client.force_login(learner)
    payment = Payment.objects.get(booking=booking)
    receipt = client.get(f"/dashboard/learner/payments/{payment.pk}/receipt/").content.decode()
    assert "Partly refunded" in receipt and "our team refunded ₹550" in receipt
    assert 'receipt__net"><th scope="row">You were charged</th><td class="num">₹550<' in receipt
    page = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert "₹550 refunded to the learner; the rest went to the mentor." in page
    assert "Ended 40 minutes early." in page
