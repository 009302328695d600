from django.urls import path

from core.testmode import views

app_name = "testmode"

urlpatterns = [
    path("checkout/<str:order_id>/", views.order_checkout, name="order-checkout"),
    path("payouts/", views.payout_list, name="payout-list"),
]
