"""Money decisions in the admin: a fresh TOTP code each time, and above the threshold a second
staff member's approval (four eyes) before anything moves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import pluginmanager
from core.audit.models import AuditEvent
from core.bookings.disputes import dispute_open
from core.bookings.models import DisputeSource, DisputeStatus
from core.console.models import ApprovalStatus, MoneyApproval
from core.mentoring.tests.factories import approved_mentor, session_booked
from core.payments.models import Payment, PaymentStatus, Withdrawal
from core.payments.services import purpose_payment_authorize
from core.payments.tests import tipjar
from core.room.attendance import session_complete
from core.testmode import services as testmode
from core.testmode.models import TestOrder
from core.users.services import staff_user_create
from core.users.tests.factories import PASSWORD, totp_code
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def tip_jar():
    tipjar.HEARD.clear()
    pluginmanager.pm.register(tipjar, name="tipjar")
    yield tipjar
    pluginmanager.pm.unregister(tipjar)
    tipjar.HEARD.clear()


@pytest.fixture
def tip(tip_jar, learner, django_capture_on_commit_callbacks) -> Payment:
    """A captured ₹550 tip (₹500 + fee) to a mentor."""
    started = tipjar.tip_start(learner=learner, mentor=approved_mentor(), rupees=500)
    order = TestOrder.objects.get(pk=started.order_id)
    paid = testmode.payment_authorize(order=order)
    signature = testmode.checkout_signature(order_id=order.pk, payment_id=paid.id)
    payment = Payment.objects.get(pk=started.id)
    with django_capture_on_commit_callbacks(execute=True):
        purpose_payment_authorize(payment=payment, payment_id=paid.id, signature=signature)
    return payment


@pytest.fixture
def finance():
    def make(email):
        return staff_user_create(email=email, name=email.split("@")[0].title(), password=PASSWORD,
                                 superuser=False, roles=("Finance",))[0]  # fmt: skip

    return make("farah@example.com"), make("vikram@example.com")


def _refund(client, payment, staff, **extra):
    data = {"amount": "550", "reason": "Sent twice by mistake", "otp_token": totp_code(staff), **extra}
    return client.post(f"/admin/payments/payment/{payment.pk}/refund/", data)


def test_a_refund_needs_a_fresh_code(client, finance, tip):
    farah, _ = finance
    force_login_verified(client, farah)
    response = _refund(client, tip, farah, otp_token="000000")
    assert response.status_code == 400
    assert "otp_token" in response.context["form"].errors
    tip.refresh_from_db()
    assert tip.status == PaymentStatus.CAPTURED


def test_below_the_threshold_it_is_carried_out_at_once(client, finance, tip, django_capture_on_commit_callbacks):
    farah, _ = finance
    force_login_verified(client, farah)
    with django_capture_on_commit_callbacks(execute=True):
        assert _refund(client, tip, farah).status_code == 302
    tip.refresh_from_db()
    assert tip.status == PaymentStatus.REFUNDED
    assert not MoneyApproval.objects.exists()
    event = AuditEvent.objects.get(action="refund")
    assert (event.actor, event.reason, event.after["amount_paise"]) == (farah, "Sent twice by mistake", 55_000)


def test_above_the_threshold_a_second_staff_member_approves(
    client, settings, finance, tip, django_capture_on_commit_callbacks
):
    settings.MONEY_APPROVAL_THRESHOLD_PAISE = 50_000  # ₹500: the ₹550 refund needs four eyes
    farah, vikram = finance
    force_login_verified(client, farah)
    asked = client.post(
        f"/admin/payments/payment/{tip.pk}/refund/",
        {"amount": "550", "reason": "Sent twice by mistake", "otp_token": totp_code(farah)},
        follow=True,
    )
    assert "waits for a second staff member" in asked.content.decode()
    tip.refresh_from_db()
    assert tip.status == PaymentStatus.CAPTURED  # nothing moved
    approval = MoneyApproval.objects.get()
    assert (approval.status, approval.amount_paise, approval.requested_by) == ("pending", 55_000, farah)

    # The one who asked cannot approve.
    page = client.get(f"/admin/console/moneyapproval/{approval.pk}/decide/").content.decode()
    assert 'data-testid="own-request"' in page
    client.post(
        f"/admin/console/moneyapproval/{approval.pk}/decide/",
        {"decision": "approve", "otp_token": totp_code(farah)},
    )
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING

    client.logout()
    force_login_verified(client, vikram)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/admin/console/moneyapproval/{approval.pk}/decide/",
            {"decision": "approve", "note": "Checked the duplicate", "otp_token": totp_code(vikram)},
        )
    assert done.status_code == 302
    approval.refresh_from_db()
    tip.refresh_from_db()
    assert (approval.status, approval.decided_by) == (ApprovalStatus.APPROVED, vikram)
    assert (tip.status, tip.refund_reason, tip.refunded_by) == (PaymentStatus.REFUNDED, "Sent twice by mistake", farah)
    steps = AuditEvent.objects.filter(action__in=["ask refund", "approve refund"]).order_by("pk")
    assert list(steps.values_list("action", "actor__email")) == [
        ("ask refund", farah.email),
        ("approve refund", vikram.email),
    ]
    # Once: approving again changes nothing.
    again = client.post(
        f"/admin/console/moneyapproval/{approval.pk}/decide/", {"decision": "approve", "otp_token": totp_code(vikram)}
    )
    assert again.status_code == 200
    assert Payment.objects.get(pk=tip.pk).refunded_paise == 55_000


def test_turning_down_needs_a_note_and_moves_nothing(client, settings, finance, tip):
    settings.MONEY_APPROVAL_THRESHOLD_PAISE = 50_000
    farah, vikram = finance
    force_login_verified(client, farah)
    _refund(client, tip, farah)
    approval = MoneyApproval.objects.get()
    client.logout()
    force_login_verified(client, vikram)
    url = f"/admin/console/moneyapproval/{approval.pk}/decide/"
    assert client.post(url, {"decision": "reject", "otp_token": totp_code(vikram)}).status_code == 400
    assert (
        client.post(url, {"decision": "reject", "note": "Not a duplicate", "otp_token": totp_code(vikram)}).status_code
        == 302
    )
    approval.refresh_from_db()
    tip.refresh_from_db()
    assert (approval.status, approval.decision_note) == (ApprovalStatus.REJECTED, "Not a duplicate")
    assert tip.status == PaymentStatus.CAPTURED


def test_the_database_refuses_the_asker_as_approver(finance):
    farah, _ = finance
    approval = MoneyApproval.objects.create(kind="refund", object_id=1, amount_paise=10, reason="x", requested_by=farah)
    with pytest.raises(IntegrityError), transaction.atomic():
        MoneyApproval.objects.filter(pk=approval.pk).update(decided_by=farah)


def test_a_large_dispute_refund_waits_for_a_second_approval(
    client, settings, finance, mentor, learner, django_capture_on_commit_callbacks
):
    settings.MONEY_APPROVAL_THRESHOLD_PAISE = 50_000
    farah, vikram = finance
    session, booking = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=61))
    session_complete(session=session, now=timezone.now() - timedelta(minutes=1))
    booking.refresh_from_db()
    dispute = dispute_open(booking=booking, learner=learner, reason="No show.", source=DisputeSource.BOOKING_PAGE)[0]
    force_login_verified(client, farah)
    client.post(
        f"/admin/bookings/dispute/{dispute.pk}/settle/",
        {"decision": "refunded", "note": "Mentor never came.", "otp_token": totp_code(farah)},
    )
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN
    approval = MoneyApproval.objects.get(kind="settle")
    assert approval.amount_paise == 110_000  # the whole payment
    client.logout()
    force_login_verified(client, vikram)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/console/moneyapproval/{approval.pk}/decide/",
            {"decision": "approve", "otp_token": totp_code(vikram)},
        )
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.REFUNDED and dispute.decided_by == farah


def test_support_cannot_open_or_decide_money_approvals(client, finance):
    farah, _ = finance
    support, _ = staff_user_create(email="sam@example.com", name="Sam", password=PASSWORD, superuser=False,
                                   roles=("Support",))  # fmt: skip
    approval = MoneyApproval.objects.create(kind="refund", object_id=1, amount_paise=10, reason="x", requested_by=farah)
    force_login_verified(client, support)
    assert client.get(f"/admin/console/moneyapproval/{approval.pk}/decide/").status_code == 403
    assert client.get("/admin/console/moneyapproval/").status_code == 403
    assert not Withdrawal.objects.exists()


def test_an_accounts_statement_runs_its_balance_from_the_ledger(client, staff, tip):
    from core.payments.models import AccountKind, LedgerAccount

    account = LedgerAccount.objects.get(kind=AccountKind.MENTOR_AVAILABLE, user=tip.mentor)
    force_login_verified(client, staff)
    page = client.get(f"/admin/payments/ledgeraccount/{account.pk}/change/").content.decode()
    assert f"release:{tip.pk}" in page  # a tip's share is available at once
    assert 'data-testid="closing-balance">-₹450<' in page  # the mentor is owed their 90 % of ₹500
    listing = client.get("/admin/payments/ledgeraccount/?kind__exact=mentor_available").content.decode()
    assert "Statement" in listing
