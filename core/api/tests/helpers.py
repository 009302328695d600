"""Test helpers: an API client signed in with a real token pair (no shortcut past sign-in's rules
but the password hasher tests use)."""

from __future__ import annotations

from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


def bearer(user) -> APIClient:
    """A client carrying an access token of ``user`` (as ``/auth/token/`` would give)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client
