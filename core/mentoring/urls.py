"""Mentoring addresses: the public session preview and the live room. Mounted at the root
(one include, one ``mentoring`` namespace): ``sessions/<pk>/`` and ``session/<room_id>/…``."""

from django.urls import path

from core.mentoring import room_urls, views

app_name = "mentoring"

urlpatterns = [
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    *room_urls.urlpatterns,
]
