"""The dashboards' URLs, included in core's namespace (``core:mentor-earnings`` …), and the public
session page's, which core/urls.py mounts in the namespaces they always had."""

from django.urls import path

from core.dashboards import learner, mentor, session

urlpatterns = [
    path("dashboard/learner/", learner.home, name="dashboard-learner"),
    path("dashboard/learner/browse/", learner.browse, name="learner-browse"),
    path("dashboard/learner/bookings/", learner.bookings, name="learner-bookings"),
    path("dashboard/learner/bookings/<int:pk>/cancel/", learner.booking_cancel, name="learner-booking-cancel"),
    path("dashboard/learner/payments/", learner.payments, name="learner-payments"),
    path("dashboard/learner/payments/<int:pk>/receipt/", learner.receipt, name="learner-receipt"),
    path("dashboard/learner/progress/", learner.progress, name="learner-progress"),
    path("dashboard/mentor/", mentor.home, name="dashboard-mentor"),
    path("dashboard/mentor/sessions/", mentor.sessions, name="mentor-sessions"),
    path("dashboard/mentor/sessions/new/", mentor.session_create, name="mentor-session-create"),
    path("dashboard/mentor/sessions/price-preview/", mentor.price_preview_view, name="mentor-price-preview"),
    path("dashboard/mentor/sessions/<int:pk>/edit/", mentor.session_edit, name="mentor-session-edit"),
    path("dashboard/mentor/sessions/<int:pk>/cancel/", mentor.session_cancel, name="mentor-session-cancel"),
    path("dashboard/mentor/bookings/", mentor.bookings, name="mentor-bookings"),
    path("dashboard/mentor/earnings/", mentor.earnings, name="mentor-earnings"),
    path("dashboard/mentor/earnings.csv", mentor.earnings_csv, name="mentor-earnings-csv"),
    path("dashboard/mentor/withdrawals/", mentor.withdrawals, name="mentor-withdrawals"),
    path("dashboard/mentor/analytics/", mentor.analytics, name="mentor-analytics"),
]

# ``mentoring:session-detail``, beside the live room's addresses.
session_urlpatterns = [
    path("sessions/<int:pk>/", session.session_detail, name="session-detail"),
    # A mentor's public page; the short form (and an old name in the slug) redirect to the long one.
    path("mentors/<int:pk>-<slug:slug>/", session.mentor_page, name="mentor-page"),
    path("mentors/<int:pk>/", session.mentor_page, name="mentor-page-short"),
    path("mentors/<int:pk>/follow/", session.mentor_follow, name="mentor-follow"),
]

# ``bookings:booking-start`` (under ``bookings/``): the session page's "Book and pay".
booking_urlpatterns = [
    path("start/<int:session_pk>/", session.booking_start, name="booking-start"),
]
