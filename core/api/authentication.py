"""Bearer tokens (simplejwt's access tokens) are the API's only way in: no session cookie, so a
page of another site can never make a signed-in request (no CSRF to guard).

Beyond simplejwt's own checks (signature, expiry, the person still active, the password not
changed since the token was made), an access token is refused once its person is blocked or
erased: ``is_active`` goes false, which simplejwt checks on every request.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework_simplejwt.authentication import JWTAuthentication


class BearerAuthentication(JWTAuthentication):
    """``Authorization: Bearer <access token>``."""


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.BearerAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An access token from `POST /api/v1/auth/token/` (10 minutes); refresh it with "
            "`POST /api/v1/auth/token/refresh/`.",
        }
