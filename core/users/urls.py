"""People's URLs outside allauth's: ``/accounts/suggest/`` and the profile pages under ``/profile/``.

The Settings tab (``profile/settings/``) shows notification choices too, so core.realtime serves
it; core/urls.py mounts ``core.realtime.urls.profile_urlpatterns`` in this namespace."""

from django.urls import path

from core.users import views

app_name = "users"

urlpatterns = [
    path("accounts/suggest/", views.suggest, name="suggest"),
    path("accounts/two-factor/", views.two_factor_login, name="two-factor"),
    path("profile/", views.ProfileUpdateView.as_view(), name="profile-update"),
    path("profile/calendar/reset/", views.calendar_reset, name="calendar-reset"),
    path("profile/tour/done/", views.welcome_tour_done, name="welcome-tour-done"),
    path("profile/security/", views.SecurityUpdateView.as_view(), name="security-update"),
]
