"""Build people the way registration does: through the services, with a confirmed address."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.users import services
from core.users.models import Role, User

PASSWORD = "correct-horse-battery-staple"


def user_make(
    *,
    email: str,
    role: str = Role.LEARNER,
    name: str = "",
    password: str = PASSWORD,
    details: dict | None = None,
    registered: bool = True,
    toured: bool = True,
) -> User:
    """A person as after signing up (and confirming, unless ``registered=False``); ``toured``:
    they have closed the welcome tour, as everyone has after their first visit (a test of the
    tour itself passes False)."""
    user = User(email=email)
    user.set_password(password)
    if details is None:
        details = (
            {"interests": ["Python"]} if role == Role.LEARNER else {"domains": ["Programming"], "skills": ["Python"]}
        )
    user = services.user_create_with_role(
        user=user, name=name or email.split("@")[0].title(), role=role, details=details
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if registered:
        services.user_complete_registration(user=user)
    if toured:
        services.welcome_tour_finish(user=user)
        user.refresh_from_db(fields=["welcome_tour_done_at"])
    return user


def totp_code(user: User) -> str:
    """A current code from ``user``'s authenticator app, as they would type it now; gives them a
    confirmed app (django-otp's ``TOTPDevice``) first when they have none.

    An app takes each code once (``last_t``) and backs off after a wrong one; every call here
    stands for a later moment, when the code last used has expired and the back-off has passed,
    so one test may withdraw twice in a row."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
