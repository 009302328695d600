"""The sample plugin's hook implementations. Contributions say who they are for, so a test can
find them on the page; events are recorded in ``RECEIVED`` (cleared by the fixture)."""

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from core import plugin_api
from core.hooks import (
    Badge,
    NavItem,
    NotificationType,
    Panel,
    PaymentPurpose,
    Recommendation,
    StaffPermission,
    StaffTask,
    hookimpl,
)

RECEIVED: list[tuple[str, dict]] = []

SECTION = "components/empty_state.html"  # a core template that shows ``title`` and ``text``


def _panel(title: str, order: int = 100) -> Panel:
    return Panel(template=SECTION, context={"title": title, "text": "Added by the sample plugin."}, order=order)


# --- Contributions ----------------------------------------------------------------------------


def hello(request):
    return HttpResponse(f"Hello from the sample plugin, {request.user.get_short_name() or 'stranger'}")


@hookimpl
def urlpatterns():
    return [path("hello/", hello, name="hello")]


class HelloSerializer(serializers.Serializer):
    greeting = serializers.CharField()


class HelloApi(plugin_api.ApiView):
    """``GET /api/v1/p/sample/hello/``: the sample plugin's one endpoint, open to everyone."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="sample_hello",
        summary="A greeting from the sample plugin",
        responses={200: HelloSerializer},
        tags=["sample"],
    )
    def get(self, request):
        name = request.user.get_short_name() if request.user.is_authenticated else ""
        return Response(HelloSerializer({"greeting": f"Hello from the sample plugin, {name or 'stranger'}"}).data)


@hookimpl
def api_urlpatterns():
    return [path("hello/", HelloApi.as_view(), name="hello")]


@hookimpl
def nav_items(request):
    return [NavItem(label="Sample nav", url="/p/sample/hello/", icon="sparkles", aria_label="The sample plugin")]


@hookimpl
def dashboard_panels(request):
    return [_panel(f"Sample panel for the {request.user.role} dashboard", order=10)]


@hookimpl
def room_tools(request, booking):
    return [_panel(f"Sample room tool for booking {booking.reference if booking else None}")]


@hookimpl
def after_session_actions(request, booking):
    return [_panel(f"Sample action after booking {booking.reference} for {request.user.role}")]


@hookimpl
def profile_sections(request, person):
    return [_panel(f"Sample profile section of {person.name}")]


@hookimpl
def progress_sections(request):
    return [_panel(f"Sample progress section of {request.user.name}")]


@hookimpl
def profile_badges(users):
    return {
        user.pk: [Badge(label=f"Sample badge {user.pk}", title="Given by the sample plugin", icon="star")]
        for user in users
    }


@hookimpl
def landing_sections(request):
    return [_panel("Sample landing section")]


@hookimpl
def recommended_sessions(user, limit):
    return [Recommendation(session=card, reason="Sample reason") for card in plugin_api.sessions_bookable(limit=limit)]


@hookimpl
def payment_purposes():
    return [PaymentPurpose(slug="sample-tip", label="Sample tip")]


@hookimpl
def notification_kinds():
    return [
        NotificationType(key="news", label="Sample news", roles=("learner",)),
        NotificationType(key="cheer", label="Sample cheers", roles=("learner",), celebrate=True),
    ]


@hookimpl
def staff_tasks(request):
    return [StaffTask("Sample things to review", 2, "/admin/")] if request.user.is_staff else []


@hookimpl
def staff_permissions():
    # The sample has no models; the second is another app's, which core ignores.
    return [StaffPermission("Support", "sample.view_note"), StaffPermission("Support", "payments.refund_payment")]


def news_send(user, kind: str = "news") -> bool:
    """What the plugin's own code would do to tell a learner its news."""
    return plugin_api.notify(user=user, kind=kind, title="Sample news for you", url="/p/sample/hello/")


# --- Events: one implementation per domain signal ----------------------------------------------


def _record(event: str, **arguments) -> None:
    RECEIVED.append((event, arguments))


@hookimpl
def on_user_registered(user):
    _record("user_registered", user=user)


@hookimpl
def on_user_erased(user):
    _record("user_erased", user=user)


@hookimpl
def on_profile_updated(user):
    _record("profile_updated", user=user)


@hookimpl
def on_mentor_approval_changed(user, is_approved):
    _record("mentor_approval_changed", user=user, is_approved=is_approved)


@hookimpl
def on_session_created(session):
    _record("session_created", session=session)


@hookimpl
def on_session_updated(session):
    _record("session_updated", session=session)


@hookimpl
def on_session_cancelled(session):
    _record("session_cancelled", session=session)


@hookimpl
def on_booking_requested(booking):
    _record("booking_requested", booking=booking)


@hookimpl
def on_booking_confirmed(booking):
    _record("booking_confirmed", booking=booking)


@hookimpl
def on_booking_rejected(booking, reason):
    _record("booking_rejected", booking=booking, reason=reason)


@hookimpl
def on_payment_captured(payment):
    _record("payment_captured", payment=payment)


@hookimpl
def on_payment_refunded(payment, amount_paise):
    _record("payment_refunded", payment=payment, amount_paise=amount_paise)


@hookimpl
def on_session_started(session):
    _record("session_started", session=session)


@hookimpl
def on_session_completed(session):
    _record("session_completed", session=session)


@hookimpl
def on_feedback_given(feedback):
    _record("feedback_given", feedback=feedback)


@hookimpl
def on_dispute_opened(dispute):
    _record("dispute_opened", dispute=dispute)


@hookimpl
def on_dispute_settled(dispute):
    _record("dispute_settled", dispute=dispute)


@hookimpl
def on_withdrawal_settled(withdrawal, payout_status):
    _record("withdrawal_settled", withdrawal=withdrawal, payout_status=payout_status)
