"""Core's own hookimpls (core/defaults.py) tell the right people, through the real booking flow.

Book and pay with the offline test-mode gateway, accept or reject as the mentor, cancel the
session: each step's domain signal fires after commit and core's default plugin turns it
into stored notifications and (Celery, eager here) emails.
"""

from __future__ import annotations

import pytest
from django.core import mail

from core.bookings.services import SLOT_TAKEN, booking_accept, booking_reject
from core.bookings.tests.factories import book_and_pay
from core.mentoring.services import session_cancel
from core.mentoring.tests.factories import session_make
from core.payments.models import Payment
from core.realtime import services
from core.realtime.messages import when_for
from core.realtime.models import EmailDelivery, Notification, NotificationKind
from core.realtime.tasks import booking_email_send_task, payment_email_send_task
from core.users.services import mentor_approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(mentor):
    mentor_approve(mentor=mentor)
    return session_make(mentor=mentor, title="Intro to Django", price_paise=100_000)


def _notes(user) -> list[tuple[str, str]]:
    return [(n.kind, n.title) for n in Notification.objects.filter(user=user).order_by("id")]


def _mail_to(user) -> list:
    return [message for message in mail.outbox if user.email in message.to]


def test_a_request_tells_the_mentor_once(session, mentor, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book_and_pay(session, learner)
    assert _notes(mentor) == [("booking_requested", "New booking request: Asha Learner for Intro to Django")]
    assert Notification.objects.get(user=mentor).url == f"/bookings/{booking.pk}/"
    assert _notes(learner) == []
    (email,) = _mail_to(mentor)
    assert email.subject == "[PeerLearn] New booking request: Asha Learner for Intro to Django"
    assert booking.reference in email.body and "₹900" in email.body  # what the mentor earns
    assert f"/bookings/{booking.pk}/" in email.body
    assert _mail_to(learner) == []


def test_running_the_email_task_twice_sends_one_email(session, mentor, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book_and_pay(session, learner)
    assert len(_mail_to(mentor)) == 1
    assert booking_email_send_task.delay(booking.pk, NotificationKind.BOOKING_REQUESTED).get() is False
    assert booking_email_send_task.apply(args=[booking.pk, NotificationKind.BOOKING_REQUESTED]).get() is False
    assert len(_mail_to(mentor)) == 1
    assert EmailDelivery.objects.filter(user=mentor).count() == 1


def test_accepting_confirms_one_learner_and_tells_the_other_the_slot_is_taken(
    session, mentor, learner, other_learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book_and_pay(session, learner)
        other = book_and_pay(session, other_learner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_accept(booking=booking, mentor=mentor)

    starts = when_for(session.starts_at, learner)
    # booking_accept() sends payment_captured before booking_confirmed; both arrive.
    assert sorted(_notes(learner)) == [
        ("booking_confirmed", f"Confirmed: Intro to Django on {starts}"),
        ("payment_captured", "Receipt: ₹1,100 for Intro to Django"),
    ]
    assert _notes(other_learner) == [("slot_taken", "Slot taken: Intro to Django")]
    slot_taken = Notification.objects.get(user=other_learner)
    assert slot_taken.body == f"{SLOT_TAKEN}. You were not charged."
    assert slot_taken.url == f"/bookings/{other.pk}/"
    assert _notes(mentor)[-1] == ("earnings_updated", "₹900 earned")  # the mentor share, format_inr

    confirmed, receipt = sorted(_mail_to(learner), key=lambda message: "Receipt" in message.subject)
    assert confirmed.subject == f"[PeerLearn] Confirmed: Intro to Django on {starts}"
    payment = Payment.objects.get(booking=booking)
    assert receipt.subject == "[PeerLearn] Receipt: ₹1,100 for Intro to Django"
    for text in ("₹1,000", "₹100", "₹1,100", booking.reference, payment.razorpay_payment_id, "Test mode"):
        assert text in receipt.body
    (taken,) = _mail_to(other_learner)
    assert "Slot taken, try another" in taken.body
    assert _mail_to(mentor) == []  # earnings are in-app only

    # The receipt task again (a redelivered message): still one receipt.
    assert payment_email_send_task.delay(payment.pk, NotificationKind.PAYMENT_CAPTURED).get() is False
    assert len(_mail_to(learner)) == 2


def test_a_rejection_tells_the_learner_why(session, mentor, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book_and_pay(session, learner)
        booking_reject(booking=booking, mentor=mentor, reason="I am travelling that day.")
    assert _notes(learner) == [("booking_rejected", "Not accepted: Intro to Django")]
    assert Notification.objects.get(user=learner).body == "I am travelling that day. You were not charged."
    (email,) = _mail_to(learner)
    assert "I am travelling that day." in email.body


def test_a_cancelled_session_refunds_and_tells_the_learner(
    session, mentor, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book_and_pay(session, learner)
        booking_accept(booking=booking, mentor=mentor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session, by=mentor)
    kinds = [kind for kind, _title in _notes(learner)]
    assert kinds[-2:] == ["payment_refunded", "booking_rejected"]
    assert _notes(learner)[-2][1] == "Refunded: ₹1,100 for Intro to Django"
    assert _notes(learner)[-1][1] == "Cancelled: Intro to Django"
    subjects = [message.subject for message in _mail_to(learner)]
    assert subjects == ["[PeerLearn] Refunded: ₹1,100 for Intro to Django", "[PeerLearn] Cancelled: Intro to Django"]


def test_preferences_are_respected_in_the_flow(session, mentor, learner, django_capture_on_commit_callbacks):
    services.notification_preferences_update(
        user=mentor, prefs={NotificationKind.BOOKING_REQUESTED: {"email": False, "in_app": True}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        book_and_pay(session, learner)
    assert len(_notes(mentor)) == 1
    assert _mail_to(mentor) == []


def test_a_learner_who_withdraws_their_request_is_not_told_about_it(
    session, mentor, learner, django_capture_on_commit_callbacks
):
    from core.bookings.services import booking_cancel_by_learner

    booking = book_and_pay(session, learner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert booking_cancel_by_learner(booking=booking, learner=learner)
    assert not Notification.objects.filter(user=learner).exists()
    assert _mail_to(learner) == []
