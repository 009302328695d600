"""django-axes glue: which login a failed attempt counts against."""

from __future__ import annotations


def login_identifier(request, credentials: dict | None) -> str | None:
    """The email address of a login attempt, from allauth's or Django admin's form."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None:
        data = getattr(request, "POST", {}) or {}
        value = data.get("login") or data.get("username")
    return value.strip().lower() if value else None
