"""People's URLs outside allauth's: ``/accounts/suggest/`` and the profile pages under ``/profile/``."""

from django.urls import path

from core.users import views

app_name = "users"

urlpatterns = [
    path("accounts/suggest/", views.suggest, name="suggest"),
    path("accounts/two-factor/", views.two_factor_login, name="two-factor"),
    path("profile/", views.ProfileUpdateView.as_view(), name="profile-update"),
    path("profile/settings/", views.SettingsUpdateView.as_view(), name="settings-update"),
    path("profile/security/", views.SecurityUpdateView.as_view(), name="security-update"),
]
