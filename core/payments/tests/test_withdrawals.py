from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.payments import ledger
from core.payments.ledger import Line
from core.payments.models import AccountKind, JournalEntry, Withdrawal
from core.payments.services import withdrawal_request, withdrawal_settle
from core.payments.tests import races
from core.realtime.models import Notification
from core.realtime.services import notification_preferences_update
from core.users.tests.factories import totp_code

BANK = {
    "destination_kind": "bank_account",
    "account_name": "Meera Iyer",
    "ifsc": "hdfc0001234",
    "account_number": "123456789012",
}


def _earn(user, paise: int, reference: str = "earned") -> None:
    ledger.post(
        reference=reference,
        memo="test earnings",
        lines=[Line(AccountKind.GATEWAY_CLEARING, paise), Line(AccountKind.MENTOR_AVAILABLE, -paise, user)],
    )


@pytest.mark.django_db
def test_a_mentor_withdraws_up_to_the_available_balance(mentor):
    _earn(mentor, 150_000)
    withdrawal = withdrawal_request(user=mentor, amount_paise=100_000, otp_token=totp_code(mentor), **BANK)
    assert withdrawal.ifsc == "HDFC0001234"
    assert ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=mentor) == 50_000
    assert ledger.balance(kind=AccountKind.PAYOUTS_IN_TRANSIT, user=mentor) == 100_000
    assert ledger.balance(kind=AccountKind.PAYOUTS_IN_TRANSIT) == 0  # the platform's own: none
    with pytest.raises(ValidationError) as error:
        withdrawal_request(user=mentor, amount_paise=60_000, otp_token=totp_code(mentor), **BANK)
    assert error.value.message_dict["amount_paise"] == ["You can withdraw at most ₹500 right now."]


@pytest.mark.django_db
def test_a_failed_payout_returns_the_money(mentor):
    _earn(mentor, 100_000)
    withdrawal = withdrawal_request(user=mentor, amount_paise=100_000, otp_token=totp_code(mentor), **BANK)
    ledger.post_payout_failed(withdrawal=withdrawal)
    ledger.post_payout_failed(withdrawal=withdrawal)  # a repeated event posts once
    assert ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=mentor) == 100_000
    assert ledger.balance(kind=AccountKind.PAYOUTS_IN_TRANSIT, user=mentor) == 0
    assert ledger.entries_balanced()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ifsc": "HDFC1234567"}, "ifsc", "An IFSC has 11 characters"),
        ({"account_number": "12ab"}, "account_number", "9 to 18 digits"),
        ({"destination_kind": "vpa", "vpa": "not-an-address"}, "vpa", "name@bank"),
        ({"account_name": " "}, "account_name", "account holder"),
    ],
)
def test_destinations_are_checked(mentor, changes, field, message):
    _earn(mentor, 100_000)
    with pytest.raises(ValidationError) as error:
        withdrawal_request(user=mentor, amount_paise=50_000, otp_token=totp_code(mentor), **{**BANK, **changes})
    assert message in error.value.message_dict[field][0]
    assert not Withdrawal.objects.exists()


@pytest.mark.django_db
def test_upi_and_the_platforms_own_revenue(mentor, staff):
    ledger.post(
        reference="fee",
        memo="m",
        lines=[Line(AccountKind.GATEWAY_CLEARING, 20_000), Line(AccountKind.PLATFORM_REVENUE, -20_000)],
    )
    withdrawal = withdrawal_request(
        user=None,
        amount_paise=20_000,
        destination_kind="vpa",
        account_name="PeerLearn",
        vpa="peerlearn@okaxis",
        requested_by=staff,
        otp_token=totp_code(staff),
    )
    assert withdrawal.vpa == "peerlearn@okaxis"
    assert ledger.balance(kind=AccountKind.PLATFORM_REVENUE) == 0


def _never_overdrawn(result: dict) -> None:
    # Room for exactly five of ₹1,000 in ₹5,000: five are taken, fifteen refused, none crash.
    assert result["outcomes"] == {"ok": 5, "refused": 15}
    assert (result["withdrawals"], result["withdrawn_paise"], result["available_paise"]) == (5, 500_000, 0)
    assert result["entries_balanced"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_withdrawals_never_overdraw_on_postgresql(postgres_database):
    _never_overdrawn(races.withdrawals(attempts=20, balance_paise=500_000, amount_paise=100_000))


@pytest.mark.django_db(transaction=True)  # the test database is copied, so nothing may hold it open
def test_twenty_simultaneous_withdrawals_never_overdraw_on_sqlite(tmp_path, django_db_blocker):
    """The same race on a SQLite file in WAL mode with IMMEDIATE transactions, as the
    embedded default runs, in a child process (see ``races``); runs under PostgreSQL too."""
    path = races.sqlite_file(tmp_path=tmp_path, django_db_blocker=django_db_blocker)
    result = races.run_on_sqlite_file(
        "withdrawals", path=path, attempts=20, balance_paise=500_000, amount_paise=100_000
    )
    assert result["vendor"] == {
        "vendor": "sqlite",
        "name": str(path),
        "journal_mode": "wal",
        "transaction_mode": "IMMEDIATE",
    }
    _never_overdrawn(result)


@pytest.mark.django_db
def test_a_withdrawal_is_paid_out_once_through_the_gateway(mentor, django_capture_on_commit_callbacks):
    from core.payments.services import withdrawal_payout_send
    from core.testmode.models import TestPayout

    _earn(mentor, 100_000)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = withdrawal_request(user=mentor, amount_paise=100_000, otp_token=totp_code(mentor), **BANK)
    withdrawal.refresh_from_db()
    assert withdrawal.status == "completed"
    assert withdrawal.payout_id.startswith("pout_")
    withdrawal_payout_send(withdrawal=withdrawal)  # a retried task
    assert TestPayout.objects.count() == 1
    assert ledger.balance(kind=AccountKind.PAYOUTS_IN_TRANSIT, user=mentor) == 0
    assert ledger.balance(kind=AccountKind.GATEWAY_CLEARING) == 0
    assert ledger.entries_balanced()


@pytest.mark.django_db
def test_an_admin_settles_a_withdrawal_when_payouts_are_manual(mentor, staff, client):
    _earn(mentor, 100_000)
    withdrawal = withdrawal_request(
        user=mentor, amount_paise=40_000, otp_token=totp_code(mentor), **BANK
    )  # on_commit not run: still pending
    client.force_login(staff)
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=staff).persistent_id
    session.save()
    response = client.post(
        "/admin/payments/withdrawal/",
        {"action": "mark_failed", "_selected_action": [withdrawal.pk]},
    )
    assert response.status_code == 302
    withdrawal.refresh_from_db()
    assert withdrawal.status == "failed"
    assert ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=mentor) == 100_000
    from core.audit.models import AuditEvent

    marked = AuditEvent.objects.get(action="mark withdrawal failed")
    assert (marked.actor, marked.object_id) == (staff, str(withdrawal.pk))


@pytest.mark.django_db
def test_the_platform_withdraws_only_what_sessions_that_took_place_earned(
    learner, staff, django_capture_on_commit_callbacks
):
    """Its share of an upcoming session is refunded if the session is cancelled, so it stays put."""
    from core.bookings.services import booking_accept, earnings_release_due
    from core.bookings.tests.factories import book_and_pay
    from core.mentoring.tests.factories import approved_mentor, session_make
    from core.room.attendance import session_complete

    guru = approved_mentor()
    session = session_make(mentor=guru, price_paise=100_000)
    booking_accept(booking=book_and_pay(session, learner), mentor=guru)
    assert ledger.balance(kind=AccountKind.PLATFORM_REVENUE) == 20_000
    upi = {"destination_kind": "vpa", "account_name": "PeerLearn", "vpa": "peerlearn@okaxis"}
    with pytest.raises(ValidationError) as error:
        withdrawal_request(user=None, amount_paise=20_000, requested_by=staff, otp_token=totp_code(staff), **upi)
    assert error.value.message_dict["amount_paise"] == ["You can withdraw at most ₹0 right now."]
    with django_capture_on_commit_callbacks(execute=True):
        session_complete(session=session)
    with pytest.raises(ValidationError):  # the learner may still report a problem for 48 hours
        withdrawal_request(user=None, amount_paise=20_000, requested_by=staff, otp_token=totp_code(staff), **upi)
    earnings_release_due(now=timezone.now() + timedelta(hours=settings.EARNINGS_HOLD_HOURS))
    withdrawal_request(user=None, amount_paise=20_000, requested_by=staff, otp_token=totp_code(staff), **upi)
    assert ledger.balance(kind=AccountKind.PLATFORM_REVENUE) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payout_status", "title", "says"),
    [
        ("processed", "Withdrawal of ₹1,000 paid out", "on its way to your account"),
        ("failed", "Withdrawal of ₹1,000 failed", "Bank down. ₹1,000 is back in your available balance."),
        ("rejected", "Withdrawal of ₹1,000 failed", "₹1,000 is back in your available balance."),
    ],
)
def test_the_mentor_hears_how_a_payout_ended(
    mentor, django_capture_on_commit_callbacks, mailoutbox, payout_status, title, says
):
    _earn(mentor, 100_000)
    withdrawal = withdrawal_request(
        user=mentor, amount_paise=100_000, otp_token=totp_code(mentor), **BANK
    )  # queued, not sent
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal_settle(withdrawal=withdrawal, payout_status=payout_status, reason="Bank down")
        withdrawal_settle(withdrawal=withdrawal, payout_status=payout_status, reason="Bank down")  # once
    notification = Notification.objects.get(user=mentor)
    assert (notification.kind, notification.title, notification.url) == (
        "earnings_updated",
        title,
        "/dashboard/mentor/withdrawals/",
    )
    assert says in notification.body
    assert [message.subject for message in mailoutbox] == [settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + title]
    assert says in mailoutbox[0].body


@pytest.mark.django_db
def test_payout_news_follows_the_mentors_notification_settings(mentor, django_capture_on_commit_callbacks, mailoutbox):
    notification_preferences_update(user=mentor, prefs={"earnings_updated": {"email": False}})
    _earn(mentor, 100_000)
    withdrawal = withdrawal_request(user=mentor, amount_paise=100_000, otp_token=totp_code(mentor), **BANK)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal_settle(withdrawal=withdrawal, payout_status="processed")
    assert Notification.objects.filter(user=mentor).count() == 1  # in the app still
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_platforms_own_payouts_tell_nobody(staff, django_capture_on_commit_callbacks, mailoutbox):
    ledger.post(
        reference="revenue",
        memo="m",
        lines=[Line(AccountKind.GATEWAY_CLEARING, 100_000), Line(AccountKind.PLATFORM_REVENUE, -100_000)],
    )
    withdrawal = withdrawal_request(
        user=None, amount_paise=100_000, requested_by=staff, otp_token=totp_code(staff), **BANK
    )
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal_settle(withdrawal=withdrawal, payout_status="processed")
    assert not Notification.objects.exists()
    assert mailoutbox == []


# --- Two-factor before a withdrawal (docs/decisions/0011-two-factor-and-logins.md) ---------------


def _nothing_written(user) -> None:
    assert not Withdrawal.objects.exists()
    assert not JournalEntry.objects.filter(reference__startswith="withdrawal").exists()
    assert ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=user) == 100_000


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "000000", "12 34 56", "abcdef"])
def test_a_withdrawal_without_a_right_code_is_refused_and_writes_nothing(mentor, token):
    _earn(mentor, 100_000)
    right = totp_code(mentor)
    wrong = token if token != "000000" or right != "000000" else "111111"
    with pytest.raises(ValidationError) as refused:
        withdrawal_request(user=mentor, amount_paise=100_000, otp_token=wrong, **BANK)
    assert refused.value.message_dict == {
        "otp_token": ["That code is not right. Check the time on your phone and try again."]
    }
    _nothing_written(mentor)
    device = TOTPDevice.objects.get(user=mentor)
    assert device.throttling_failure_count == 1  # the wrong code counts towards the back-off


@pytest.mark.django_db
def test_a_mentor_without_an_authenticator_app_cannot_withdraw(mentor):
    _earn(mentor, 100_000)
    with pytest.raises(ValidationError) as refused:
        withdrawal_request(user=mentor, amount_paise=100_000, otp_token="123456", **BANK)
    assert refused.value.messages == ["Turn on two-factor authentication before your first withdrawal."]
    _nothing_written(mentor)


@pytest.mark.django_db
def test_a_code_is_used_once_and_only_by_a_withdrawal_that_goes_through(mentor):
    _earn(mentor, 100_000)
    code = totp_code(mentor)
    with pytest.raises(ValidationError) as refused:  # refused for the amount: the code stays usable
        withdrawal_request(user=mentor, amount_paise=200_000, otp_token=code, **BANK)
    assert set(refused.value.message_dict) == {"amount_paise"}

    withdrawal_request(user=mentor, amount_paise=50_000, otp_token=code, **BANK)

    with pytest.raises(ValidationError) as again:
        withdrawal_request(user=mentor, amount_paise=50_000, otp_token=code, **BANK)
    assert set(again.value.message_dict) == {"otp_token"}
    assert Withdrawal.objects.count() == 1


@pytest.mark.django_db
def test_the_platforms_revenue_is_withdrawn_by_staff_with_their_code(mentor, staff):
    ledger.post(
        reference="fee",
        memo="m",
        lines=[Line(AccountKind.GATEWAY_CLEARING, 20_000), Line(AccountKind.PLATFORM_REVENUE, -20_000)],
    )
    upi = {"destination_kind": "vpa", "account_name": "PeerLearn", "vpa": "peerlearn@okaxis"}
    for asker in (None, mentor):
        with pytest.raises(PermissionError):
            withdrawal_request(user=None, amount_paise=20_000, requested_by=asker, otp_token="123456", **upi)
    with pytest.raises(ValidationError):
        withdrawal_request(user=None, amount_paise=20_000, requested_by=staff, otp_token=totp_code(mentor), **upi)
    assert not Withdrawal.objects.exists()
    withdrawal_request(user=None, amount_paise=20_000, requested_by=staff, otp_token=totp_code(staff), **upi)
    assert ledger.balance(kind=AccountKind.PLATFORM_REVENUE) == 0
