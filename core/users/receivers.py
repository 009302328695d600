"""Receivers of other apps' signals about people. Each one calls a service, nothing more."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from core.users import services


@receiver(email_confirmed, dispatch_uid="users-complete-registration")
def complete_registration(request, email_address, **kwargs) -> None:
    services.user_complete_registration(user=email_address.user)
