from django.urls import path

from core.realtime import views

app_name = "realtime"

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("read/", views.notification_mark_read_view, name="notification-read"),
    path("catch-up/", views.notification_catch_up, name="notification-catch-up"),
]

# The profile's Settings tab, with the notification choices, keeps its place among the profile
# pages: core/urls.py mounts these in the ``users`` namespace (``users:settings-update``).
profile_urlpatterns = [
    path("profile/settings/", views.SettingsUpdateView.as_view(), name="settings-update"),
]
