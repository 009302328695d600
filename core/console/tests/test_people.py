"""Staff decisions about people and sessions: block (with what it cancels and refunds), unblock,
the mentor approval queue, cancelling a session or a booking, and the support view."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from core.audit.models import AuditEvent
from core.bookings.models import Booking, BookingStatus
from core.bookings.services import booking_accept
from core.bookings.tests.factories import book_and_pay
from core.console.services import person_block
from core.mentoring.models import SessionStatus
from core.mentoring.tests.factories import approved_mentor, session_make
from core.payments.models import Payment, PaymentStatus
from core.realtime.models import Notification
from core.room.models import ChatMessage
from core.users.models import MentorProfile
from core.users.services import mentor_approve, profile_update
from core.users.tests.factories import user_make
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    force_login_verified(client, staff)
    return client


@pytest.fixture
def guru_world(learner, other_learner):
    """A mentor with a confirmed (captured) booking, a request waiting, and a learner's own booking."""
    guru = approved_mentor()
    confirmed = session_make(mentor=guru, title="Confirmed one", price_paise=100_000)
    booking_accept(booking=book_and_pay(confirmed, learner), mentor=guru)
    waiting = session_make(mentor=guru, title="Waiting one", hours_from_now=48, price_paise=50_000)
    book_and_pay(waiting, other_learner)
    return guru, confirmed, waiting


def test_the_block_page_says_what_it_will_cancel_and_refund(staff_client, guru_world):
    guru, _confirmed, _waiting = guru_world
    page = staff_client.get(f"/admin/console/people/block/?ids={guru.pk}").content.decode()
    assert "Confirmed one" in page and "Waiting one" in page
    assert "₹1,100 refunded" in page  # the confirmed learner's price + fee
    assert 'data-testid="block-refund-total">Refunded in all: <strong>₹1,100' in page


def test_a_block_needs_a_reason_and_loses_nothing(staff_client, guru_world):
    guru, *_ = guru_world
    response = staff_client.post("/admin/console/people/block/", {"ids": str(guru.pk), "reason": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    guru.refresh_from_db()
    assert guru.is_active


def test_blocking_a_mentor_cancels_and_refunds_everything_coming_up(
    staff_client, staff, guru_world, learner, other_learner, django_capture_on_commit_callbacks
):
    guru, confirmed, waiting = guru_world
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/console/people/block/", {"ids": str(guru.pk), "reason": "Fake credentials reported"}
        )
    assert response.status_code == 302
    guru.refresh_from_db()
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert not guru.is_active
    assert confirmed.status == waiting.status == SessionStatus.CANCELLED
    paid = Payment.objects.get(booking__session=confirmed)
    assert paid.status == PaymentStatus.REFUNDED
    asha = Booking.objects.get(session=confirmed)
    assert asha.status == BookingStatus.CANCELLED
    assert "no longer available" in asha.status_reason  # the learners never read staff's own reason
    assert Booking.objects.get(session=waiting).status == BookingStatus.CANCELLED
    event = AuditEvent.objects.get(action="block")
    assert (event.actor, event.reason, event.object_id) == (staff, "Fake credentials reported", str(guru.pk))
    assert sorted(event.after["sessions_to_cancel"]) == sorted([confirmed.pk, waiting.pk])


def test_a_blocked_person_is_signed_out_of_their_open_pages(client, staff, learner, django_capture_on_commit_callbacks):
    client.force_login(learner)
    assert client.get("/dashboard/learner/").status_code == 200
    person_block(person=learner, by=staff, reason="Abusive messages")
    assert client.get("/dashboard/learner/").status_code == 302  # their session no longer signs them in


def test_blocking_a_learner_cancels_their_bookings_with_refunds(staff, learner, django_capture_on_commit_callbacks):
    from core.console.services import person_block

    guru = approved_mentor()
    session = session_make(mentor=guru, price_paise=100_000)
    booking_accept(booking=book_and_pay(session, learner), mentor=guru)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = person_block(person=learner, by=staff, reason="Chargeback fraud")
    assert (outcome.blocked, outcome.sessions_cancelled, outcome.bookings_cancelled) == (True, 0, 1)
    assert Payment.objects.get(booking__session=session).status == PaymentStatus.REFUNDED
    session.refresh_from_db()
    assert session.status == SessionStatus.ACTIVE  # the slot opens for others
    again = person_block(person=learner, by=staff, reason="Chargeback fraud")
    assert (again.blocked, again.bookings_cancelled) == (False, 0)


def test_staff_cannot_block_themselves(staff_client, staff):
    response = staff_client.post("/admin/console/people/block/", {"ids": str(staff.pk), "reason": "Testing it"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.is_active


def test_unblock_with_a_reason(staff_client, staff, learner):
    learner.is_active = False
    learner.save()
    response = staff_client.post("/admin/console/people/unblock/", {"ids": str(learner.pk), "reason": "Appeal upheld"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.is_active
    assert AuditEvent.objects.get(action="unblock").reason == "Appeal upheld"


def test_hostile_ids_are_ignored(staff_client):
    response = staff_client.get("/admin/console/people/block/?ids=1%00,abc,-3,99999999999999999999")
    assert response.status_code == 400
    assert "Choose the people first" in response.content.decode()


# --- The mentor approval queue ----------------------------------------------------------------


@pytest.fixture
def newcomer():
    return user_make(email="newcomer@example.com", name="Nina Newcomer", role="mentor")


def test_the_queue_shows_waiting_mentors_with_their_profile(staff_client, newcomer, mentor):
    mentor_approve(mentor=mentor)
    page = staff_client.get("/admin/console/mentors/queue/").content.decode()
    assert "Nina Newcomer" in page
    assert mentor.email not in page  # approved already


def test_approving_from_the_queue_tells_the_mentor(staff_client, staff, newcomer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/console/mentors/queue/",
            {"mentor": newcomer.pk, "decision": "approve", "note": "Welcome aboard!"},
        )
    assert response.status_code == 302
    assert MentorProfile.objects.get(user=newcomer).is_approved
    told = Notification.objects.get(user=newcomer, kind="mentor_approved")
    assert "Welcome aboard!" in told.body
    assert any("Welcome aboard!" in message.body for message in mail.outbox)
    assert AuditEvent.objects.get(action="approve mentor").reason == "Welcome aboard!"


def test_asking_for_changes_needs_a_message_that_reaches_the_mentor(
    staff_client, newcomer, django_capture_on_commit_callbacks
):
    refused = staff_client.post("/admin/console/mentors/queue/", {"mentor": newcomer.pk, "decision": "reject"})
    assert refused.status_code == 400
    assert "Tell the mentor what to change" in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/console/mentors/queue/",
            {"mentor": newcomer.pk, "decision": "reject", "note": "Please add an intro video."},
        )
    assert response.status_code == 302, response.content.decode()[-3000:]
    profile = MentorProfile.objects.get(user=newcomer)
    assert not profile.is_approved and profile.review_note == "Please add an intro video."
    told = Notification.objects.get(user=newcomer, kind="mentor_not_approved")
    assert "Please add an intro video." in told.body
    assert any("Please add an intro video." in message.body for message in mail.outbox)
    queue = staff_client.get("/admin/console/mentors/queue/").content.decode()  # the message shows once
    assert 'data-testid="queue-mentor"' not in queue

    # They change their profile: back in the queue.
    profile_update(user=newcomer, name="Nina Newcomer", details={"bio": "Ten years of Django."})
    assert 'data-testid="queue-mentor"' in staff_client.get("/admin/console/mentors/queue/").content.decode()


# --- Sessions and bookings --------------------------------------------------------------------


def test_cancelling_a_session_refunds_its_learner_with_staffs_reason(
    staff_client, staff, guru_world, django_capture_on_commit_callbacks
):
    _guru, confirmed, _waiting = guru_world
    page = staff_client.get(f"/admin/console/sessions/{confirmed.pk}/cancel/").content.decode()
    assert "₹1,100 refunded" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/console/sessions/{confirmed.pk}/cancel/", {"reason": "The mentor is ill today"}
        )
    assert response.status_code == 302
    booking = Booking.objects.get(session=confirmed)
    assert booking.status == BookingStatus.CANCELLED
    assert booking.status_reason.startswith("PeerLearn's team cancelled this session: The mentor is ill today.")
    assert Payment.objects.get(booking=booking).status == PaymentStatus.REFUNDED
    assert AuditEvent.objects.get(action="cancel session").reason == "The mentor is ill today"


def test_cancelling_one_booking_refunds_it(staff_client, guru_world, django_capture_on_commit_callbacks):
    _guru, confirmed, _waiting = guru_world
    booking = Booking.objects.get(session=confirmed)
    long_reason = "Duplicate account " + "x" * 280
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/console/bookings/{booking.pk}/cancel/", {"reason": long_reason})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and len(booking.status_reason) <= 200
    assert Payment.objects.get(booking=booking).status == PaymentStatus.REFUNDED


def test_the_support_view_shows_everything_and_records_reading_the_chat(staff_client, staff, guru_world, learner):
    _guru, confirmed, _waiting = guru_world

    ChatMessage.objects.create(
        session=confirmed, sender=learner, text="Can we start 5 min late?", created_at=timezone.now()
    )
    page = staff_client.get(f"/admin/console/sessions/{confirmed.pk}/").content.decode()
    assert "Can we start 5 min late?" in page
    assert "₹1,100" in page and "₹900" in page  # paid, and the mentor's share
    assert "Asha" in page
    assert AuditEvent.objects.get(action="read chat").actor == staff
    assert staff_client.get("/admin/console/sessions/999999/").status_code == 404


def test_the_sessions_and_bookings_lists(staff_client, guru_world):
    _guru, confirmed, _waiting = guru_world
    sessions = staff_client.get("/admin/mentoring/mentoringsession/?q=Confirmed").content.decode()
    assert "Confirmed one" in sessions and "Waiting one" not in sessions
    bookings = staff_client.get("/admin/bookings/booking/?status__exact=confirmed").content.decode()
    assert Booking.objects.get(session=confirmed).reference in bookings
    assert staff_client.get(f"/admin/mentoring/mentoringsession/{confirmed.pk}/change/").status_code == 302


def test_the_support_view_names_times_in_the_staff_members_own_timezone(staff_client, staff, guru_world):
    _guru, confirmed, _waiting = guru_world
    staff.timezone = "Asia/Kolkata"
    staff.save()
    page = staff_client.get(f"/admin/console/sessions/{confirmed.pk}/").content.decode()
    local = timezone.localtime(confirmed.starts_at, ZoneInfo("Asia/Kolkata"))
    assert f"{local:%H:%M}" in page and "Asia/Kolkata" in page
    assert " UTC" not in page  # the times are not UTC, so the page never says they are
