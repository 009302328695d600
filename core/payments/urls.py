from django.urls import path

from core.payments import views

app_name = "payments"

urlpatterns = [
    path("razorpay/webhook/", views.razorpay_webhook, name="razorpay-webhook"),
]
