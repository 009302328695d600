"""django-axes glue: which login a failed attempt counts against, and from which address.

Failed logins lock the *account and address together* (``AXES_LOCKOUT_PARAMETERS``): five
wrong passwords for a@x from one address block a@x from that address only, never b@y beside
it, nor a@x from elsewhere. An address on its own is stopped only at a much higher count
(``LOGIN_ADDRESS_FAILURE_LIMIT``, 100 in 15 minutes), which catches one machine guessing
across many accounts without letting one person lock out an office or a campus.
"""

from __future__ import annotations

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def login_identifier(request, credentials: dict | None) -> str | None:
    """The email address of a login attempt, from allauth's or Django admin's form."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None:
        data = getattr(request, "POST", {}) or {}
        value = data.get("login") or data.get("username")
    return value.strip().lower() if value else None


def client_ip_address(request) -> str:
    """The address failures count against (``AXES_CLIENT_IP_CALLABLE``).

    With no proxy in front (``TRUSTED_PROXY_COUNT = 0``) it is the connection's own address and
    X-Forwarded-For is ignored: anyone can write that header, and a forged one would dodge the
    lockout. Behind N proxies that each append the address they saw (a load balancer: N = 1), it
    is the N-th address from the right of X-Forwarded-For, the one the outermost trusted proxy
    saw; the addresses left of it are the client's to invent.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def address_failures(request) -> int:
    """Failed logins from ``request``'s address in the cool-off window, for any account."""
    total = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


class AccountAndAddressHandler(AxesDatabaseHandler):
    """django-axes' database handler, counting the account-and-address pair (its lockout
    parameters) and, at ``LOGIN_ADDRESS_FAILURE_LIMIT``, the address alone.

    axes compares one count with one limit, so an address over its own limit reports the pair's
    limit; ``request.axes_address_limited`` then tells the lockout page which one it was.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        if address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            request.axes_address_limited = True
            return max(failures, get_failure_limit(request, credentials))
        return failures
