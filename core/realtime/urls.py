from django.urls import path

from core.realtime import views

app_name = "realtime"

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("read/", views.notification_mark_read_view, name="notification-read"),
    path("catch-up/", views.notification_catch_up, name="notification-catch-up"),
]
