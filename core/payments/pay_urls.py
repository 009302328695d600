"""``/pay/``: core's checkout of a payment for a plugin's purpose (namespace ``pay``)."""

from django.urls import path

from core.payments import views

app_name = "pay"

# Order ids are Razorpay's ("order_…") or test mode's ("order_TEST…"): slugs, so no NUL byte reaches a lookup.
urlpatterns = [
    path("<slug:order_id>/", views.purpose_checkout, name="checkout"),
    path("<slug:order_id>/return/", views.purpose_checkout_return, name="return"),
]
