"""What plugins take money for: the purposes they declare (``payment_purposes``) and their labels.

Read by the services (an undeclared purpose is refused), the statements and receipts (the label
shown instead of a session's title) and the admin's filter.
"""

from __future__ import annotations

import re

from core import hooks, pluginmanager
from core.payments.models import BOOKING_PURPOSE

PURPOSE_SLUG = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
BOOKING_LABEL = "Session"


def purposes_declared() -> dict[str, str]:
    """``{slug: label}`` of every purpose the enabled plugins declare (``payment_purposes``).
    A malformed declaration (not a ``PaymentPurpose``, a bad slug, "booking") is ignored."""
    found: dict[str, str] = {}
    for item in pluginmanager.collect("payment_purposes"):
        if not isinstance(item, hooks.PaymentPurpose) or not isinstance(item.slug, str):
            continue
        if PURPOSE_SLUG.match(item.slug) and item.slug != BOOKING_PURPOSE:
            found.setdefault(item.slug, str(item.label or "").strip() or item.slug)
    return found


def purpose_label(purpose: str, *, declared: dict[str, str] | None = None) -> str:
    """What people read for a payment's purpose: "Session" for a booking, the plugin's label
    ("Gift") for its purpose, and the slug in words when its plugin is switched off."""
    if purpose == BOOKING_PURPOSE:
        return BOOKING_LABEL
    declared = purposes_declared() if declared is None else declared
    return declared.get(purpose) or purpose.replace("-", " ").capitalize()
