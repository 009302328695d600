"""Receivers of other apps' signals about people. Each one calls a service, nothing more."""

from allauth.account.signals import email_confirmed
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from core.users import services


@receiver(email_confirmed, dispatch_uid="users-complete-registration")
def complete_registration(request, email_address, **kwargs) -> None:
    services.user_complete_registration(user=email_address.user)


@receiver(user_logged_in, dispatch_uid="users-ask-second-factor")
def ask_second_factor(sender, request, user, **kwargs) -> None:
    """Someone with an authenticator app signed in with their password: until they type a code,
    ``SecondFactorMiddleware`` lets them open only the code page (the admin asks on its own form)."""
    if request is not None and hasattr(request, "session"):
        services.login_second_factor_require(session=request.session, user=user)
