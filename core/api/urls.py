"""``/api/`` : the versioned API under ``v1/``, its OpenAPI schema and its docs.

Plugins add their endpoints under ``v1/p/<plugin>/`` through the ``api_urlpatterns`` hook.
"""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import pluginmanager
from core.api import problems
from core.api.views import (
    account,
    after,
    auth,
    bookings,
    catalogue,
    media,
    mentor,
    notifications,
    profile,
    room,
    testmode,
)

v1 = [
    path("auth/token/", auth.TokenObtainView.as_view(), name="token"),
    path("auth/token/second-factor/", auth.SecondFactorView.as_view(), name="token-second-factor"),
    path("auth/token/refresh/", auth.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/logout/", auth.LogoutView.as_view(), name="logout"),
    *account.urlpatterns,
    path("me/", profile.ProfileView.as_view(), name="me"),
    path("me/settings/", profile.SettingsView.as_view(), name="me-settings"),
    path("me/progress/", profile.ProgressView.as_view(), name="me-progress"),
    path("sessions/", catalogue.SessionList.as_view(), name="sessions"),
    path("sessions/<int:pk>/", catalogue.SessionDetail.as_view(), name="session"),
    path("mentors/", catalogue.MentorList.as_view(), name="mentors"),
    path("mentors/<int:pk>/", catalogue.MentorDetail.as_view(), name="mentor"),
    path("bookings/", bookings.BookingList.as_view(), name="bookings"),
    path("bookings/<int:pk>/", bookings.BookingDetail.as_view(), name="booking"),
    path("bookings/<int:pk>/checkout/", bookings.BookingCheckout.as_view(), name="booking-checkout"),
    path("bookings/<int:pk>/payment/", bookings.BookingPayment.as_view(), name="booking-payment"),
    path("bookings/<int:pk>/payment-failed/", bookings.BookingPaymentFailed.as_view(), name="booking-payment-failed"),
    path("bookings/<int:pk>/cancel/", bookings.BookingCancel.as_view(), name="booking-cancel"),
    path("bookings/<int:pk>/accept/", bookings.BookingAccept.as_view(), name="booking-accept"),
    path("bookings/<int:pk>/reject/", bookings.BookingReject.as_view(), name="booking-reject"),
    path("bookings/<int:pk>/after/", after.BookingAfter.as_view(), name="booking-after"),
    path("bookings/<int:pk>/report/", after.BookingReport.as_view(), name="booking-report"),
    path("bookings/<int:pk>/went-as-booked/", after.BookingWentAsBooked.as_view(), name="booking-went-as-booked"),
    path("bookings/<int:pk>/feedback/", after.BookingFeedback.as_view(), name="booking-feedback"),
    path("receipts/", bookings.ReceiptList.as_view(), name="receipts"),
    path("receipts/<int:pk>/", bookings.ReceiptDetail.as_view(), name="receipt"),
    path("testmode/orders/<slug:order_id>/pay/", testmode.TestOrderPay.as_view(), name="testmode-pay"),
    *mentor.urlpatterns,
    *media.urlpatterns,
    *room.urlpatterns,
    *notifications.urlpatterns,
    *pluginmanager.plugin_api_urlpatterns(),
]

urlpatterns = [
    path("v1/", include((v1, "v1"))),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/: a 404 problem, never the website's HTML page
    re_path(r"^", problems.NoSuchEndpoint.as_view(), name="no-such-endpoint"),
]
