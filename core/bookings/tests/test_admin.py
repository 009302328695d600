"""Staff settle disputes in Django admin, after their TOTP check, saying why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.utils import timezone

from core.bookings.disputes import dispute_open
from core.bookings.models import Dispute, DisputeSource, DisputeStatus
from core.mentoring.tests.factories import session_booked
from core.payments import ledger
from core.payments.models import AccountKind, Payment
from core.room.attendance import session_complete
from core.users.tests.factories import totp_code

pytestmark = pytest.mark.django_db


def _verified(client, user):
    """A staff session that passed the second factor, as the admin login leaves it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


@pytest.fixture
def dispute(mentor, learner):
    session, booking = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=61))
    session_complete(session=session, now=timezone.now() - timedelta(minutes=1))
    booking.refresh_from_db()
    return dispute_open(booking=booking, learner=learner, reason="Ended after 10 minutes.",
                        source=DisputeSource.BOOKING_PAGE)[0]  # fmt: skip


def test_a_password_only_staff_session_cannot_settle(client, staff, dispute):
    client.force_login(staff)
    response = client.post(f"/admin/bookings/dispute/{dispute.pk}/settle/", {"decision": "released", "note": "x"})
    assert response.status_code in (302, 403)
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN


def test_staff_refund_part_of_a_disputed_payment(client, staff, mentor, dispute, django_capture_on_commit_callbacks):
    client = _verified(client, staff)
    page = client.get(f"/admin/bookings/dispute/{dispute.pk}/settle/")
    assert page.status_code == 200 and "Ended after 10 minutes." in page.content.decode()
    assert "Settle" in client.get("/admin/bookings/dispute/").content.decode()
    missing_note = client.post(
        f"/admin/bookings/dispute/{dispute.pk}/settle/", {"decision": "partially_refunded", "refund": "550"}
    )
    assert missing_note.status_code == 400
    too_much = client.post(
        f"/admin/bookings/dispute/{dispute.pk}/settle/",
        {"decision": "partially_refunded", "refund": "1100.01", "note": "Too much", "otp_token": totp_code(staff)},
    )
    assert too_much.status_code == 400 and "at most the ₹1,100 paid" in too_much.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/admin/bookings/dispute/{dispute.pk}/settle/",
            {
                "decision": "partially_refunded",
                "refund": "550",
                "note": "Half the session took place.",
                "otp_token": totp_code(staff),
            },
        )
    assert done.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.refund_paise, dispute.decided_by) == ("partially_refunded", 55_000, staff)
    assert dispute.decision_note == "Half the session took place."
    assert Payment.objects.get(booking=dispute.booking).refunded_paise == 55_000
    assert ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=mentor) == 45_000
    assert ledger.entries_balanced()
    # A second submit (another tab) changes nothing.
    again = client.post(
        f"/admin/bookings/dispute/{dispute.pk}/settle/", {"decision": "refunded", "note": "Full after all"}
    )
    assert again.status_code == 409
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.PARTIALLY_REFUNDED and dispute.refund_paise == 55_000


def test_staff_refund_in_full(client, staff, mentor, learner, dispute):
    client = _verified(client, staff)
    response = client.post(
        f"/admin/bookings/dispute/{dispute.pk}/settle/",
        {"decision": "refunded", "note": "No session took place.", "otp_token": totp_code(staff)},
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.REFUNDED and dispute.refund_paise == 110_000
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=mentor) == 0
    assert ledger.entries_balanced()


def test_dispute_records_are_written_by_the_settle_view_only(rf):
    model_admin = admin.site._registry[Dispute]
    request = rf.get("/admin/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request)
