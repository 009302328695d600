"""Mentoring addresses: the public session preview, ``sessions/<pk>/``. The live room's
addresses (``core.room.urls``) share the ``mentoring`` namespace: core/urls.py mounts both."""

from django.urls import path

from core.mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
]
