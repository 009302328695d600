"""Small helpers the people tests share: read one-time codes from sent email."""

from __future__ import annotations

import re

from django.core import mail

# allauth's codes: letters and digits, optionally dashed in two halves (e.g. "BCDF-GHJK").
CODE_RE = re.compile(r"^\s*([A-Z0-9]{4,5}-[A-Z0-9]{4,5}|[A-Z0-9]{6,9})\s*$", re.MULTILINE)


def code_from_outbox(*, to: str) -> str:
    """The one-time code in the latest email sent to ``to``."""
    messages = [message for message in mail.outbox if to in message.to]
    assert messages, f"no email was sent to {to}; outbox: {[m.to for m in mail.outbox]}"
    match = CODE_RE.search(messages[-1].body)
    assert match, f"no code in the email body:\n{messages[-1].body}"
    return match.group(1)


def force_login_verified(client, user) -> None:
    """Sign ``client`` in as ``user`` as if they had typed their password and a TOTP code: what
    staff and editors need before any page opens (``core.users.two_factor.second_factor_gate``).
    Gives them a confirmed device first when they have none."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
