"""Erasing a person on request (DPDP): personal data removed or anonymised, money records kept,
the audit trail redacted, plugins told."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import pluginmanager
from core.audit.context import acting
from core.audit.models import AuditEvent
from core.bookings.services import booking_accept
from core.bookings.tests.factories import book_and_pay
from core.mentoring.tests.factories import session_make
from core.payments.models import Payment, PaymentStatus
from core.realtime.models import Notification
from core.room.models import ChatMessage
from core.tests.sample_plugin import hooks as sample_hooks
from core.users.models import MentorProfile, User
from core.users.services import ERASED_NAME, mentor_approve
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    force_login_verified(client, staff)
    return client


@pytest.fixture
def mentors_world(mentor, learner, staff):
    mentor_approve(mentor=mentor)
    MentorProfile.objects.filter(user=mentor).update(bio="I am Guru, from Pune.", payout_vpa="guru@upi")
    session = session_make(mentor=mentor, price_paise=100_000)
    booking_accept(booking=book_and_pay(session, learner), mentor=mentor)
    ChatMessage.objects.create(session=session, sender=mentor, text="My number is 98xxxx", created_at=timezone.now())
    with acting(user=staff, source="admin"):  # an earlier staff edit, in the trail with their name
        mentor.name = mentor.name + " Sharma"
        mentor.save()
    return session


def test_erasure_says_what_goes_and_what_stays_and_needs_a_confirmation(staff_client, mentor, mentors_world):
    page = staff_client.get(f"/admin/console/people/erase/?ids={mentor.pk}").content.decode()
    assert "What goes" in page and "What stays" in page and "₹1,100 refunded" in page
    refused = staff_client.post("/admin/console/people/erase/", {"ids": mentor.pk, "reason": "Asked by email"})
    assert refused.status_code == 400
    mentor.refresh_from_db()
    assert mentor.is_active and mentor.name.endswith("Sharma")


def test_erasing_a_mentor(staff_client, staff, mentor, learner, mentors_world, django_capture_on_commit_callbacks):
    email, name = mentor.email, mentor.name
    Notification.objects.create(user=mentor, kind="booking_requested", title="New request from Asha")
    pluginmanager.pm.register(sample_hooks, name="sample")
    sample_hooks.RECEIVED.clear()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                "/admin/console/people/erase/",
                {"ids": mentor.pk, "reason": "Request by email, ticket 4411", "confirm": "on"},
            )
    finally:
        pluginmanager.pm.unregister(sample_hooks)
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert (mentor.name, mentor.is_active, mentor.has_usable_password()) == (ERASED_NAME, False, False)
    assert email not in mentor.email
    profile = MentorProfile.objects.get(user=mentor)
    assert (profile.bio, profile.payout_vpa, profile.skills) == ("", "", [])
    assert not EmailAddress.objects.filter(user=mentor).exists()
    assert not TOTPDevice.objects.filter(user=mentor).exists()
    assert not Notification.objects.filter(user=mentor).exists()
    assert ChatMessage.objects.get(session=mentors_world).text.startswith("(message erased")
    # Money records stay, refunded by the block that came first.
    payment = Payment.objects.get(booking__session=mentors_world)
    assert payment.mentor_id == mentor.pk and payment.status == PaymentStatus.REFUNDED
    # The trail keeps what happened, without their name.
    for event in AuditEvent.objects.all():
        text = f"{event.object_repr} {event.before} {event.after} {event.actor_label} {event.reason}"
        assert name not in text and email not in text, (event.action, text)
    erase = AuditEvent.objects.get(action="erase")
    assert (erase.actor, erase.reason) == (staff, "Request by email, ticket 4411")
    assert ("user_erased", {"user": mentor}) in sample_hooks.RECEIVED
    # The learner's own records are untouched.
    assert User.objects.get(pk=learner.pk).name == learner.name


def test_staff_cannot_erase_themselves_or_a_superuser(staff_client, staff):
    response = staff_client.post("/admin/console/people/erase/", {"ids": staff.pk, "reason": "Test", "confirm": "on"})
    assert response.status_code == 400
    staff.refresh_from_db()
    assert staff.is_active and staff.name != ERASED_NAME


def test_the_people_list_offers_erasure_one_at_a_time(staff_client, learner, other_learner):
    response = staff_client.post(
        "/admin/users/user/", {"action": "erase_user", "_selected_action": [learner.pk, other_learner.pk]}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/users/user/"
    one = staff_client.post("/admin/users/user/", {"action": "erase_user", "_selected_action": [learner.pk]})
    assert one["Location"] == f"/admin/console/people/erase/?ids={learner.pk}"
    assert staff_client.get("/admin/console/people/erase/?ids=abc").status_code == 404
