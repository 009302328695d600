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
