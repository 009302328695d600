"""The console's pages, mounted at ``/admin/console/`` (namespace ``console``), each behind the
admin site's own gate (staff, signed in with their TOTP code)."""

from django.contrib import admin
from django.urls import path

from core.console import views

gate = admin.site.admin_view

urlpatterns = [
    path("people/block/", gate(views.person_block_view), name="person-block"),
    path("people/unblock/", gate(views.person_block_view), {"unblock": True}, name="person-unblock"),
    path("people/erase/", gate(views.person_erase_view), name="person-erase"),
    path("mentors/queue/", gate(views.mentor_queue_view), name="mentor-queue"),
    path("sessions/<int:pk>/", gate(views.session_support_view), name="session-support"),
    path("sessions/<int:pk>/cancel/", gate(views.session_cancel_view), name="session-cancel"),
    path("bookings/<int:pk>/cancel/", gate(views.booking_cancel_view), name="booking-cancel"),
]
