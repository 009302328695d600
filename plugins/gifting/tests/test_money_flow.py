"""A hypothesis state machine over gifts' money, driving the real services and core's payments.

Two learners gift the mentor of their sessions (a form sent once or twice), pay at the test-mode
bank (Checkout's answer comes back, or is lost), fail a try, get webhooks in any order and more
than once, meet the reconciler, and have staff refund a gift. After every step: the books
balance and no balance is negative; every gift says what its payment is (sent while captured,
refunded once refunded, waiting otherwise); the mentor has exactly 90 % of every captured gift
available, at once; the gateway agrees; no learner is over a limit; and the mentor was thanked
once per gift sent.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Sum
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, multiple, rule, run_state_machine_as_test

from core.mentoring.tests.factories import session_booked
from core.payments.models import AccountKind, Payment, PaymentStatus, Posting
from core.payments.reconcile import payments_reconcile
from core.payments.services.purpose import (
    purpose_payment_authorize,
    purpose_payment_failure_record,
    purpose_payment_refund,
)
from core.payments.webhooks import webhook_event_process, webhook_event_record
from core.realtime.models import Notification
from core.testmode import services as testmode
from core.testmode.models import TestOrder, TestPayment
from core.users.services import staff_user_create
from core.users.tests.factories import user_make
from plugins.gifting import services
from plugins.gifting.models import Gift, GiftStatus

PICKS = st.integers(min_value=0, max_value=7)
RUPEES = st.sampled_from([10, 50, 100, 200, 500, 999, 10_000]) | st.integers(min_value=10, max_value=10_000)


def committed():
    """Run the on_commit callbacks of a step (the hooks that tell the plugin), as a commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


class GiftFlow(RuleBasedStateMachine):
    gifts = Bundle("gifts")

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.mentor = user_make(email="guru@example.com", name="Guru Mentor", role="mentor")
        self.learners = [user_make(email=f"l{index}@example.com", role="learner") for index in range(2)]
        self.bookings = []
        for index, learner in enumerate(self.learners):
            _session, booking = session_booked(
                mentor=self.mentor, learner=learner, starts_in=timedelta(minutes=-5 + 70 * index)
            )
            self.bookings.append(booking)
        self.staff, _device = staff_user_create(email="sara@example.com", name="Sara Staff", password="-")
        self.tokens: list[tuple[int, str, int]] = []  # (learner index, token, paise) of forms sent

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # --- Giving -------------------------------------------------------------------------------

    @rule(target=gifts, who=st.integers(0, 1), rupees=RUPEES, again=st.sampled_from([False, False, True]), pick=PICKS)
    def give(self, who, rupees, again, pick):
        """A learner sends the gift form (``again``: a form already sent, sent once more)."""
        if again and self.tokens:
            who, token, paise = self.tokens[pick % len(self.tokens)]
        else:
            token, paise = services.new_token(), rupees * 100
        learner, booking = self.learners[who], self.bookings[who]
        refusal = services.gift_refusal(learner=learner, booking_id=booking.pk, price_paise=paise)
        known = Gift.objects.filter(reference=f"gift-{token}").exists()
        try:
            with committed():
                gift, payment = services.gift_start(
                    learner=learner, booking_id=booking.pk, price_paise=paise, token=token
                )
        except services.GiftError as exc:
            assert refusal and not known, exc.messages
            return multiple()  # nothing new to pay
        assert known or not refusal
        self.tokens.append((who, token, paise))
        assert (gift.price_paise, payment.amount_paise) == (paise, payment.price_paise + payment.fee_paise)
        return gift.reference

    def _payment(self, reference) -> Payment | None:
        return Payment.objects.filter(purpose="gift", reference=reference).first()

    @rule(reference=gifts, answer_lost=st.sampled_from([False, False, True]))
    def pay(self, reference, answer_lost):
        """The learner presses Pay at the bank; Checkout's signed answer comes back, or is lost."""
        payment = self._payment(reference)
        if payment is None:
            return
        paid = testmode.payment_authorize(order=TestOrder.objects.get(pk=payment.razorpay_order_id))
        if answer_lost:
            return
        signature = testmode.checkout_signature(order_id=payment.razorpay_order_id, payment_id=paid.id)
        with committed():
            purpose_payment_authorize(payment=payment, payment_id=paid.id, signature=signature)
        assert Payment.objects.get(pk=payment.pk).status in (PaymentStatus.CAPTURED, PaymentStatus.REFUNDED)

    @rule(reference=gifts)
    def a_try_fails(self, reference):
        payment = self._payment(reference)
        if payment is not None and payment.status == PaymentStatus.CREATED:
            testmode.payment_fail(order=TestOrder.objects.get(pk=payment.razorpay_order_id))
            purpose_payment_failure_record(payment=payment)

    @rule(reference=gifts, pick=PICKS, times=st.sampled_from([1, 1, 2]))
    def webhook_arrives(self, reference, pick, times):
        """Any webhook the gateway has reason to send about the gift's payment, old or new, once or twice."""
        payment = self._payment(reference)
        if payment is None:
            return
        events = []
        for paid in TestPayment.objects.filter(order_id=payment.razorpay_order_id).prefetch_related("refunds"):
            entity = {"id": paid.id, "order_id": paid.order_id, "amount": paid.amount_paise, "currency": "INR"}
            names = {
                "failed": ["payment.failed"],
                "authorized": ["payment.authorized"],
                "captured": ["payment.authorized", "payment.captured"],
                "refunded": ["payment.authorized", "payment.captured"],
            }[paid.status]
            events += [({"event": n, "payload": {"payment": {"entity": entity}}}, f"{n}:{paid.id}") for n in names]
            for refund in paid.refunds.filter(status="processed"):
                body = {"id": refund.id, "payment_id": paid.id, "amount": refund.amount_paise}
                events.append(({"event": "refund.processed", "payload": {"refund": {"entity": body}}}, refund.id))
        if not events:
            return
        event, event_id = events[pick % len(events)]
        for _ in range(times):
            with committed():
                stored, _created = webhook_event_record(body=json.dumps(event).encode(), event_id=event_id)
                webhook_event_process(event_id=stored.pk)

    @rule()
    def the_reconciler_runs(self):
        with committed():
            payments_reconcile(now=timezone.now() + timedelta(hours=1))

    @rule(reference=gifts, part=st.sampled_from([None, 1, 2, 3]))
    def staff_refund(self, reference, part):
        """Staff refund a gift in full, or a part of it (a ``part`` quarter), once, saying why."""
        payment = self._payment(reference)
        if payment is None or payment.status != PaymentStatus.CAPTURED:
            return
        before = payment.refunded_paise
        amount = None if part is None else payment.amount_paise * part // 4
        with committed():
            purpose_payment_refund(payment=payment, by=self.staff, amount_paise=amount, reason="Asked by the learner")
        payment.refresh_from_db()
        if before:  # refunded in part already: refunds are once per payment
            assert payment.refunded_paise == before
        elif amount is None:
            assert payment.status == PaymentStatus.REFUNDED
        else:
            assert (payment.status, payment.refunded_paise) == (PaymentStatus.CAPTURED, amount)

    # --- Invariants -----------------------------------------------------------------------------

    @invariant()
    def every_gift_says_what_its_payment_is(self):
        for gift in Gift.objects.all():
            payment = self._payment(gift.reference)
            assert payment is not None, gift  # a gift row is written only after core opened its payment
            expected = {
                PaymentStatus.CAPTURED: GiftStatus.PAID,
                PaymentStatus.REFUNDED: GiftStatus.REFUNDED,
            }.get(payment.status, GiftStatus.STARTED)
            assert gift.status == expected, (gift, payment.status)
            assert (gift.price_paise, gift.amount_paise) == (payment.price_paise, payment.amount_paise)
            assert gift.refunded_paise == payment.refunded_paise

    @invariant()
    def the_books_add_up(self):
        totals = Posting.objects.values("entry_id").annotate(total=Sum("amount_paise"))
        assert all(row["total"] == 0 for row in totals), "an entry's postings do not sum to zero"
        available = -(
            Posting.objects.filter(account__kind=AccountKind.MENTOR_AVAILABLE, account__user=self.mentor).aggregate(
                total=Sum("amount_paise")
            )["total"]
            or 0
        )
        kept = 0  # the mentor's shares of captured gifts, less what a part refund took back in proportion
        for payment in Payment.objects.filter(purpose="gift", status=PaymentStatus.CAPTURED):
            taken = payment.refunded_paise * payment.mentor_share_paise // payment.amount_paise
            kept += payment.mentor_share_paise - taken
        assert available == kept
        for payment in Payment.objects.filter(purpose="gift").exclude(razorpay_payment_id=None):
            at_gateway = TestPayment.objects.get(pk=payment.razorpay_payment_id)
            if payment.status == PaymentStatus.CAPTURED:
                assert at_gateway.status == "captured"
            elif payment.status == PaymentStatus.REFUNDED:
                assert at_gateway.status == "refunded"

    @invariant()
    def nobody_is_over_a_limit_and_each_gift_sent_thanked_once(self):
        for learner, booking in zip(self.learners, self.bookings, strict=True):
            limits = services.gift_limits(learner=learner, booking_id=booking.pk)
            assert limits.sent_for_session <= services.per_session_limit()
            assert limits.given_today_paise <= services.per_day_limit_paise()
        sent = Gift.objects.exclude(status=GiftStatus.STARTED).count()
        assert Notification.objects.filter(user=self.mentor, kind="gifting.gift_received").count() == sent


@pytest.mark.django_db
def test_gifts_money_keeps_every_invariant():
    run_state_machine_as_test(
        GiftFlow,
        settings=settings(
            max_examples=15, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )
