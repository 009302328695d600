"""Booking addresses, under ``bookings/``. ``start/<session_pk>/`` (``bookings:booking-start``), the
session page's "Book and pay", is core/dashboards/session.py's: core/urls.py mounts it here."""

from django.urls import path

from core.bookings import views

app_name = "bookings"

urlpatterns = [
    path("", views.booking_list, name="booking-list"),
    path("<int:pk>/", views.booking_detail, name="booking-detail"),
    path("<int:pk>/pay/", views.booking_pay_again, name="booking-pay"),
    path("<int:pk>/return/", views.checkout_return, name="checkout-return"),
    path("<int:pk>/accept/", views.booking_accept_view, name="booking-accept"),
    path("<int:pk>/reject/", views.booking_reject_view, name="booking-reject"),
    path("<int:pk>/report/", views.booking_report_view, name="booking-report"),
    path("<int:pk>/went-as-booked/", views.booking_went_as_booked_view, name="booking-went-as-booked"),
]
