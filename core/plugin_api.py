"""What a plugin may call in core: the one facade of core's services and selectors.

A plugin imports ``core.hooks`` (markers, signals, hook specifications, contribution types)
and this module, and nothing else of core (the import-linter contract "Plugins use core only
through core.hooks and core.plugin_api" in ``setup.cfg`` holds that line). Every function here
is a plain function with keyword arguments that hands back the same read-only shapes core's
own pages use (``SessionCard``, ``SessionAttendance``, ``BookingRow``, ``PurposePayment``): no
model, no queryset.
Users come to a plugin through its hooks (``request.user``, ``booking.learner``...) and are
passed back here as they came.

Functions:

- ``sessions_bookable``: public sessions still open for booking, optionally on a topic.
- ``sessions_public_upcoming``: public sessions that are live or coming up, booked or not.
- ``mentor_sessions_bookable``: given mentors' soonest sessions open for booking.
- ``mentor_pages``: the public page of each of the given mentors who has one.
- ``sessions_attended``: a person's completed sessions, as learner or mentor, with their
  topics and the time each participant was really in the room.
- ``feedback_stats``: how much feedback a person gave (as learner) and received (as mentor),
  with the average rating received.
- ``people_attended``: everyone who attended at least one completed session.
- ``session_participants``: the mentor and the learner of one session.
- ``person_timezone``: the timezone a person chose, for reckoning their days and weeks.
- ``topic_vocabulary``: the topics PeerLearn knows, spelled as people read them.
- ``topic_domains``: the broad fields PeerLearn is organised by (the forum's boards).
- ``bookings_of_learner``: a learner's own bookings, newest first.
- ``booking_of_learner``: one of a learner's own bookings, with its mentor and its session's
  state and times.
- ``learner_interests``: the topics a learner said they want to learn.
- ``learner_goals``: what a learner wrote as their goals.
- ``sessions_bookable_detailed``: every session open for booking, with its description and its
  mentor's fields: the catalogue a recommender ranks.
- ``mentor_records``: mentors' track records (verified ratings, sessions held and called off).
- ``booking_sequences``: what learners booked, in order, one anonymous sequence per learner: for
  learning what is booked together, never for showing.
- ``booking_counts_recent``: paid requests per mentor and session title in the last days.
- ``payment_start``: open a payment for a purpose the plugin declared (``payment_purposes``),
  through core's split, gateway, ledger, webhooks, reconciler and refunds; the payer pays on
  core's page ``checkout_url``.
- ``payment_get``: that payment's state and amounts, by the plugin's own reference.
- ``format_inr``: an amount of paise as people read it, "₹1,00,000" (Indian grouping).
- ``payment_split``: how a price divides (the platform fee, the total, the payee's share), to
  show before paying.
- ``payment_checkout``: what an app opens Razorpay Checkout with for that payment (the public
  API's answer, as for a booking), the payer only.
- ``payment_confirm``: take Checkout's signed answer for that payment: checked, then captured.
- ``payment_failed``: count a failed or closed checkout of that payment.
- ``notify``: tell a person about something, as a kind of notification the plugin declared
  (``notification_kinds``): in the app (the bell, live) and by email where the kind offers it,
  as the person chose in their notification settings.
- ``api_page_schema``: the OpenAPI schema of a cursor page of ``schema`` items, for
  ``@extend_schema(responses=...)`` of a list endpoint.

Classes:

- ``AdminImportExport``: a mixin for a plugin's ``ModelAdmin`` that imports (a dry-run preview
  with each row's errors, then a confirmation) and exports in formats whose cells a spreadsheet
  cannot run as formulas, as core's own admins do.
- ``ApiView``: the base of a plugin's endpoints in the public API (``api_urlpatterns``): DRF's
  ``APIView`` as core's API sets it up (bearer tokens, signed-in by default, problem details,
  throttles, the schema's problem answers).
- ``ApiCursorPage``: cursor pages (``{"next", "previous", "results"}``) over a queryset in the
  view's ``ordering``.
- ``ApiRankedPage``: cursor pages over a list already ranked (a search), the cursor a signed position.
- ``ApiIdempotent``: a view mix-in whose POSTs honour ``Idempotency-Key`` (for POSTs that take
  money).
- ``ApiInstant``: a serializer field for a moment in time (given with its offset, answered in UTC).
- ``ApiConflict``: the error (409) for a well-formed request the state of things refuses.
- ``PaymentCheckout``: what ``payment_checkout`` answers.

Payments come back as ``PurposePayment`` (frozen, from ``core.hooks``), the same shape the
``on_payment_captured`` / ``on_payment_refunded`` hooks hand a plugin for its purposes. A plugin
never writes a ledger entry and never calls the gateway.

``docs/plugins.md`` is the guide; ``core/tests/test_plugin_api.py`` checks that it names each
function here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone
from rest_framework.views import APIView

from core import pluginmanager
from core.api.fields import Instant
from core.api.idempotency import Idempotent
from core.api.pagination import CursorPage, RankedPage, page_schema
from core.api.problems import Conflict
from core.bookings.selectors import (
    BookingRow,
    LearnerBooking,
    booking_get_of_learner,
    booking_list_for_learner,
    session_search_public,
)
from core.bookings.selectors.recommending import (
    BookableSession,
    booking_counts_since,
    booking_sequences_all,
    session_cards_bookable,
    session_cards_bookable_by_mentor,
    session_list_bookable_detailed,
)
from core.exports import NeutralisingImportExportMixin
from core.hooks import PurposePayment
from core.mentoring.selectors import (
    MentorRecord,
    SessionCard,
    mentor_page_paths,
    mentor_records_get,
    session_list_public_upcoming,
)
from core.money import Split, format_inr, split
from core.payments.gateways import get_gateway
from core.payments.services import PaymentError, purpose_payment_get, purpose_payment_start
from core.payments.services.payment import purpose_payment_info
from core.payments.services.purpose import (
    MAX_TRIES,
    purpose_payment_authorize,
    purpose_payment_failure_record,
    purpose_payment_for_payer,
)
from core.realtime.kinds import NotificationKindError
from core.realtime.plugin_notifications import plugin_notify
from core.room.selectors import (
    FeedbackStats,
    SessionAttendance,
    feedback_stats_for_user,
    people_attended_all,
    session_attendance_for_user,
)
from core.room.selectors import (
    session_participants as session_participants_list,
)
from core.users.selectors import role_profile_get, topics_vocabulary
from core.users.vocabulary import DOMAINS

AdminImportExport = NeutralisingImportExportMixin
"""A ``ModelAdmin`` mixin: import with a dry-run preview and row errors, export in formula-safe
formats (``core.exports``). Give the admin ``resource_classes`` as django-import-export asks."""

ApiView = APIView
"""The base of a plugin's API views: DRF's ``APIView``, which core's API settings configure (bearer
tokens, ``IsAuthenticated`` unless the view sets ``permission_classes``, JSON, problem details
for every error, throttles, and the schema class that lists each operation's problem answers)."""

ApiCursorPage = CursorPage
"""Cursor pages ``{"next", "previous", "results"}`` (20 a page, ``page_size`` up to 100) over a
queryset, in the view's ``ordering`` (unique, or ending in ``-pk``)."""

ApiRankedPage = RankedPage
"""Cursor pages over a list already in its final order (a ranked search): ``window(request)`` gives
``(start, size)`` of the page asked for, ``response(request, results=..., start=..., size=...,
total=...)`` answers it with ``next``/``previous`` links whose cursor is a signed position."""

ApiIdempotent = Idempotent
"""A view mix-in (before ``ApiView``): its POSTs honour ``Idempotency-Key``, the same key giving
back the first answer (``Idempotent-Replayed: true``). For POSTs that take money."""

ApiInstant = Instant
"""A serializer field for a moment: given with its offset, answered in UTC."""

ApiConflict = Conflict
"""Raise it (409, problem details) for a well-formed request the state of things refuses."""

__all__ = [
    "AdminImportExport",
    "ApiConflict",
    "ApiCursorPage",
    "ApiIdempotent",
    "ApiInstant",
    "ApiRankedPage",
    "ApiView",
    "BookableSession",
    "BookingRow",
    "FeedbackStats",
    "LearnerBooking",
    "MentorRecord",
    "NotificationKindError",
    "PaymentCheckout",
    "PaymentError",
    "PurposePayment",
    "SessionAttendance",
    "SessionCard",
    "Split",
    "api_page_schema",
    "booking_counts_recent",
    "booking_of_learner",
    "booking_sequences",
    "bookings_of_learner",
    "feedback_stats",
    "format_inr",
    "learner_goals",
    "learner_interests",
    "mentor_pages",
    "mentor_records",
    "mentor_sessions_bookable",
    "notify",
    "payment_checkout",
    "payment_confirm",
    "payment_failed",
    "payment_get",
    "payment_split",
    "payment_start",
    "people_attended",
    "person_timezone",
    "session_participants",
    "sessions_attended",
    "sessions_bookable",
    "sessions_bookable_detailed",
    "sessions_public_upcoming",
    "topic_domains",
    "topic_vocabulary",
]

MAX_LIMIT = 200
DEFAULT_TIMEZONE = "Asia/Kolkata"


def _bounded(limit: int) -> int:
    return max(0, min(int(limit), MAX_LIMIT))


def sessions_bookable(*, topic: str = "", text: str = "", limit: int = 20, ids=None) -> list[SessionCard]:
    """Public sessions a learner can book right now, best match first (soonest first without
    ``text``): of approved, active mentors, not started, with no confirmed learner.

    ``topic`` keeps those whose topics or mentor's domains include it (any case); ``text`` is
    the typo-tolerant search of the learner's Browse page. At most ``limit`` (up to 200).
    With ``ids`` (session ids), only those of them still open, soonest first, and no search: the
    quick way to show sessions you picked earlier (one narrow query).
    """
    if _bounded(limit) == 0:
        return []
    if ids is not None:
        return session_cards_bookable(ids=list(ids))[: _bounded(limit)]
    found = session_search_public(topic=topic, text=text, per_page=_bounded(limit))
    return list(found.page.object_list)


def sessions_public_upcoming(*, limit: int = 10) -> list[SessionCard]:
    """Sessions of approved mentors that are live now or coming up, soonest first, booked or
    not (what the landing page shows). At most ``limit`` (up to 200)."""
    return session_list_public_upcoming(limit=_bounded(limit)) if _bounded(limit) else []


def mentor_sessions_bookable(*, mentor_ids, per_mentor: int = 2) -> dict[int, list[SessionCard]]:
    """``{mentor id: SessionCards}``: each of those mentors' soonest sessions a learner can book
    now (the rule of ``sessions_bookable``), at most ``per_mentor`` (up to 10) each; mentors with
    none are left out. One query, however many mentors: a path from a mentor's words to a booking."""
    return session_cards_bookable_by_mentor(mentor_ids=list(mentor_ids), per_mentor=max(0, min(int(per_mentor), 10)))


def mentor_pages(*, mentor_ids) -> dict[int, str]:
    """``{mentor id: path}``: the public page (``/mentors/12-asha-rao/``) of each of those mentors
    who has one (approved and active); others are left out. One query, however many mentors."""
    return mentor_page_paths(mentor_ids=mentor_ids)


def sessions_attended(*, user, limit: int | None = None) -> list[SessionAttendance]:
    """Completed sessions ``user`` attended, newest first: as their mentor, or as the learner
    of the confirmed booking, and only when ``user`` came into the room.

    Each carries the session's ``topics`` and ``topics_covered`` (ticked in the room), the
    ``scheduled_minutes``, and the presence: ``present_minutes`` (the person's own time in
    the room) and ``together_minutes`` (both participants at once; a session "counts" for
    badges when this is at least half of ``scheduled_minutes``).
    """
    return session_attendance_for_user(user=user, limit=limit)


def feedback_stats(*, user) -> FeedbackStats:
    """The feedback ``user`` gave as a learner (``given``) and received as a mentor
    (``received``, ``received_average``, None before the first). Feedback is accepted only from
    learners who attended, so every one counted is verified."""
    return feedback_stats_for_user(user=user)


def people_attended() -> list:
    """Everyone who came into the room of at least one completed session, as mentor or learner
    (people you may pass back here): for rebuilding what you derive from ``sessions_attended``."""
    return people_attended_all()


def session_participants(*, session_id: int) -> list:
    """The people of session ``session_id``: its mentor, then the learner of its confirmed
    booking when it has one ([] for no such session). For the session an event hook hands you
    (``on_session_completed(session)``: ``session.pk``)."""
    return session_participants_list(session_id=session_id)


def person_timezone(*, user) -> ZoneInfo:
    """The timezone ``user`` chose in their profile (Asia/Kolkata unless they changed it): the
    one their days and weeks are reckoned in."""
    try:
        return ZoneInfo(str(getattr(user, "timezone", "") or DEFAULT_TIMEZONE))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def topic_vocabulary() -> tuple[str, ...]:
    """The topics PeerLearn suggests, spelled as people read them ("Python", "SQL"): the way to
    show a topic that mentors wrote in any case. Staff keep the list in the admin."""
    return topics_vocabulary()


def topic_domains() -> tuple[str, ...]:
    """The broad fields PeerLearn is organised by ("Programming", "Design", "Data", ...), the
    first words of ``topic_vocabulary``."""
    return DOMAINS


def bookings_of_learner(*, learner, limit: int | None = None) -> list[BookingRow]:
    """``learner``'s own bookings in any state, newest first (``session_id``, ``status``,
    ``starts_at``, ``amount_paise``...). Never anyone else's."""
    return booking_list_for_learner(learner=learner, limit=limit)


def booking_of_learner(*, learner, booking_id: int) -> LearnerBooking | None:
    """``learner``'s own booking ``booking_id`` as a ``LearnerBooking``: its ``status``, its
    ``mentor`` (a person you may pass back here, as ``payee`` say), and its session's
    ``session_status``, ``starts_at``, ``ends_at``, ``completed_at`` and ``room_id``. None for
    someone else's booking, or no such booking."""
    return booking_get_of_learner(learner=learner, booking_id=booking_id)


def learner_interests(*, user) -> list[str]:
    """The topics ``user`` said they want to learn (their learner profile), as they wrote
    them; [] for someone who is not a learner."""
    interests = getattr(role_profile_get(user=user), "interests", None)  # a mentor's profile has none
    return [str(topic) for topic in interests or []]


def learner_goals(*, user) -> str:
    """What ``user`` wrote as their learning goals (their learner profile), "" for none or for
    someone who is not a learner."""
    return str(getattr(role_profile_get(user=user), "career_goals", "") or "")


def sessions_bookable_detailed(*, ids=None, limit: int = 5000) -> list[BookableSession]:
    """Every session a learner can book right now (the rule of ``sessions_bookable``), soonest
    first, at most ``limit`` (up to 5,000), each a ``BookableSession``: its ``card``, its
    ``description`` and its mentor's ``mentor_domains``. The catalogue a recommender ranks; with
    ``ids``, only those of them still open (to check suggestions made earlier)."""
    return session_list_bookable_detailed(ids=ids, limit=max(0, min(int(limit), 5000)))


def mentor_records(*, mentor_ids) -> dict[int, MentorRecord]:
    """``{mentor id: MentorRecord}``: each mentor's verified ``ratings`` (a ``RatingSummary``,
    ``average`` and ``count``, None before the first), ``sessions_completed``,
    ``sessions_cancelled`` and ``completion`` (the share that took place)."""
    return mentor_records_get(mentor_ids=mentor_ids)


def booking_sequences(*, since=None) -> list[list[tuple[int, str]]]:
    """What learners booked (paid requests, waiting or confirmed), since ``since`` if given: one
    list per learner of ``(mentor id, session title)`` in the order they booked, the lists in no
    particular order and no learner named. For learning what learners book together; never show
    one sequence, or anything drawn from fewer than a handful of them."""
    return booking_sequences_all(since=since)


def booking_counts_recent(*, days: int = 7) -> dict[tuple[int, str], int]:
    """``{(mentor id, session title): paid requests}`` made in the last ``days`` days (1 to 90)."""
    days = max(1, min(int(days), 90))
    return booking_counts_since(since=timezone.now() - timedelta(days=days))


def payment_start(
    *,
    purpose: str,
    reference: str,
    payer,
    payee,
    price_paise: int,
    description: str,
    return_url: str = "",
    min_paise: int | None = None,
    max_paise: int | None = None,
) -> PurposePayment:
    """Open a payment from ``payer`` to the approved mentor ``payee`` for ``purpose`` (a slug your
    plugin declares in ``payment_purposes``), known to you as ``reference`` (your own id: 1 to 64
    letters, digits, ".", "_", ":" or "-"; unique per purpose).

    ``price_paise`` is whole rupees from ``min_paise`` to ``max_paise`` (₹10 to ₹10,000 unless
    given). Core's split applies: the payer pays the price plus the platform fee; the payee earns
    90 % of the price, available at once (nothing is still to be delivered). ``description``
    says what is paid for (shown on the checkout page, the receipt and the statement);
    ``return_url`` is a path on this site the payer goes to after paying.

    Send the payer to the answer's ``checkout_url`` (core's page: Razorpay Checkout, or the
    test-mode bank). The payment is captured as soon as it is paid; you hear of it through
    ``on_payment_captured`` (and of a staff refund through ``on_payment_refunded``). Idempotent:
    the same ``(purpose, reference)`` again returns the same payment in its current state.

    Raises ``PaymentError`` (a ``ValidationError``; ``exc.messages[0]`` is for people, nothing
    was written) for an undeclared purpose, a malformed reference, paying oneself, a payee who
    is not an approved mentor, an amount out of range, or a gateway that did not answer.
    """
    payment = purpose_payment_start(
        purpose=purpose,
        reference=reference,
        payer=payer,
        payee=payee,
        price_paise=price_paise,
        description=description,
        return_url=return_url,
        min_paise=min_paise,
        max_paise=max_paise,
    )
    return purpose_payment_info(payment)


def payment_get(*, purpose: str, reference: str) -> PurposePayment | None:
    """Your payment for ``purpose`` with your ``reference``: its ``status`` ("created",
    "authorized", "captured", "refunded", "failed") and amounts in paise; None when there is none.
    Only payments of a plugin's purpose: never a booking's."""
    return purpose_payment_get(purpose=purpose, reference=reference)


def payment_split(*, price_paise: int) -> Split:
    """How ``price_paise`` divides, exactly as ``payment_start`` will charge it: a ``Split`` with
    ``price_paise``, ``fee_paise`` (the platform fee on top), ``amount_paise`` (what the payer
    pays), ``mentor_share_paise`` (the payee's) and ``app_share_paise``. For showing the numbers
    before paying ("₹100 + platform fee ₹10 = ₹110; your mentor receives ₹90"). Raises
    ``ValueError`` for anything but a non-negative int."""
    return split(price_paise)


def notify(*, user, kind: str, title: str, body: str = "", url: str = "") -> bool:
    """Tell ``user`` (a person core handed you) about something, as ``kind``: one of the kinds
    your plugin declares in ``notification_kinds`` ("gift_received"; "gifting.gift_received", the
    stored form, is accepted too), for the person's role.

    Core saves it and pushes it live to the person's bell, exactly as its own notifications, and
    emails it (title, body, link) when the kind offers email; each only as the person chose for
    this kind in their notification settings (the kind's defaults until they choose). ``title``
    (up to 200 characters) and ``body`` (500) are plain text, cut to fit; ``url`` is a path on
    this site ("/p/gifting/3/"). Returns whether the person is told at all (False when they
    turned this kind off). Call it from your plugin's own code: core tells which plugin asks.

    Raises ``NotificationKindError`` (a ``ValueError``) for a kind your plugin did not declare
    (another plugin's included) or one not for the person's role, and ``ValueError`` for an
    empty title or a link off this site; nothing is saved or sent then.
    """
    return plugin_notify(plugin=pluginmanager.plugin_calling(), user=user, kind=kind, title=title, body=body, url=url)


@dataclass(frozen=True)
class PaymentCheckout:
    """What Razorpay Checkout (web, Android, iOS) is opened with for a plugin's payment: the
    public API's ``checkout`` object, the same fields a booking's has."""

    gateway: str  # "razorpay" or "testmode"
    test_mode: bool  # no real money: pay through ``/api/v1/testmode/orders/{order_id}/pay/``
    key_id: str  # Razorpay's public key ("" in test mode)
    order_id: str
    amount_paise: int
    currency: str
    name: str
    description: str
    prefill_name: str
    prefill_email: str
    checkout_url: str  # core's page, for a browser
    tries_left: int


def payment_checkout(*, purpose: str, reference: str, payer) -> PaymentCheckout | None:
    """What an app opens Razorpay Checkout with for your payment ``(purpose, reference)``, made
    by ``payer``; None when there is no such payment of theirs. Send Checkout's answer to
    ``payment_confirm``, or its failure to ``payment_failed``."""
    info = purpose_payment_get(purpose=purpose, reference=reference)
    payment = purpose_payment_for_payer(order_id=info.order_id, payer=payer) if info else None
    if payment is None:
        return None
    gateway = get_gateway()
    return PaymentCheckout(
        gateway="testmode" if gateway.is_test_mode else "razorpay",
        test_mode=gateway.is_test_mode,
        key_id=gateway.key_id,
        order_id=payment.razorpay_order_id,
        amount_paise=payment.amount_paise,
        currency="INR",
        name="PeerLearn",
        description=payment.description,
        prefill_name=str(getattr(payer, "name", "") or ""),
        prefill_email=str(getattr(payer, "email", "") or ""),
        checkout_url=info.checkout_url,
        tries_left=max(MAX_TRIES - payment.failed_attempts, 0),
    )


def payment_confirm(*, purpose: str, reference: str, payer, payment_id: str, signature: str) -> PurposePayment | None:
    """Take Checkout's signed answer (``razorpay_payment_id``, ``razorpay_signature``) for your
    payment ``(purpose, reference)`` made by ``payer``: the signature is checked against the
    stored order, then the payment is captured at once (you hear ``on_payment_captured``).
    Idempotent. None when there is no such payment of theirs. Raises ``PaymentError`` for an
    answer that does not verify (nothing changes); a gateway that did not answer the capture
    leaves the payment authorized, for the reconciler (the API answers 503)."""
    info = purpose_payment_get(purpose=purpose, reference=reference)
    payment = purpose_payment_for_payer(order_id=info.order_id, payer=payer) if info else None
    if payment is None:
        return None
    return purpose_payment_info(purpose_payment_authorize(payment=payment, payment_id=payment_id, signature=signature))


def payment_failed(*, purpose: str, reference: str, payer) -> int | None:
    """Checkout failed or was closed for your payment ``(purpose, reference)`` made by
    ``payer``: the try is counted (nothing is charged; the payment stays open). Returns how many
    tries failed so far, None when there is no such payment of theirs."""
    info = purpose_payment_get(purpose=purpose, reference=reference)
    payment = purpose_payment_for_payer(order_id=info.order_id, payer=payer) if info else None
    if payment is None:
        return None
    return purpose_payment_failure_record(payment=payment)


def api_page_schema(schema: dict) -> dict:
    """The OpenAPI schema of a cursor page (``ApiCursorPage``) whose ``results`` is ``schema``
    (``{"type": "array", "items": ...}``): for ``@extend_schema(responses={200: ...})``."""
    return page_schema(schema)
