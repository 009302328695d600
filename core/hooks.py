"""The PeerLearn plugin API.

This module is the whole contract between core and plugins. It holds, in this order:

1. the pluggy markers for the project ``"peerlearn"`` (plugins import ``hookimpl`` from here);
2. the domain signals core's services send, always after the transaction commits;
3. the hook specifications: event hooks ``on_<signal>`` (their return value is ignored) and
   contribution hooks named after what they return.

Each event is declared once as a signal and once as its ``on_<signal>`` hook; the hook's
signature is the list of the signal's arguments (``SIGNAL_ARGS`` is derived from it).
Every signal and every hook has a docstring, and ``core/tests/test_hooks.py`` fails when
one is missing, when a signal has no ``on_`` hook (or a hook no signal), or when a signal's
docstring does not name its hook's arguments. Adding a hook is a public API change: spec,
docstring, call site and test go in one commit (``docs/plugins.md`` lists them all).

Core never imports a plugin. ``core.pluginmanager`` finds the enabled plugins, registers
their ``hooks`` modules, and relays each signal below to its ``on_`` hook through pluggy,
one plugin at a time, so that one broken plugin cannot fail (or undo) a payment.
Besides this module, a plugin may import ``core.plugin_api`` (the services and selectors
offered to plugins) and nothing else of core.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

import django.dispatch
import pluggy

PROJECT_NAME = "peerlearn"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# --- Domain signals ---------------------------------------------------------------------
# Sent by core's services with ``transaction.on_commit(lambda: <signal>.send_robust(...))``,
# so nobody sees a write that may still roll back. ``sender`` is the model class. The keyword
# arguments each one carries (besides ``sender``) are its ``on_`` hook's parameters: see
# ``SIGNAL_ARGS`` after the event hooks.

user_registered = django.dispatch.Signal()
"""A person finished registration and confirmed their email address.
Arguments: ``user`` (``users.User``, with ``role`` set and its role profile saved)."""

profile_updated = django.dispatch.Signal()
"""A person saved their profile (name, picture, and their role's details: a learner's interests
and goals, a mentor's bio, domains and skills). Arguments: ``user`` (``users.User``)."""

mentor_approval_changed = django.dispatch.Signal()
"""Staff approved a mentor (their sessions are public from now on) or withdrew the approval
(their sessions are hidden). Arguments: ``user`` (the mentor, ``users.User``), ``is_approved``
(bool, the new state)."""

session_created = django.dispatch.Signal()
"""A mentor created a mentoring session. Arguments: ``session`` (``MentoringSession``)."""

session_updated = django.dispatch.Signal()
"""A mentor changed an upcoming session (time, price, title…). Arguments: ``session``."""

session_cancelled = django.dispatch.Signal()
"""An active session was cancelled by its mentor or staff; bookings on it are to be released
and refunded. Arguments: ``session``."""

booking_requested = django.dispatch.Signal()
"""A learner's payment was authorized and their booking is waiting for the mentor.
Arguments: ``booking``."""

booking_confirmed = django.dispatch.Signal()
"""The mentor accepted a booking and its payment was captured. Arguments: ``booking``."""

booking_rejected = django.dispatch.Signal()
"""A booking was rejected (by the mentor, because the slot was taken, or at the start
time with no answer); its payment is released. Arguments: ``booking``, ``reason`` (str)."""

payment_captured = django.dispatch.Signal()
"""Money was captured for a booking or for a purpose a plugin declared. Arguments: ``payment``:
core's ``payments.Payment`` of a booking (``purpose`` "booking"), or a ``PurposePayment`` (frozen,
below) for a plugin's purpose: read its ``purpose`` and ``reference``."""

payment_refunded = django.dispatch.Signal()
"""A payment was refunded, in full or in part. Arguments: ``payment`` (as for ``payment_captured``),
``amount_paise`` (int)."""

session_started = django.dispatch.Signal()
"""The first participant joined a session's live room. Arguments: ``session``."""

session_completed = django.dispatch.Signal()
"""A session ended and was marked completed. Arguments: ``session``."""

feedback_given = django.dispatch.Signal()
"""A learner rated a completed session. Arguments: ``feedback``."""

dispute_opened = django.dispatch.Signal()
"""A learner reported a problem with a completed session within the hold window; the
mentor's share stays pending until staff settle it. Arguments: ``dispute``
(``bookings.Dispute``)."""

dispute_settled = django.dispatch.Signal()
"""Staff settled a dispute in the admin: released the share, or refunded the learner in part
or in full (``dispute.status``, ``dispute.refund_paise``, ``dispute.decision_note``).
Arguments: ``dispute``."""

withdrawal_settled = django.dispatch.Signal()
"""A withdrawal's payout reached a final state: paid out (``status`` "completed"), failed, or
reversed by the bank after it was paid (the amount is back in the balance either way; the
withdrawal is "failed" and ``failure_reason`` says why). Arguments: ``withdrawal``
(``payments.Withdrawal``; ``user`` is None for the platform's own), ``payout_status`` (str: the
gateway's "processed", "failed", "reversed", "rejected" or "cancelled")."""

user_erased = django.dispatch.Signal()
"""Staff erased a person's personal data on their request (India's DPDP Act): core has
anonymised the account (``user.name`` is "Erased person", the email is no longer theirs) and
kept its money records. A plugin removes or anonymises what it keeps about them. Arguments:
``user``."""

# --- Event hooks --------------------------------------------------------------------------


@hookspec
def on_user_registered(user):
    """A person registered and confirmed their email. Return value ignored."""


@hookspec
def on_user_erased(user):
    """Staff erased ``user``'s personal data on their request: remove or anonymise what the
    plugin keeps about them (their name, their writing), keep what the law asks to keep. Return
    value ignored."""


@hookspec
def on_profile_updated(user):
    """``user`` saved their profile; a learner's interests and goals may have changed (read them
    with ``core.plugin_api.learner_interests``). Return value ignored."""


@hookspec
def on_mentor_approval_changed(user, is_approved):
    """Staff approved the mentor ``user`` (``is_approved`` True: their sessions are now public)
    or withdrew the approval (False: hidden). Return value ignored."""


@hookspec
def on_session_created(session):
    """A mentor created a mentoring session. Return value ignored."""


@hookspec
def on_session_updated(session):
    """A mentor changed an upcoming session. Return value ignored."""


@hookspec
def on_session_cancelled(session):
    """A session was cancelled. Return value ignored."""


@hookspec
def on_booking_requested(booking):
    """A booking waits for the mentor's answer. Return value ignored."""


@hookspec
def on_booking_confirmed(booking):
    """A booking was confirmed and paid. Return value ignored."""


@hookspec
def on_booking_rejected(booking, reason):
    """A booking was rejected with a human-readable ``reason``. Return value ignored."""


@hookspec
def on_payment_captured(payment):
    """A payment was captured. For a plugin's purpose ``payment`` is a ``PurposePayment``; check
    ``payment.purpose`` is yours before acting on ``payment.reference``. Return value ignored."""


@hookspec
def on_payment_refunded(payment, amount_paise):
    """``amount_paise`` of a payment was refunded (``payment`` as in ``on_payment_captured``).
    Return value ignored."""


@hookspec
def on_session_started(session):
    """A session's live room opened. Return value ignored."""


@hookspec
def on_session_completed(session):
    """A session was completed. Return value ignored."""


@hookspec
def on_feedback_given(feedback):
    """A learner left feedback. Return value ignored."""


@hookspec
def on_dispute_opened(dispute):
    """A learner reported a problem with a session (its share is on hold). Return value ignored."""


@hookspec
def on_dispute_settled(dispute):
    """Staff settled a dispute (released, partly or fully refunded). Return value ignored."""


@hookspec
def on_withdrawal_settled(withdrawal, payout_status):
    """A withdrawal was paid out, failed or reversed (``payout_status``). Return value ignored."""


def _signal_args() -> dict[str, tuple[str, ...]]:
    """``{signal name: its keyword arguments}``, read from the ``on_<signal>`` hook specifications."""
    found = {}
    for name, value in globals().items():
        if name.startswith("on_") and hasattr(value, f"{PROJECT_NAME}_spec"):
            found[name.removeprefix("on_")] = tuple(inspect.signature(value).parameters)
    return found


SIGNAL_ARGS: dict[str, tuple[str, ...]] = _signal_args()
"""The keyword arguments each domain signal carries, e.g. ``{"booking_rejected": ("booking",
"reason"), ...}``: one entry per ``on_<signal>`` hook, its parameters in order."""


# --- Contribution hooks -------------------------------------------------------------------
# What contribution hooks return. Plugins build these; core renders them.


@dataclass(frozen=True)
class NavItem:
    """A navigation link: ``label``, ``url``, heroicon ``icon`` name, optional ``aria_label``."""

    label: str
    url: str
    icon: str = "squares-2x2"
    aria_label: str = ""


@dataclass(frozen=True)
class Panel:
    """A piece of page: ``template`` rendered with ``context``; lower ``order`` comes first."""

    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class Badge:
    """A small label next to a person: ``label``, a ``title`` explaining it, and an ``icon`` (a
    heroicon of core's sprite, "" for none)."""

    label: str
    title: str = ""
    icon: str = ""


@dataclass(frozen=True)
class Recommendation:
    """A session suggested to a learner: ``session`` (a ``SessionCard`` from
    ``core.plugin_api.sessions_bookable``) and ``reason``, in plain words, shown under it
    ("Because you follow Python"). A reason never reveals another person's activity."""

    session: Any
    reason: str
    dismiss_url: str = ""  # where "Not interested" posts (the plugin's own view), "" for no such button


@dataclass(frozen=True)
class PaymentPurpose:
    """Something a plugin takes money for (``payment_purposes``): ``slug`` (lower-case letters,
    digits and "-", at most 32; never "booking", core's own) and ``label``, shown to people on
    receipts and earnings statements ("Gift")."""

    slug: str
    label: str


@dataclass(frozen=True)
class PurposePayment:
    """A payment for a plugin's purpose, as core hands it to plugins (``on_payment_captured``,
    ``on_payment_refunded``, ``core.plugin_api.payment_get``): a copy, never the model.

    ``status`` is "created" (waiting for the payer), "authorized" (paid, being captured),
    "captured", "refunded" or "failed". Amounts are paise: the payer paid ``amount_paise`` =
    ``price_paise`` + ``fee_paise``; the payee earns ``payee_share_paise``. ``checkout_url`` is
    core's page where the payer pays (``/pay/<order id>/``)."""

    id: int
    purpose: str
    reference: str
    description: str
    status: str
    payer_id: int
    payee_id: int
    price_paise: int
    fee_paise: int
    amount_paise: int
    payee_share_paise: int
    refunded_paise: int
    order_id: str
    checkout_url: str
    created_at: Any = None
    captured_at: Any = None
    refund_reason: str = ""  # why staff refunded it (in full, or part: ``refunded_paise``)

    @property
    def is_paid(self) -> bool:
        """Captured: the money is the payee's (less ``refunded_paise`` where staff refunded a part)."""
        return self.status == "captured"


@dataclass(frozen=True)
class NotificationType:
    """A kind of notification a plugin sends (``notification_kinds``) with
    ``core.plugin_api.notify``.

    ``key``: lower-case letters, digits and "_" (at most 40), unique within the plugin; core
    stores it namespaced by the plugin's label ("gifting.gift_received"), so it never collides
    with core's kinds or another plugin's (the namespaced form is accepted here too).
    ``label``: the line people read in their notification settings ("Gifts you receive"), under
    the plugin's name as a heading. ``roles``: who can receive it and sees it in their settings
    ("learner", "mentor"). ``email``: whether it is also sent by email (a plain email with the
    title, the body and a link). ``in_app_default`` / ``email_default``: the choice of a person
    who has not made one. ``refreshes``: core's kinds whose parts of an open page this
    notification also brings up to date, live (``("earnings_updated",)``: the mentor's balances;
    ``("recommended_sessions",)``: the learner home's "Recommended for you" panel).
    ``celebrate``: the toast that shows it live gets a small celebration (a burst of sparkles;
    still for people who ask for reduced motion), for something the person achieved.
    ``email_digest`` (with ``email``): the email is not sent one by one but gathered, with the
    person's other digest kinds, into one email a day (``NOTIFICATION_DIGEST_HOUR`` in their own
    timezone), leaving out what they have read in the app by then: for news that comes often
    (forum replies)."""

    key: str
    label: str
    roles: tuple[str, ...] = ("learner", "mentor")
    email: bool = False
    in_app_default: bool = True
    email_default: bool = False
    refreshes: tuple[str, ...] = ()
    celebrate: bool = False
    email_digest: bool = False


STAFF_ROLES = ("Support", "Finance", "Moderator")
"""The staff roles, each a group (``core/users/roles.py``): Support looks after people and
sessions and touches no money, Finance handles money and reports, Moderator the community.
Superusers may do everything."""


@dataclass(frozen=True)
class StaffPermission:
    """What a staff role may do with one of the plugin's models (``staff_permissions``).

    ``role``: one of ``STAFF_ROLES``. ``permission``: ``"<your label>.<codename>"``, Django's
    permission of one of your models (``"forum.change_post"``, ``"gifting.view_gift"``). A
    permission of another app, or an unknown role, is ignored."""

    role: str
    permission: str


@dataclass(frozen=True)
class StaffTask:
    """Something waiting for staff, shown on the admin's home beside core's own (``staff_tasks``):
    ``label`` ("Flagged forum posts"), ``count`` (how many wait; 0 shows as done) and ``url``
    (the admin list to deal with them)."""

    label: str
    count: int
    url: str


# Contribution points, and where core renders each one:
#   a page           urlpatterns        mounted at /p/<plugin label>/ (core/urls.py)
#   a nav item       nav_items          the header of every page (templates/base.html)
#   a dashboard panel dashboard_panels  the learner's and the mentor's dashboard home
#   a room tool      room_tools         the live room's bottom bar
#   after a session  after_session_actions  the booking's page, the room's summary and the
#                                       feedback form, once the session is over
#   a profile section profile_sections  the person's own profile page (/profile/)
#   a progress section progress_sections the learner's Progress page
#   badges           profile_badges     next to the mentor on a session's public page, on the
#                                       mentor cards of the landing page, and on the person's
#                                       own profile page
#   a landing section landing_sections  the public landing page (cms)
#   recommendations  recommended_sessions  the learner's dashboard home
#   payment purposes payment_purposes   what a plugin may take money for (core.plugin_api.payment_start);
#                                       their labels on receipts, statements and the admin
#   notification kinds notification_kinds  what a plugin notifies people of (core.plugin_api.notify);
#                                       each person's notification settings (core/realtime/kinds.py)
#   staff tasks      staff_tasks        the admin's home: what waits for staff (core/console/views.py)
#   staff permissions staff_permissions  what each staff role may do with the plugin's models in
#                                       the admin (core/users/roles.py, after migrate)


@hookspec
def nav_items(request):
    """Extra navigation links for ``request.user``: a list of ``NavItem``. Return [] for none."""


@hookspec
def dashboard_panels(request):
    """Panels for the user's dashboard home (learner's or mentor's: see ``request.user.role``):
    a list of ``Panel`` (rendered in ``order``)."""


@hookspec
def profile_badges(users):
    """Badges to show next to people, for many users at once.
    Return a dict ``{user_id: [Badge, ...]}``; one call per page, never one per row."""


@hookspec
def profile_sections(request, person):
    """Sections for ``person``'s profile page, shown below the profile form (today ``person`` is
    always ``request.user``, on ``/profile/``): a list of ``Panel``."""


@hookspec
def progress_sections(request):
    """Sections for the learner's Progress page (``request.user`` is the learner), shown below
    core's totals: a list of ``Panel`` (rendered in ``order``)."""


@hookspec
def room_tools(request, booking):
    """Buttons for the live room's bottom bar: a list of ``Panel`` (template + context).
    ``booking`` is the confirmed booking of the room (None when the room has none)."""


@hookspec
def after_session_actions(request, booking):
    """Actions after a completed session, for its learner or its mentor (``request.user``): a
    list of ``Panel``, shown in the "After the session" part of the booking's page, the room's
    summary and the feedback form. ``booking`` is the session's confirmed booking."""


@hookspec
def landing_sections(request):
    """Extra sections for the public landing page: a list of ``Panel``."""


@hookspec
def urlpatterns():
    """URL patterns of a plugin, mounted by core under ``/p/<plugin label>/`` with the
    plugin's label as namespace. Return a list of ``path()``/``re_path()`` entries."""


@hookspec
def api_urlpatterns():
    """The plugin's endpoints in the public API, mounted by core under ``/api/v1/p/<plugin
    label>/`` (namespace ``api:v1:<label>``) and described in its OpenAPI schema. Return a list
    of ``path()`` entries to DRF views built on ``core.plugin_api.ApiView`` (bearer tokens,
    problem details, throttles; ``plugin_api.ApiCursorPage`` for lists and
    ``plugin_api.ApiIdempotent`` on POSTs that take money). While the plugin is off, its
    endpoints leave the API and the schema."""


@hookspec(firstresult=True)
def recommended_sessions(user, limit):
    """Up to ``limit`` sessions to suggest to the learner ``user``: a list of ``Recommendation``,
    or None to let the next implementation answer. Only bookable sessions (from
    ``core.plugin_api.sessions_bookable``). Core's default answers last with an empty list."""


@hookspec
def payment_purposes():
    """What the plugin takes money for: a list of ``PaymentPurpose`` (slug, label). Core refuses
    ``core.plugin_api.payment_start`` for a purpose no enabled plugin declares, and shows the
    label on the payer's receipts and the payee's earnings statement."""


@hookspec
def notification_kinds():
    """The kinds of notification the plugin sends: a list of ``NotificationType``. Each shows in
    the notification settings of the roles it names, under the plugin's name, with the same
    switches as core's kinds; ``core.plugin_api.notify`` refuses a kind the calling plugin did not
    declare. While the plugin is off its kinds leave the settings page; people's choices stay."""


@hookspec
def staff_permissions():
    """What each staff role may do with the plugin's models in the admin: a list of
    ``StaffPermission``. Core grants them to the role's group after every migrate (Moderators
    moderate the forum, Finance sees gifts); a permission outside the plugin's own app is
    ignored. An operator's own additions to a group are kept."""


@hookspec
def staff_tasks(request):
    """What waits for the staff member ``request.user`` in the plugin (flagged posts to look
    at): a list of ``StaffTask``, shown on the admin's home with core's own (payouts due, mentors
    to approve, open disputes). Return only what this person may act on (check their
    permissions); it is drawn on every visit of the home, so keep it to a count query."""
