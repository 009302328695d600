"""Role-based access: ``restrict_to_role`` for function views, ``RoleRequiredMixin`` for classes.

Anonymous people go to the login page with ``next``; a logged-in person of another role
gets the friendly 403 page, which links to their own dashboard.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


class WrongRole(PermissionDenied):
    """Raised when a logged-in person opens another role's page."""


def _check(request, roles: tuple[str, ...]):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.role not in roles:
        raise WrongRole(f"This page is for {' and '.join(f'{role}s' for role in roles)}.")
    return None


def restrict_to_role(*roles: str):
    """Decorator: only people whose ``role`` is one of ``roles`` may use the view."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return _check(request, roles) or view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin(AccessMixin):
    """Class-based views: set ``roles = ("mentor",)``."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        return _check(request, self.roles) or super().dispatch(request, *args, **kwargs)
