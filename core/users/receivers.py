"""Receivers of other apps' signals about people. Each one calls a service, nothing more."""

from allauth.account.signals import email_confirmed
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.users import services
from core.users.models import Topic
from core.users.selectors import TOPICS_CACHE_KEY


@receiver(email_confirmed, dispatch_uid="users-complete-registration")
def complete_registration(request, email_address, **kwargs) -> None:
    services.user_complete_registration(user=email_address.user)


@receiver(user_logged_in, dispatch_uid="users-ask-second-factor")
def ask_second_factor(sender, request, user, **kwargs) -> None:
    """Someone with an authenticator app signed in with their password: until they type a code,
    ``SecondFactorMiddleware`` lets them open only the code page (the admin asks on its own form)."""
    if request is not None and hasattr(request, "session"):
        services.login_second_factor_require(session=request.session, user=user)


@receiver(post_save, sender=Topic, dispatch_uid="users-topic-saved")
@receiver(post_delete, sender=Topic, dispatch_uid="users-topic-deleted")
def topics_changed(sender, **kwargs) -> None:
    """Staff changed the vocabulary: suggestions read it afresh."""
    cache.delete(TOPICS_CACHE_KEY)
