from django.urls import path

from core.testmode import views

app_name = "testmode"

# Order ids are "order_TEST" and letters (``new_id``): a slug, so no NUL byte ever reaches a lookup.
urlpatterns = [
    path("checkout/<slug:order_id>/", views.order_checkout, name="order-checkout"),
    path("payouts/", views.payout_list, name="payout-list"),
]
