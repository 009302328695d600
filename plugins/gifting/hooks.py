"""The gifting plugin's hooks: what it takes money for and tells people about, where its Gift
button shows (the room's bottom bar, and for 7 days after the session its booking page, summary
and feedback form), the mentor's on/off switch, and what it does when core reports a payment."""

from django.urls import path, reverse

from core import plugin_api
from core.hooks import NotificationType, Panel, PaymentPurpose, StaffPermission, hookimpl
from plugins.gifting import api, services, views
from plugins.gifting.forms import GiftForm


@hookimpl
def urlpatterns():
    return [
        path("give/<int:booking_id>/", views.give, name="give"),
        path("preview/", views.preview, name="preview"),
        path("sent/<slug:token>/", views.sent, name="sent"),
        path("settings/", views.jar_settings, name="settings"),
    ]


@hookimpl
def api_urlpatterns():
    return [
        path("bookings/<int:booking_id>/", api.GiftWindowView.as_view(), name="window"),
        path("bookings/<int:booking_id>/gifts/", api.GiftStartView.as_view(), name="gift-start"),
        path("preview/", api.GiftPreviewView.as_view(), name="preview"),
        path("gifts/sent/", api.GiftsSentView.as_view(), name="gifts-sent"),
        path("gifts/received/", api.GiftsReceivedView.as_view(), name="gifts-received"),
        path("gifts/<int:pk>/", api.GiftDetailView.as_view(), name="gift"),
        path("gifts/<int:pk>/payment/", api.GiftPaymentView.as_view(), name="gift-payment"),
        path("gifts/<int:pk>/payment-failed/", api.GiftPaymentFailedView.as_view(), name="gift-payment-failed"),
        path("settings/", api.GiftSettingsView.as_view(), name="settings"),
    ]


@hookimpl
def payment_purposes():
    return [PaymentPurpose(slug=services.PURPOSE, label="Gift")]


@hookimpl
def notification_kinds():
    return [
        NotificationType(
            "gift_received",
            "Gifts you receive",
            roles=("mentor",),
            email=True,
            email_default=True,
            refreshes=("earnings_updated",),  # the mentor's balances on an open dashboard
        ),
        NotificationType("gift_sent", "Gifts you sent", roles=("learner",)),
        NotificationType("gift_refunded", "Gifts refunded by our team", email=True, email_default=True),
    ]


@hookimpl
def on_user_registered(user):
    if user.role == "mentor":
        services.gift_jar_open(mentor=user)


def _panel(request, booking_id: int, *, template: str, in_room: bool) -> list[Panel]:
    """The Gift button and its dialog for the booking's learner, while gifts are open."""
    if getattr(request.user, "role", None) != "learner":
        return []
    booking = plugin_api.booking_of_learner(learner=request.user, booking_id=booking_id)
    if booking is None:
        return []
    window = services.gift_window(booking=booking)
    if not window.open:
        return []
    form = GiftForm()
    # From the room the checkout opens in a new tab and comes back to a page that says the gift
    # went; elsewhere it comes back to the page the learner gave from.
    next_url = reverse("gifting:sent", args=[form.initial["token"]]) if in_room else request.get_full_path()
    context = views.gift_context(request=request, booking=booking, form=form, next_url=next_url)
    context.update(
        gift_window=window,
        gift_target="_blank" if in_room else "",
        gift_dialog_id=f"gift-dialog-{booking.id}",
    )
    return [Panel(template=template, context=context, order=50)]


@hookimpl
def room_tools(request, booking):
    """The "Gift" button in the live room's bottom bar, for the learner (gifts go to mentors)."""
    if booking is None or request.user.pk != booking.learner_id:
        return []
    return _panel(request, booking.pk, template="gifting/room_button.html", in_room=True)


@hookimpl
def after_session_actions(request, booking):
    """ "Send a gift" after a completed session, for its learner, for 7 days."""
    if booking is None or request.user.pk != booking.learner_id:
        return []
    return _panel(request, booking.pk, template="gifting/after_session.html", in_room=False)


@hookimpl
def profile_sections(request, person):
    """The mentor's switch: take gifts, or not."""
    if getattr(person, "role", None) != "mentor" or person.pk != request.user.pk:
        return []
    return [
        Panel(
            template="gifting/settings_section.html",
            context={"gift_accepts": services.accepts_gifts(mentor=person)},
            order=60,
        )
    ]


@hookimpl
def on_payment_captured(payment):
    if payment.purpose == services.PURPOSE:
        services.gift_paid(payment=payment)


@hookimpl
def on_payment_refunded(payment, amount_paise):
    if payment.purpose == services.PURPOSE:
        services.gift_refunded(payment=payment, amount_paise=amount_paise)


@hookimpl
def staff_permissions():
    """Finance reads gifts and mentors' gift jars (refunds go through core's payments)."""
    return [StaffPermission("Finance", "gifting.view_gift"), StaffPermission("Finance", "gifting.view_giftjar")]
