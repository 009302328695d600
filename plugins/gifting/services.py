"""Gifts: who may give, how much, and what happens when core reports the payment.

A gift is a payment of purpose "gift" that core opens, splits, captures and records
(``core.plugin_api.payment_start``); this module decides whether the learner may give it
(DECISIONS, "Gifts"), keeps the ``Gift`` row, and tells people when core says it was paid or
refunded. It never touches the ledger or the gateway.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from core import plugin_api
from plugins.gifting.models import Gift, GiftJar, GiftStatus

PURPOSE = "gift"
PRESETS_RUPEES = (50, 100, 200, 500)
MIN_RUPEES = 10
MAX_RUPEES = 10_000
MESSAGE_MAX = 140
JOIN_OPENS_BEFORE = timedelta(minutes=10)  # the room opens 10 minutes before the start
# A gift whose checkout was opened but never paid stops counting against the limits after this.
UNPAID_COUNTS_FOR = timedelta(minutes=30)
TOKEN = re.compile(r"^[0-9a-f]{32}$")


class GiftError(ValidationError):
    """Why a gift cannot be given, in words for the learner (``exc.messages[0]``); nothing written."""


def per_session_limit() -> int:
    return int(getattr(settings, "GIFTS_PER_SESSION_MAX", 5))


def per_day_limit_paise() -> int:
    return int(getattr(settings, "GIFTS_PER_DAY_MAX_PAISE", 2_000_000))


def window_days() -> int:
    return int(getattr(settings, "GIFTS_AFTER_SESSION_DAYS", 7))


# --- The jar ------------------------------------------------------------------------------------


def gift_jar_open(*, mentor) -> GiftJar:
    """Open a mentor's gift jar (idempotent)."""
    jar, _ = GiftJar.objects.get_or_create(mentor=mentor)
    return jar


def gift_jar_set(*, mentor, accepts_gifts: bool) -> GiftJar:
    """The mentor turns gifts on or off; off, the Gift button disappears for their learners."""
    if getattr(mentor, "role", None) != "mentor":
        raise PermissionError("Only a mentor has a gift jar.")
    jar, _ = GiftJar.objects.update_or_create(mentor=mentor, defaults={"accepts_gifts": bool(accepts_gifts)})
    return jar


def accepts_gifts(*, mentor) -> bool:
    """A mentor takes gifts unless they turned them off (a jar not opened yet counts as open)."""
    return not GiftJar.objects.filter(mentor=mentor, accepts_gifts=False).exists()


# --- Who may give -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GiftWindow:
    """Whether ``booking``'s learner may gift its mentor now, and until when."""

    booking: plugin_api.LearnerBooking
    open: bool
    closes_at: datetime | None
    refusal: str  # why not, in words ("" when open)


def gift_window(*, booking: plugin_api.LearnerBooking, now: datetime | None = None) -> GiftWindow:
    """The learner of a confirmed booking may gift in the room (from its opening, 10 minutes
    before the start) and up to ``GIFTS_AFTER_SESSION_DAYS`` (7) days after the session ended."""
    now = now or timezone.now()
    after = timedelta(days=window_days())

    def shut(reason: str) -> GiftWindow:
        return GiftWindow(booking=booking, open=False, closes_at=None, refusal=reason)

    if not booking.is_confirmed:
        return shut("Only the confirmed learner of a session can send its mentor a gift.")
    if booking.session_status == "cancelled":
        return shut("This session was cancelled, so it cannot take a gift.")
    if booking.session_status == "completed":
        closes_at = (booking.completed_at or booking.ends_at) + after
    else:
        if now < booking.starts_at - JOIN_OPENS_BEFORE:
            return shut("Gifts open with the room, 10 minutes before the session starts.")
        closes_at = booking.ends_at + after
    if now >= closes_at:
        return shut(f"Gifts for this session closed {window_days()} days after it ended.")
    if not accepts_gifts(mentor=booking.mentor):
        return shut(f"{booking.mentor.name or 'This mentor'} does not take gifts.")
    return GiftWindow(booking=booking, open=True, closes_at=closes_at, refusal="")


def _counting(queryset, now: datetime):
    """Gifts that count against the limits: paid ones, and checkouts opened in the last 30 minutes."""
    return queryset.filter(
        Q(status__in=[GiftStatus.PAID, GiftStatus.REFUNDED])
        | Q(status=GiftStatus.STARTED, created_at__gt=now - UNPAID_COUNTS_FOR)
    )


def _day_start(learner, now: datetime) -> datetime:
    """Midnight of today in the learner's own timezone (their profile's), as a UTC instant."""
    try:
        zone = ZoneInfo(getattr(learner, "timezone", "") or settings.TIME_ZONE)
    except (KeyError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class GiftLimits:
    sent_for_session: int
    left_for_session: int
    given_today_paise: int
    left_today_paise: int


def gift_limits(*, learner, booking_id: int, now: datetime | None = None) -> GiftLimits:
    """How many gifts ``learner`` may still send after this booking, and how much today (two sums)."""
    now = now or timezone.now()
    mine = _counting(Gift.objects.filter(learner=learner), now)
    for_session = mine.filter(booking_id=booking_id).aggregate(count=Count("pk"))["count"]
    today = mine.filter(created_at__gte=_day_start(learner, now)).aggregate(total=Sum("price_paise"))["total"] or 0
    return GiftLimits(
        sent_for_session=for_session,
        left_for_session=max(per_session_limit() - for_session, 0),
        given_today_paise=today,
        left_today_paise=max(per_day_limit_paise() - today, 0),
    )


def gift_refusal(*, learner, booking_id: int, price_paise: int, now: datetime | None = None) -> str:
    """Why ``learner`` cannot gift ``price_paise`` after booking ``booking_id`` now ("" if they can)."""
    if not isinstance(price_paise, int) or isinstance(price_paise, bool):
        return "A gift is a whole number of rupees."
    if price_paise % 100 or not MIN_RUPEES * 100 <= price_paise <= MAX_RUPEES * 100:
        low, high = plugin_api.format_inr(MIN_RUPEES * 100), plugin_api.format_inr(MAX_RUPEES * 100)
        return f"A gift is whole rupees from {low} to {high}."
    booking = plugin_api.booking_of_learner(learner=learner, booking_id=booking_id)
    if booking is None:
        return "Only the confirmed learner of a session can send its mentor a gift."
    window = gift_window(booking=booking, now=now)
    if not window.open:
        return window.refusal
    limits = gift_limits(learner=learner, booking_id=booking_id, now=now)
    if not limits.left_for_session:
        return f"You have sent the most gifts one session can take ({per_session_limit()})."
    if price_paise > limits.left_today_paise:
        if not limits.left_today_paise:
            return "You have reached today's gift limit. You can send more tomorrow."
        left = plugin_api.format_inr(limits.left_today_paise)
        return f"That is over today's gift limit: you can send up to {left} more today."
    return ""


# --- Giving -------------------------------------------------------------------------------------


def new_token() -> str:
    """The id a gift form carries, so that submitting it twice opens one payment."""
    return uuid.uuid4().hex


def gift_start(
    *, learner, booking_id: int, price_paise: int, message: str = "", token: str = "", return_url: str = ""
) -> tuple[Gift, plugin_api.PurposePayment]:
    """Open ``learner``'s gift of ``price_paise`` to the mentor of booking ``booking_id``: the
    ``Gift`` and core's payment (send the learner to its ``checkout_url``).

    ``token`` comes from the form: the same form submitted twice (a double click) gives back the
    same gift and payment, never a second charge. Raises ``GiftError`` with the reason, and
    nothing is written, when the gift is not allowed (``gift_refusal``) or core refuses it."""
    token = token if isinstance(token, str) and TOKEN.match(token) else new_token()
    reference = f"gift-{token}"
    existing = Gift.objects.filter(reference=reference).first()
    if existing is not None:
        if (existing.learner_id, existing.booking_id, existing.price_paise) != (learner.pk, booking_id, price_paise):
            raise GiftError("This gift form was already used. Open the gift dialog again.")
        return existing, _payment(existing, return_url=return_url)
    refusal = gift_refusal(learner=learner, booking_id=booking_id, price_paise=price_paise)
    if refusal:
        raise GiftError(refusal)
    booking = plugin_api.booking_of_learner(learner=learner, booking_id=booking_id)
    message = " ".join(str(message or "").split())[:MESSAGE_MAX]
    try:
        payment = plugin_api.payment_start(
            purpose=PURPOSE,
            reference=reference,
            payer=learner,
            payee=booking.mentor,
            price_paise=price_paise,
            description=f"A gift for {booking.mentor.name or 'your mentor'} after “{booking.session_title}”"[:200],
            return_url=return_url,
        )
    except plugin_api.PaymentError as exc:
        raise GiftError(exc.messages[0]) from exc
    try:
        with transaction.atomic():
            gift = Gift.objects.create(
                reference=reference,
                learner=learner,
                mentor=booking.mentor,
                booking_id=booking.id,
                session_title=booking.session_title[:200],
                price_paise=price_paise,
                amount_paise=payment.amount_paise,
                mentor_share_paise=payment.payee_share_paise,
                message=message,
            )
    except IntegrityError:  # the same form, a moment ago
        gift = Gift.objects.get(reference=reference)
    if payment.is_paid:  # already paid (a replayed start after the payment went through)
        gift_paid(payment=payment)
        gift.refresh_from_db()
    return gift, payment


def _payment(gift: Gift, *, return_url: str) -> plugin_api.PurposePayment:
    payment = plugin_api.payment_get(purpose=PURPOSE, reference=gift.reference)
    if payment is None:  # cannot happen: the gift row is written only after core opened the payment
        raise GiftError("This gift's payment is not there. Open the gift dialog again.")
    return payment


# --- What core reports --------------------------------------------------------------------------


def gift_paid(*, payment: plugin_api.PurposePayment) -> Gift | None:
    """Core captured a gift's payment: the gift is sent, and the mentor hears "Thank you!" with
    the amount they received and the learner's message. Once per gift, whatever repeats."""
    if payment.purpose != PURPOSE:
        return None
    with transaction.atomic():
        updated = Gift.objects.filter(reference=payment.reference, status=GiftStatus.STARTED).update(
            status=GiftStatus.PAID, paid_at=payment.captured_at or timezone.now()
        )
        gift = Gift.objects.select_related("learner", "mentor").filter(reference=payment.reference).first()
    if gift is None or not updated:
        return gift
    giver = gift.learner.name or "Your learner"
    body = f"“{gift.message}” " if gift.message else ""
    share = plugin_api.format_inr(gift.mentor_share_paise)
    body += f"{share} of it is in your available balance. For “{gift.session_title}”."
    plugin_api.notify(
        user=gift.mentor,
        kind="gift_received",
        title=f"Thank you! {giver} sent you a gift of {plugin_api.format_inr(gift.price_paise)}",
        body=body,
        url=reverse("core:mentor-earnings"),
    )
    plugin_api.notify(
        user=gift.learner,
        kind="gift_sent",
        title=f"{plugin_api.format_inr(gift.price_paise)} Sent to {gift.mentor.name or 'your mentor'}",
        body=f"Your gift after “{gift.session_title}”. Your receipt is in Payments.",
        url=reverse("core:learner-payments"),
    )
    return gift


def gift_refunded(*, payment: plugin_api.PurposePayment, amount_paise: int) -> Gift | None:
    """Staff refunded a gift's payment (in full or in part): the gift says so, and both people
    hear how much went back."""
    if payment.purpose != PURPOSE:
        return None
    gift = Gift.objects.select_related("learner", "mentor").filter(reference=payment.reference).first()
    if gift is None:
        return None
    refunded = min(payment.refunded_paise, payment.amount_paise)
    status = GiftStatus.REFUNDED if refunded >= payment.amount_paise else gift.status
    Gift.objects.filter(pk=gift.pk).update(refunded_paise=refunded, status=status)
    title = f"Gift refunded: {plugin_api.format_inr(amount_paise)}"
    why = f" Why: {payment.refund_reason}" if payment.refund_reason else ""
    plugin_api.notify(
        user=gift.learner,
        kind="gift_refunded",
        title=title,
        body=f"Our team refunded {plugin_api.format_inr(amount_paise)} of your gift after “{gift.session_title}” "
        f"to your payment method.{why}",
        url=reverse("core:learner-payments"),
    )
    plugin_api.notify(
        user=gift.mentor,
        kind="gift_refunded",
        title=title,
        body=f"Our team refunded {plugin_api.format_inr(amount_paise)} of the gift {gift.learner.name or 'a learner'} "
        f"sent after “{gift.session_title}”; your share of it left your available balance.{why}",
        url=reverse("core:mentor-earnings"),
    )
    gift.refresh_from_db()
    return gift


# --- Reading ------------------------------------------------------------------------------------


def gifts_sent_paise(*, learner, booking_id: int) -> int:
    """What ``learner`` has given (paid, not refunded) after booking ``booking_id``: the "₹100 Sent" badge."""
    total = Gift.objects.filter(learner=learner, booking_id=booking_id, status=GiftStatus.PAID).aggregate(
        total=Sum("price_paise")
    )["total"]
    return total or 0
