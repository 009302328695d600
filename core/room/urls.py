"""The live room's addresses, under ``session/<room_id>/`` (mounted by core/urls.py in the ``mentoring`` namespace).

A room id is URL-safe base64 (``new_room_id``), so the slug converter matches every real one and
anything else (a NUL byte, which PostgreSQL refuses in a query) is a 404 before any lookup.
"""

from django.urls import path

from core.room import views

urlpatterns = [
    path("session/<slug:room_id>/", views.room_view, name="room"),
    path("session/<slug:room_id>/recordings/", views.recording_create_view, name="recording-create"),
    path("session/<slug:room_id>/recordings/<int:pk>/", views.recording_download_view, name="recording-download"),
    path("session/<slug:room_id>/recordings/<int:pk>/chunk/", views.recording_chunk_view, name="recording-chunk"),
    path("session/<slug:room_id>/recordings/<int:pk>/finish/", views.recording_finish_view, name="recording-finish"),
    path("session/<slug:room_id>/board.png", views.board_png_view, name="board-png"),
    path("session/<slug:room_id>/chat.txt", views.chat_transcript_view, name="chat-transcript"),
    path("session/<slug:room_id>/feedback/", views.feedback_view, name="feedback"),
]
