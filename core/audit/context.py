"""Who is acting in this request, so that records written deep in a service know it.

``AuditContextMiddleware`` opens a context for staff in the admin and the CMS; the receivers in
``core.audit.receivers`` record model changes made while one is open. A contextvar, so each
request (thread or task) sees its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from core.users.lockout import client_ip_address


@dataclass(frozen=True)
class Acting:
    user: object
    ip_address: str | None
    source: str
    request_id: str


_acting: ContextVar[Acting | None] = ContextVar("peerlearn_audit_acting", default=None)


def acting_now() -> Acting | None:
    """The staff member acting in this request, or None outside the admin and the CMS."""
    return _acting.get()


@contextmanager
def acting(*, user, source: str, ip_address: str | None = None, request_id: str = "") -> Iterator[Acting]:
    """Record what happens inside as done by ``user`` (tests and management commands use it too)."""
    token = _acting.set(
        Acting(user=user, ip_address=ip_address or None, source=source, request_id=request_id or uuid.uuid4().hex)
    )
    try:
        yield _acting.get()
    finally:
        _acting.reset(token)


def is_staff_member(user) -> bool:
    """Admin staff, and CMS editors (who may open Wagtail's admin but not Django's)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")


STAFF_PATHS = (("/admin/", "admin"), ("/cms/", "cms"))


class AuditContextMiddleware:
    """Opens the acting context for a staff member's request to the admin or the CMS.

    Sync-only, like the middleware around it: the contextvar is set and read in one thread.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        source = next((name for prefix, name in STAFF_PATHS if request.path.startswith(prefix)), None)
        if source is None or user is None or not is_staff_member(user):
            return self.get_response(request)
        with acting(user=user, source=source, ip_address=client_ip_address(request)):
            return self.get_response(request)
