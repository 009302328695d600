"""Codes we email to people using the API: to confirm an address after signing up, or to set a
new password. The same emails, lengths, lifetimes and number of tries as allauth's codes on the
website (its settings are read here), kept in ``EmailCode`` instead of a browser session.

A code is checked in a transaction of its own: a wrong try is counted even though the request is
refused, and of two requests racing with the right code only one uses it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core.context import request_context
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from core.api.models import EmailCode
from core.users.models import User

Purpose = EmailCode.Purpose
RESEND_SECONDS = 60
WRONG_CODE = "That code is not right. Check the newest email from us, or ask for a new code."
NO_CODE = "That code has expired or was used up: ask for a new one."
TOO_SOON = "We sent you a code less than a minute ago: check your inbox (and spam folder) first."


class CodeTooSoon(Exception):
    """A new code was asked for within a minute of the last one."""


def _rules(purpose: str) -> tuple[int, int]:
    """(seconds a code lasts, wrong tries it survives) as the website's allauth settings say."""
    if purpose == Purpose.VERIFY_EMAIL:
        return (
            allauth_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT,
            allauth_settings.EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS,
        )
    return allauth_settings.PASSWORD_RESET_BY_CODE_TIMEOUT, allauth_settings.PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS


def _digest(user: User, purpose: str, code: str) -> str:
    # Keyed with SECRET_KEY: the table alone does not let anyone try codes offline.
    normal = re.sub(r"[^0-9A-Za-z]", "", code).upper()  # "kxrt mpwd" is "KXRT-MPWD", as on the website
    return salted_hmac(f"core.api.codes.{purpose}", f"{user.pk}:{normal}", algorithm="sha256").hexdigest()


@transaction.atomic
def code_send(*, request, user: User, purpose: str) -> None:
    """Email ``user`` a new code for ``purpose``; their earlier unused ones stop working.
    Raises ``CodeTooSoon`` within a minute of the last one (so nobody floods an inbox)."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one sender at a time per person
    newest = EmailCode.objects.filter(user=user, purpose=purpose).order_by("-created_at").first()
    if newest is not None and newest.created_at > timezone.now() - timedelta(seconds=RESEND_SECONDS):
        raise CodeTooSoon(TOO_SOON)
    adapter = get_adapter(request)
    if purpose == Purpose.VERIFY_EMAIL:
        code = adapter.generate_email_verification_code()
    else:
        code = adapter.generate_password_reset_code()
    EmailCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).delete()
    EmailCode.objects.create(user=user, purpose=purpose, digest=_digest(user, purpose, code))
    if purpose == Purpose.VERIFY_EMAIL:
        address = EmailAddress(user=user, email=user.email)
        confirmation = SimpleNamespace(email_address=address, key=code)
        signup = user.last_login is None

        def send() -> None:
            adapter.send_confirmation_mail(request, confirmation, signup=signup)

    else:

        def send() -> None:
            adapter.send_mail("account/email/password_reset_code", user.email, {"code": code, "user": user})

    def send_in_request() -> None:
        # allauth's mails read the request from its context, which may have ended by the commit.
        with request_context(request):
            send()

    transaction.on_commit(send_in_request)


def code_use(*, user: User, purpose: str, code: str) -> None:
    """Use up ``user``'s newest code for ``purpose`` if ``code`` is it. Raises ValidationError on
    ``code``: wrong (counted; the code dies after the allowed number of wrong tries), or none
    valid (expired, used, too many wrong tries)."""
    lifetime, tries = _rules(purpose)
    with transaction.atomic():
        stored = (
            EmailCode.objects.select_for_update()
            .filter(
                user=user,
                purpose=purpose,
                used_at__isnull=True,
                created_at__gte=timezone.now() - timedelta(seconds=lifetime),
                wrong_tries__lt=tries,
            )
            .order_by("-created_at")
            .first()
        )
        if stored is None:
            raise ValidationError({"code": [ValidationError(NO_CODE, code="expired")]})
        if constant_time_compare(stored.digest, _digest(user, purpose, code)):
            stored.used_at = timezone.now()
            stored.save(update_fields=["used_at"])
            return
        stored.wrong_tries += 1
        stored.save(update_fields=["wrong_tries"])
    message = WRONG_CODE if stored.wrong_tries < tries else NO_CODE
    raise ValidationError({"code": [ValidationError(message, code="wrong_code")]})


def codes_purge(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Forget codes older than ``older_than`` (a day: far past any code's lifetime)."""
    deleted, _ = EmailCode.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
