"""Staff withdraw the platform's revenue in Django admin, as mentors withdraw theirs."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from core.payments import ledger
from core.payments.models import Withdrawal
from core.users.tests.factories import user_make


@pytest.mark.django_db
def test_staff_withdraw_the_platforms_earned_revenue_in_admin(staff, learner, client,
                                                              django_capture_on_commit_callbacks):  # fmt: skip
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.bookings.services import booking_accept, earnings_release_due
    from core.bookings.tests.factories import book_and_pay
    from core.mentoring.tests.factories import approved_mentor, session_make
    from core.room.attendance import session_complete

    guru = approved_mentor()
    done = session_make(mentor=guru, price_paise=100_000)
    booking_accept(booking=book_and_pay(done, learner), mentor=guru)
    with django_capture_on_commit_callbacks(execute=True):
        session_complete(session=done)
    earnings_release_due(now=timezone.now() + timedelta(hours=settings.EARNINGS_HOLD_HOURS))
    upcoming = session_make(mentor=guru, price_paise=100_000, hours_from_now=72)
    booking_accept(booking=book_and_pay(upcoming, user_make(email="second@example.com")), mentor=guru)

    device = TOTPDevice.objects.get(user=staff)
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    page = client.get("/admin/payments/withdrawal/platform/").content.decode()
    assert 'data-testid="platform-withdrawable">₹200<' in page  # the upcoming session's ₹200 waits
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    too_much = client.post("/admin/payments/withdrawal/platform/", {**_form(amount="300"), "otp_token": code})
    assert too_much.status_code == 400 and "at most ₹200" in too_much.content.decode()
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/payments/withdrawal/platform/", {**_form(amount="200"), "otp_token": code})
    assert response.status_code == 302
    withdrawal = Withdrawal.objects.get(user=None)
    assert withdrawal.amount_paise == 20_000
    assert ledger.entries_balanced()


def _form(**changes):
    data = {"destination_kind": "bank_account", "account_name": "PeerLearn Pvt Ltd", "ifsc": "HDFC0001234",
            "account_number": "123456789012", "amount": "200"}  # fmt: skip
    data.update(changes)
    return data
