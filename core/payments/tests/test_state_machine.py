"""A hypothesis state machine over the whole money flow, driving the real services.

Book (checkout), authorize (test-mode Checkout success), accept (capture), reject and the
sweep (void), cancel the session (full refund), complete it (release), withdraw (within,
at or beyond the balance, below the minimum; paid out at once or left queued), run a
queued payout, and settle one as processed or failed. Everything goes through the offline
test-mode gateway (the default without Razorpay keys) and the real database. Where money
hangs off a commit (the release and refund tasks, the payout task) the step runs its
on_commit callbacks, as a real commit would (Celery is eager in tests).

After every step: the ledger balances; no balance is negative; every payment splits
exactly; a session has at most one confirmed booking; learners are charged only for
confirmed bookings and the gateway agrees; and every balance equals what the bookings,
payments and withdrawals say it should be (the mentor's available balance is the released
shares minus live withdrawals).

Each example runs inside a savepoint that ``teardown`` rolls back, so every example starts
from an empty ledger. ``pytest -s`` prints which money events the run reached.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from core.bookings.models import OPEN_STATUSES, Booking, BookingStatus
from core.bookings.services import (
    BookingError,
    booking_accept,
    booking_checkout_start,
    booking_payment_authorize,
    booking_payment_failed,
    booking_reject,
    bookings_sweep,
    earnings_release_due,
    holds_expire,
)
from core.bookings.tests.factories import pay
from core.mentoring.models import MentoringSession, SessionStatus
from core.mentoring.services import session_cancel
from core.mentoring.tests.factories import approved_mentor, session_make
from core.money import split
from core.payments import ledger
from core.payments.models import (
    AccountKind,
    Payment,
    PaymentStatus,
    Posting,
    WebhookEvent,
    Withdrawal,
    WithdrawalStatus,
)
from core.payments.services import (
    MIN_WITHDRAWAL_PAISE,
    PAYOUT_DONE_STATUSES,
    PAYOUT_FAILED_STATUSES,
    withdrawal_payout_send,
    withdrawal_request,
    withdrawal_settle,
)
from core.payments.webhooks import webhook_event_process, webhook_event_record
from core.room.attendance import session_complete
from core.testmode import services as testmode
from core.testmode.models import TestPayment, TestPayout
from core.users.services import staff_user_create
from core.users.tests.factories import totp_code, user_make

UPI = {"destination_kind": "vpa", "account_name": "Guru Mentor", "vpa": "guru@okaxis"}
LIVE_WITHDRAWALS = (WithdrawalStatus.PENDING, WithdrawalStatus.PROCESSING, WithdrawalStatus.COMPLETED)
IN_TRANSIT = (WithdrawalStatus.PENDING, WithdrawalStatus.PROCESSING)
# Prices from ₹100 to ₹50,000, in whole rupees as session prices are
# (docs/decisions/0002-money-in-paise-and-the-split.md); the
# split's rounding at other rates is covered in core/tests/test_money.py. (Plain integers in
# that range would mostly be near ₹100.)
PRICES = st.builds(
    lambda rupees: rupees * 100,
    st.sampled_from([100, 499, 999, 1000, 1500, 2500, 10_000, 49_999]) | st.integers(100, 49_999),
)
LEARNERS = 3
PICKS = st.integers(min_value=0, max_value=7)


def _sum(queryset, field: str) -> int:
    return queryset.aggregate(total=Sum(field))["total"] or 0


def _platform_unearned() -> int:
    """The platform's share of captured payments for sessions that have not taken place."""
    captured = Payment.objects.filter(status=PaymentStatus.CAPTURED)
    return _sum(captured.exclude(booking__session__status=SessionStatus.COMPLETED), "app_share_paise")


def committed(execute: bool = True):
    """Run (or, for a task not yet picked up, only collect) the on_commit callbacks of a step.

    Used where the money flow hangs off a commit: a session's completion (release) and
    cancellation (refunds), and a withdrawal's payout. Elsewhere on_commit only sends
    signals (notifications), which cannot touch the ledger; those are left unrun.
    """
    return TestCase.captureOnCommitCallbacks(execute=execute)


class MoneyFlow(RuleBasedStateMachine):
    """One mentor, three learners and the platform.

    Learners book from the active sessions (free slots first) or a new one; a session ends
    through one of its bookings, and the mentor answers the pending requests, so that most
    steps act where something can happen. Bookings and withdrawals are bundles, so old ones
    come back the way a stale page or a late webhook brings them back.
    """

    reached: Counter[str] = Counter()  # which money events the run got to (printed with -s)

    bookings = Bundle("bookings")
    withdrawals = Bundle("withdrawals")

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.mentor = approved_mentor()
        self.staff, _app = staff_user_create(email="sara@example.com", name="Sara Staff", password="-")
        self.learners = [user_make(email=f"learner{index}@example.com") for index in range(LEARNERS)]
        self.next_start_hours = 24
        self.has_captured = False  # some money came in: withdrawing is worth trying
        # Gateway payment ids captured outside PeerLearn whose news has not reached us yet.
        self.unheard_captures: set[str] = set()

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def _reached(self, what: str) -> None:
        event(what)
        self.reached[what] += 1

    # --- Sessions ---------------------------------------------------------------------------

    def _new_session(self, price: int) -> MentoringSession:
        self.next_start_hours += 2  # one mentor: sessions must not overlap
        return session_make(mentor=self.mentor, price_paise=price, hours_from_now=self.next_start_hours)

    @rule(booking=bookings, completed=st.sampled_from([True, True, False]))
    def session_ends(self, booking, completed):
        """A session takes place (completed: earnings released) or its mentor cancels it (open
        requests released, a confirmed learner refunded in full): ``booking``'s session, or
        for completion the mentor's first confirmed one when ``booking``'s has nobody booked."""
        session = MentoringSession.objects.get(pk=booking.session_id)
        if completed and not session.bookings.filter(status=BookingStatus.CONFIRMED).exists():
            confirmed_ones = MentoringSession.objects.filter(
                status=SessionStatus.ACTIVE, bookings__status=BookingStatus.CONFIRMED
            )
            session = confirmed_ones.order_by("pk").first() or session
        was_active = session.status == SessionStatus.ACTIVE
        confirmed = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).first()
        with committed():  # the release or cancellation task runs eagerly on commit
            ended = session_complete(session=session) if completed else session_cancel(session=session, by=self.mentor)
        if completed:  # the 48 hours in which the learner may report a problem pass (no report here)
            earnings_release_due(now=timezone.now() + timedelta(hours=django_settings.EARNINGS_HOLD_HOURS))
        assert ended == was_active
        if not ended or confirmed is None:
            return
        payment = Payment.objects.get(booking=confirmed)
        if completed:
            self._reached("complete: the mentor's share released")
            assert payment.status == PaymentStatus.CAPTURED
        else:
            self._reached("cancel: the confirmed learner refunded in full")
            assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, payment.amount_paise)
            assert not Booking.objects.filter(session=session, status__in=OPEN_STATUSES).exists()

    @rule(booking=bookings)
    def sweep_at_the_start(self, booking):
        """The periodic sweep, a minute after ``booking``'s session starts: holds lapse, and
        requests nobody answered are rejected and their payments voided."""
        starts_at = MentoringSession.objects.get(pk=booking.session_id).starts_at
        bookings_sweep(now=starts_at + timedelta(minutes=1))
        assert not Booking.objects.filter(
            session__starts_at__lte=starts_at, status__in=[BookingStatus.HELD, BookingStatus.PENDING]
        ).exists()

    # --- Bookings ---------------------------------------------------------------------------

    @rule(
        target=bookings,
        pick=st.integers(min_value=0, max_value=3),
        price=PRICES,
        learner=st.integers(min_value=0, max_value=LEARNERS - 1),
        pays=st.sampled_from([True, True, False]),
    )
    def book(self, pick, price, learner, pays):
        """A learner starts checkout on an active session (a new one at ``price`` when ``pick``
        runs past them) and, if ``pays``, pays at once, as most do. Booking a taken or held
        slot, or twice, is refused."""
        # As on the listing: sessions with the slot free first, then taken or held ones.
        taken = Booking.objects.filter(session=OuterRef("pk"), status__in=[BookingStatus.HELD, BookingStatus.CONFIRMED])
        active = list(MentoringSession.objects.filter(status=SessionStatus.ACTIVE).order_by(Exists(taken).asc(), "pk"))
        session = active[pick] if pick < len(active) else self._new_session(price)
        learner = self.learners[learner]
        can_book = (
            not Booking.objects.filter(
                session=session, status__in=[BookingStatus.HELD, BookingStatus.CONFIRMED]
            ).exists()
            and not Booking.objects.filter(session=session, learner=learner, status=BookingStatus.PENDING).exists()
        )
        try:
            booking, payment, order = booking_checkout_start(session=session, learner=learner)
        except BookingError:
            assert not can_book
            self._reached("book: refused (slot held or taken, or booked already)")
            return multiple()  # nothing to add to the bundle
        assert can_book
        assert booking.status == BookingStatus.HELD
        expected = split(session.price_paise)
        assert (order.amount_paise, payment.amount_paise, payment.mentor_share_paise, payment.app_share_paise) == (
            expected.amount_paise,
            expected.amount_paise,
            expected.mentor_share_paise,
            expected.app_share_paise,
        )
        if pays:
            self.authorize(booking)
        return booking

    @rule(booking=bookings)
    def authorize(self, booking):
        """The learner pays in test-mode Checkout, and Checkout's answer comes back."""
        booking.refresh_from_db()
        payment = Payment.objects.get(booking=booking)
        was_held = booking.status == BookingStatus.HELD
        was_fresh = payment.status == PaymentStatus.CREATED
        payment_id, signature = pay(booking)
        try:
            booking = booking_payment_authorize(booking=booking, payment_id=payment_id, signature=signature)
        except BookingError:
            assert was_fresh and not was_held  # the hold lapsed while the learner paid
            self._reached("authorize: the hold lapsed while paying; payment voided")
            assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.VOIDED
            return
        payment.refresh_from_db()
        if was_held:
            self._reached("authorize: a pending request")
            assert (booking.status, payment.status) == (BookingStatus.PENDING, PaymentStatus.AUTHORIZED)

    @rule(booking=bookings, lapses=st.booleans())
    def checkout_goes_wrong(self, booking, lapses):
        """The learner's payment fails (three times frees the slot), or ten minutes pass in checkout."""
        if lapses:
            holds_expire(session=booking.session, now=timezone.now() + timedelta(minutes=11))
            assert not Booking.objects.filter(session=booking.session, status=BookingStatus.HELD).exists()
        else:
            booking_payment_failed(booking=booking)

    @rule(request=PICKS, accepts=st.sampled_from([True, True, False]))
    def mentor_answers(self, request, accepts):
        """The mentor accepts (captures) or rejects (voids) one of the pending requests."""
        requests = list(Booking.objects.filter(status=BookingStatus.PENDING).order_by("pk"))
        if requests:
            self._answer(requests[request % len(requests)], accepts)

    @rule(booking=bookings, accepts=st.booleans())
    def mentor_answers_from_a_stale_page(self, booking, accepts):
        """Accept or reject ``booking`` whatever its state: a stale page, a second tab, a double click."""
        self._answer(booking, accepts)

    def _answer(self, booking: Booking, accepts: bool) -> None:
        booking.refresh_from_db()
        before = booking.status
        if not accepts:
            rejected = booking_reject(booking=booking, mentor=self.mentor)
            assert rejected == (before in (BookingStatus.HELD, BookingStatus.PENDING))
            if rejected:
                self._reached("reject: payment voided")
                assert Payment.objects.get(booking=booking).status == PaymentStatus.VOIDED
            return
        session = MentoringSession.objects.get(pk=booking.session_id)
        acceptable = (
            before == BookingStatus.PENDING
            and session.status == SessionStatus.ACTIVE
            and not Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).exists()
        )
        try:
            booking = booking_accept(booking=booking, mentor=self.mentor)
        except BookingError:
            assert not acceptable and before != BookingStatus.CONFIRMED
            self._reached(f"accept: refused ({before})")
            return
        assert booking.status == BookingStatus.CONFIRMED
        assert acceptable or before == BookingStatus.CONFIRMED
        if acceptable:
            self._reached("accept: captured")
            self.has_captured = True
        assert Payment.objects.get(booking=booking).status == PaymentStatus.CAPTURED

    # --- Withdrawals ------------------------------------------------------------------------

    # Withdrawing from nothing is refused (checked below too), so the machine spends steps
    # here only once some payment was captured.
    @precondition(lambda self: self.has_captured)
    @rule(
        target=withdrawals,
        platform=st.sampled_from([True, False]),
        how=st.sampled_from(["balance", "all", "half", "more", "below_minimum"]),
        extra=st.integers(min_value=1, max_value=10**6),
        pay_out_now=st.booleans(),
    )
    def withdraw(self, platform, how, extra, pay_out_now):
        """The mentor (or the admin, for the platform) withdraws all that is available, half,
        more, the whole ledger balance, or less than the minimum; paid out at once, or
        queued (a slow worker, or manual payouts an admin settles by hand)."""
        user = None if platform else self.mentor
        kind = AccountKind.PLATFORM_REVENUE if platform else AccountKind.MENTOR_AVAILABLE
        balance = available = ledger.balance(kind=kind, user=user)
        if platform:  # the platform withdraws only what sessions that took place earned it
            available = max(balance - _platform_unearned(), 0)
        amount = {
            "all": available,
            "half": available // 2,
            "more": available + extra,
            "balance": balance,  # the platform's whole revenue, upcoming sessions' shares included
            "below_minimum": min(extra, MIN_WITHDRAWAL_PAISE - 1),
        }[how]
        allowed = MIN_WITHDRAWAL_PAISE <= amount <= available
        who = "platform" if platform else "mentor"
        try:
            with committed(execute=pay_out_now):
                asker = self.staff if platform else self.mentor
                withdrawal = withdrawal_request(
                    user=user, amount_paise=amount, requested_by=asker, otp_token=totp_code(asker), **UPI
                )
        except ValidationError:
            assert not allowed
            self._reached(f"withdraw ({who}, {how}): refused")
            assert ledger.balance(kind=kind, user=user) == balance
            return multiple()
        assert allowed
        self._reached(f"withdraw ({who}, {how}): {'paid out' if pay_out_now else 'queued'}")
        assert ledger.balance(kind=kind, user=user) == balance - amount
        withdrawal.refresh_from_db()
        assert withdrawal.status == (WithdrawalStatus.COMPLETED if pay_out_now else WithdrawalStatus.PENDING)
        return withdrawal

    @rule(withdrawal=withdrawals)
    def payout_task_runs(self, withdrawal):
        """The queued payout task runs (again): it pays out once."""
        withdrawal.refresh_from_db()
        before = withdrawal.status
        withdrawal = withdrawal_payout_send(withdrawal=withdrawal)
        if before in IN_TRANSIT:
            self._reached("payout: a queued payout sent")
            assert withdrawal.status == WithdrawalStatus.COMPLETED
        else:
            assert withdrawal.status == before
        assert TestPayout.objects.filter(idempotency_key=withdrawal.idempotency_key).count() <= 1

    @rule(
        withdrawal=withdrawals,
        payout_status=st.sampled_from(sorted(PAYOUT_DONE_STATUSES | PAYOUT_FAILED_STATUSES)),
    )
    def payout_settles(self, withdrawal, payout_status):
        """The payout's final state arrives (a webhook, or an admin marking it by hand)."""
        withdrawal.refresh_from_db()
        before = withdrawal.status
        withdrawal = withdrawal_settle(withdrawal=withdrawal, payout_status=payout_status, reason="test")
        if before == WithdrawalStatus.COMPLETED and payout_status == "reversed":
            self._reached("payout: a paid-out payout reversed; the amount is back")
            assert withdrawal.status == WithdrawalStatus.FAILED
        elif before not in IN_TRANSIT:
            assert withdrawal.status == before  # settled states never move
        elif payout_status in PAYOUT_DONE_STATUSES:
            self._reached("payout: a queued payout settled as processed")
            assert withdrawal.status == WithdrawalStatus.COMPLETED
        else:
            self._reached("payout: a queued payout failed; the amount is back")
            assert withdrawal.status == WithdrawalStatus.FAILED

    # --- The gateway's side, and its webhooks in any order ---------------------------------

    @rule(booking=bookings)
    def checkout_answer_lost(self, booking):
        """The learner pays, but Checkout's answer never reaches us: only a webhook (or the
        reconciler) will tell."""
        if Booking.objects.filter(pk=booking.pk, status=BookingStatus.HELD).exists():
            pay(booking)

    @rule(booking=bookings, happens=st.sampled_from([False, False, True]))
    def captured_outside_peerlearn(self, booking, happens):
        """Someone captures an authorized payment at the gateway (its dashboard), not the mentor's
        accept (rarely: ``happens``, so most payments still get to the mentor)."""
        if not happens:
            return
        payment = Payment.objects.get(booking=booking)
        paid = TestPayment.objects.filter(order_id=payment.razorpay_order_id, status="authorized").first()
        if paid is None or payment.status == PaymentStatus.CAPTURED:
            return
        testmode.payment_capture(payment_id=paid.id, amount_paise=paid.amount_paise)
        self.unheard_captures.add(paid.id)
        self._reached("gateway: captured outside PeerLearn")

    def _paid_out(self, pick: int) -> Withdrawal | None:
        """One of the withdrawals whose payout went to the gateway (or None)."""
        sent = list(Withdrawal.objects.exclude(payout_id="").order_by("pk"))
        return sent[pick % len(sent)] if sent else None

    @rule(pick=PICKS)
    def bank_returns_payout(self, pick):
        """The bank sends a paid-out payout back (Razorpay reverses it)."""
        withdrawal = self._paid_out(pick)
        payout = TestPayout.objects.filter(pk=withdrawal.payout_id, status="processed").first() if withdrawal else None
        if payout is not None:
            testmode.payout_fail(payout=payout, status="reversed")
            self._reached("gateway: a payout reversed by the bank")

    def _payment_events(self, booking: Booking) -> list[tuple[dict, str]]:
        """Every webhook the gateway has reason to send about ``booking``'s payment so far."""
        order_id = Payment.objects.get(booking=booking).razorpay_order_id
        events = []
        for paid in TestPayment.objects.filter(order_id=order_id).prefetch_related("refunds"):
            entity = {"id": paid.id, "order_id": order_id, "amount": paid.amount_paise, "currency": "INR"}
            names = {
                "failed": ["payment.failed"],
                "authorized": ["payment.authorized"],
                "captured": ["payment.authorized", "payment.captured"],
                "refunded": ["payment.authorized", "payment.captured"],
            }[paid.status]
            events += [
                ({"event": name, "payload": {"payment": {"entity": entity}}}, f"{name}:{paid.id}") for name in names
            ]
            for refund in paid.refunds.all():
                if refund.status == "processed":
                    refund_entity = {"id": refund.id, "payment_id": paid.id, "amount": refund.amount_paise}
                    events.append(
                        ({"event": "refund.processed", "payload": {"refund": {"entity": refund_entity}}}, refund.id)
                    )
        return events

    def _payout_events(self, withdrawal: Withdrawal) -> list[tuple[dict, str]]:
        payout = TestPayout.objects.filter(pk=withdrawal.payout_id).first() if withdrawal.payout_id else None
        if payout is None:
            return []
        names = {"processed": ["processed"], "reversed": ["processed", "reversed"]}.get(payout.status, [payout.status])
        entity = {"id": payout.id, "failure_reason": payout.failure_reason}
        return [
            ({"event": f"payout.{name}", "payload": {"payout": {"entity": entity}}}, f"{name}:{payout.id}")
            for name in names
        ]

    def _deliver(self, events: list[tuple[dict, str]], pick: int, times: int) -> None:
        """One of ``events``, delivered ``times`` times (Razorpay redelivers), in whatever order
        the picks make: the endpoint's record step, then the processing task."""
        if not events:
            return
        event, event_id = events[pick % len(events)]
        for _ in range(times):
            stored, created = webhook_event_record(body=json.dumps(event).encode(), event_id=event_id)
            applied = webhook_event_process(event_id=stored.pk)
            assert applied == created
            self._reached(f"webhook: {event['event']}{'' if created else ' (duplicate)'}")
        assert WebhookEvent.objects.get(pk=stored.pk).processed_at is not None

    @rule(booking=bookings, pick=PICKS, times=st.sampled_from([1, 1, 2]))
    def payment_webhook_arrives(self, booking, pick, times):
        """Any of the payment's webhooks arrives, old or new, once or again."""
        self._deliver(self._payment_events(booking), pick, times)
        self.unheard_captures -= set(
            Payment.objects.exclude(status__in=[PaymentStatus.CREATED, PaymentStatus.AUTHORIZED, PaymentStatus.VOIDED])
            .filter(razorpay_payment_id__in=self.unheard_captures)
            .values_list("razorpay_payment_id", flat=True)
        )

    @rule(which=PICKS, pick=PICKS, times=st.sampled_from([1, 1, 2]))
    def payout_webhook_arrives(self, which, pick, times):
        """Any of a payout's webhooks arrives (processed, failed, reversed), in any order, once or again."""
        withdrawal = self._paid_out(which)
        if withdrawal is not None:
            self._deliver(self._payout_events(withdrawal), pick, times)

    # --- Invariants -------------------------------------------------------------------------

    @invariant()
    def a_captured_payment_is_confirmed_or_being_refunded(self):
        """A captured payment belongs to a confirmed booking, or is refunded or being refunded."""
        stray = Payment.objects.filter(status=PaymentStatus.CAPTURED, razorpay_refund_id="").exclude(
            booking__status=BookingStatus.CONFIRMED
        )
        assert not stray.exists(), list(stray.values("pk", "booking__status"))

    @invariant()
    def the_books_add_up(self):
        """Checked after every step, from six plain queries (so it can run that often)."""
        assert ledger.entries_balanced(), "an entry's postings do not sum to zero"
        payments = [
            SimpleNamespace(**row)
            for row in Payment.objects.values(
                "status",
                "price_paise",
                "fee_paise",
                "amount_paise",
                "mentor_share_paise",
                "app_share_paise",
                "refunded_paise",
                "razorpay_payment_id",
                "booking__status",
                "booking__session__status",
                "booking__session__price_paise",
            )
        ]
        withdrawals = list(Withdrawal.objects.values_list("user", "status", "amount_paise"))
        balances = self._ledger()

        # No account is ever negative (mentor pending and available, platform revenue,
        # payouts in transit, gateway clearing).
        assert all(value >= 0 for value in balances.values()), balances

        # Every payment splits exactly: amount == mentor + app == price + fee, at the session's price.
        for payment in payments:
            assert payment.amount_paise == payment.mentor_share_paise + payment.app_share_paise, payment
            assert payment.amount_paise == payment.price_paise + payment.fee_paise, payment
            assert payment.price_paise == payment.booking__session__price_paise, payment

        # At most one confirmed booking per session.
        confirmed = Counter(Booking.objects.filter(status=BookingStatus.CONFIRMED).values_list("session", flat=True))
        assert all(count == 1 for count in confirmed.values()), confirmed

        # Learners pay only for confirmed bookings, and the gateway agrees: a voided hold or
        # a refund is never charged.
        at_gateway = {
            pk: (status, refunded)
            for pk, status, refunded in TestPayment.objects.annotate(
                refunded=Sum("refunds__amount_paise", filter=Q(refunds__status="processed"), default=0)
            ).values_list("pk", "status", "refunded")
        }
        captured = [payment for payment in payments if payment.status == PaymentStatus.CAPTURED]
        assert len(captured) == sum(confirmed.values())
        for payment in payments:
            gateway_id = payment.razorpay_payment_id
            if payment.status == PaymentStatus.CAPTURED:
                assert payment.booking__status == BookingStatus.CONFIRMED, payment
                assert at_gateway[gateway_id] == ("captured", 0), payment
            elif payment.status == PaymentStatus.REFUNDED:
                assert payment.refunded_paise == payment.amount_paise, payment
                assert at_gateway[gateway_id] == ("refunded", payment.amount_paise), payment
            elif gateway_id in self.unheard_captures:  # captured outside; its webhook is on its way
                assert at_gateway[gateway_id] == ("captured", 0), payment
            elif gateway_id is not None:  # authorized, or voided: the hold on the card lapses
                assert at_gateway[gateway_id] == ("authorized", 0), payment

        # Every balance is what the bookings, payments and withdrawals say it should be; the
        # mentor's available balance is the released shares minus live withdrawals.
        took_place = [payment for payment in captured if payment.booking__session__status == SessionStatus.COMPLETED]
        live = [(user, amount) for user, status, amount in withdrawals if status in LIVE_WITHDRAWALS]
        released = sum(payment.mentor_share_paise for payment in took_place)
        expected = {
            "gateway clearing": sum(payment.amount_paise for payment in captured)
            - sum(amount for _, status, amount in withdrawals if status == WithdrawalStatus.COMPLETED),
            "platform revenue": sum(payment.app_share_paise for payment in captured)
            - sum(amount for user, amount in live if user is None),
            "payouts in transit": sum(amount for _, status, amount in withdrawals if status in IN_TRANSIT),
            "mentor pending": sum(payment.mentor_share_paise for payment in captured) - released,
            "mentor available": released - sum(amount for user, amount in live if user == self.mentor.pk),
        }
        assert balances == expected

        # The platform never withdraws its share of a session that may still be refunded.
        unearned = sum(payment.app_share_paise for payment in captured) - sum(
            payment.app_share_paise for payment in took_place
        )
        assert balances["platform revenue"] >= unearned, (balances, unearned)

    def _ledger(self) -> dict[str, int]:
        """Every balance this machine can touch, from the ledger, in one query."""
        rows = Posting.objects.values_list("account__kind", "account__user").annotate(total=Sum("amount_paise"))
        totals = {(kind, user): total for kind, user, total in rows}

        def get(kind, user=None):
            total = totals.get((kind, user.pk if user else None), 0)
            return total if kind in ledger.ASSET_KINDS else -total

        return {
            "gateway clearing": get(AccountKind.GATEWAY_CLEARING),
            "platform revenue": get(AccountKind.PLATFORM_REVENUE),
            # kept per person since withdrawals post to the withdrawer's own account
            "payouts in transit": get(AccountKind.PAYOUTS_IN_TRANSIT)
            + get(AccountKind.PAYOUTS_IN_TRANSIT, self.mentor),
            "mentor pending": get(AccountKind.MENTOR_PENDING, self.mentor),
            "mentor available": get(AccountKind.MENTOR_AVAILABLE, self.mentor),
        }


@pytest.mark.django_db
def test_the_money_flow_keeps_every_invariant():
    MoneyFlow.reached.clear()
    run_state_machine_as_test(
        MoneyFlow,
        settings=settings(
            max_examples=40,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    print("\nMoney events reached:", dict(sorted(MoneyFlow.reached.items())))
