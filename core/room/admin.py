"""Django admin for the live room's records that support staff need to answer "what happened?":
attendance (the no-show decisions that moved money), presence, feedback and recordings.
All read-only: the room's services write them. Chat and the whiteboard stay private."""

from __future__ import annotations

from django.contrib import admin

from core.admin_base import ReadOnlyAdmin
from core.room.models import Feedback, Recording, RoomPresence, SessionAttendance


@admin.register(SessionAttendance)
class SessionAttendanceAdmin(ReadOnlyAdmin):
    list_display = ("session", "started_at", "outcome", "checked_at")
    list_filter = ("outcome",)
    list_select_related = ("session",)
    search_fields = ("session__title", "session__mentor__email")


@admin.register(RoomPresence)
class RoomPresenceAdmin(ReadOnlyAdmin):
    list_display = ("session", "user", "joined_at", "seen_at", "left_at")
    list_select_related = ("session", "user")
    search_fields = ("session__title", "user__email")


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("booking", "rating", "created_at")
    list_filter = ("rating",)
    list_select_related = ("booking",)
    search_fields = ("booking__reference", "booking__learner__email")


@admin.register(Recording)
class RecordingAdmin(ReadOnlyAdmin):
    list_display = ("session", "started_by", "status", "size_bytes", "created_at", "completed_at")
    list_filter = ("status",)
    list_select_related = ("session", "started_by")
    exclude = ("file",)  # downloads go through the room's view, for the participants only
