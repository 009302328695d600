"""Signing in with tokens: a password (and, for those who turned it on, a code from their
authenticator app), then a short-lived access token and a refresh token that is swapped for a new
one at every refresh and refused after logout."""

from __future__ import annotations

import contextlib

from django.contrib.auth import authenticate
from django.core import signing
from django_otp import user_has_device
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, AuthenticationFailed, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from core.api import codes
from core.api.throttling import AddressThrottle, PersonThrottle, SignInThrottle
from core.users.models import User
from core.users.services.two_factor import second_factor_check

TICKET_SALT = "core.api.second-factor"
TICKET_SECONDS = 5 * 60
WRONG_LOGIN = "The email address and/or password you specified are not correct."
LOCKED_OUT = "Too many failed sign-ins for this account from your address. Try again in 15 minutes."
NOT_REGISTERED = (
    "Confirm your email address first: we emailed you a code. Send it to `/auth/email/verify/`, "
    "or type it on the website."
)
STALE_REFRESH = "The password changed since this token was given: sign in again."
TICKET_EXPIRED = "Sign in again: the five minutes to type your code ran out."
SIGN_IN_THROTTLES = [SignInThrottle, PersonThrottle, AddressThrottle]
# What the schema lists beside 400 and 429: a wrong password, ticket or token is a 401, an address
# not yet confirmed a 403 (Schemathesis found both answered but undocumented).
REFUSALS = {"POST": (401, 403)}


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = LOCKED_OUT
    default_code = "locked_out"


class TokenView(APIView):
    """Token endpoints: no token needed to call them, and a refusal is a 401 that says how to
    authenticate (DRF turns a 401 without ``WWW-Authenticate`` into a 403)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'


class SignInSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Send as `Authorization: Bearer …`; good for 10 minutes.")
    refresh = serializers.CharField(help_text="Swap for a new pair at `/auth/token/refresh/`; good for 14 days.")


class SecondFactorNeededSerializer(serializers.Serializer):
    second_factor_required = serializers.BooleanField(default=True)
    ticket = serializers.CharField(help_text="Send with the code to `/auth/token/second-factor/` within 5 minutes.")
    detail = serializers.CharField()


class SecondFactorSerializer(serializers.Serializer):
    ticket = serializers.CharField(max_length=1000)
    code = serializers.CharField(
        max_length=64, help_text="The 6 digits the authenticator app shows, or one of the recovery codes."
    )


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4000)


class LogoutSerializer(RefreshSerializer):
    everywhere = serializers.BooleanField(
        default=False, help_text="Also end every other signed-in app of this person (a lost phone)."
    )


def token_pair(user: User) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def signed_in(user: User) -> Response:
    """The answer to a password (or a confirmed address) that is right: the token pair, or a ticket
    for the second step when ``user`` has two-factor on."""
    if user_has_device(user, confirmed=True):
        body = {
            "second_factor_required": True,
            "ticket": _ticket(user),
            "detail": "Type the code from your authenticator app.",
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)
    return Response(token_pair(user))


def _ticket(user: User) -> str:
    # The password's hash rides along: changing the password voids tickets handed out before.
    return signing.dumps({"user": user.pk, "password": user.password[-12:]}, salt=TICKET_SALT, compress=True)


def _ticket_user(ticket: str) -> User:
    try:
        value = signing.loads(ticket, salt=TICKET_SALT, max_age=TICKET_SECONDS)
    except signing.SignatureExpired:
        raise AuthenticationFailed(TICKET_EXPIRED, code="ticket_expired") from None
    except signing.BadSignature:
        raise AuthenticationFailed("That ticket is not one we gave out: sign in again.", code="bad_ticket") from None
    user = User.objects.filter(pk=value.get("user"), is_active=True).first() if isinstance(value, dict) else None
    if user is None or user.password[-12:] != value.get("password"):
        raise AuthenticationFailed(TICKET_EXPIRED, code="ticket_expired")
    return user


class TokenObtainView(TokenView):
    """``POST /api/v1/auth/token/``."""

    problem_statuses = REFUSALS
    throttle_classes = SIGN_IN_THROTTLES

    @extend_schema(
        operation_id="auth_token_create",
        summary="Sign in with email and password",
        description="Answers 200 with a token pair, or 202 with a ticket when the account has two-factor on: "
        "then send the ticket and a code to `/auth/token/second-factor/`. Five wrong passwords for one "
        "account from one address lock it there for 15 minutes, as on the website.",
        request=SignInSerializer,
        responses={200: TokenPairSerializer, 202: SecondFactorNeededSerializer},
        examples=[OpenApiExample("Sign in", value={"email": "asha@example.com", "password": "a long passphrase"})],
        tags=["auth"],
    )
    def post(self, request):
        data = SignInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            django_request, email=data.validated_data["email"], password=data.validated_data["password"]
        )
        if getattr(django_request, "axes_locked_out", False):
            django_request.axes_locked_out = False  # answered here, as problem details, not by axes' page
            raise LockedOut()
        if user is None:
            raise AuthenticationFailed(WRONG_LOGIN, code="wrong_login")
        if user.registered_at is None:
            # As the website does at such a sign-in: a fresh code to confirm the address.
            with contextlib.suppress(codes.CodeTooSoon):
                codes.code_send(request=django_request, user=user, purpose=codes.Purpose.VERIFY_EMAIL)
            raise PermissionDenied(NOT_REGISTERED, code="not_registered")
        return signed_in(user)


class SecondFactorView(TokenView):
    """``POST /api/v1/auth/token/second-factor/``."""

    problem_statuses = REFUSALS
    throttle_classes = SIGN_IN_THROTTLES

    @extend_schema(
        operation_id="auth_second_factor",
        summary="Finish signing in with a two-factor code",
        request=SecondFactorSerializer,
        responses={200: TokenPairSerializer},
        examples=[OpenApiExample("Code", value={"ticket": "eyJ1c2VyIjo…", "code": "123456"})],
        tags=["auth"],
    )
    def post(self, request):
        data = SecondFactorSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = _ticket_user(data.validated_data["ticket"])
        second_factor_check(user=user, token=data.validated_data["code"])  # ValidationError: 400
        return Response(token_pair(user))


class TokenRefreshView(TokenView):
    """``POST /api/v1/auth/token/refresh/``."""

    problem_statuses = REFUSALS

    @extend_schema(
        operation_id="auth_token_refresh",
        summary="Swap a refresh token for a new pair",
        description="The refresh token sent is refused from then on (rotation): keep the new one.",
        request=RefreshSerializer,
        responses={200: TokenPairSerializer},
        examples=[OpenApiExample("Refresh", value={"refresh": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…"})],
        tags=["auth"],
    )
    def post(self, request):
        data = RefreshSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            old = RefreshToken(data.validated_data["refresh"])
        except TokenError as exc:
            raise AuthenticationFailed(str(exc), code="token_not_valid") from None
        user = User.objects.filter(pk=old.payload.get("sub"), is_active=True).first()
        if user is None:
            raise AuthenticationFailed("This account cannot sign in.", code="user_inactive")
        # A refresh token, too, dies with the password it was given under (simplejwt checks that
        # claim only for access tokens): a stolen one is no use after a password change or reset.
        if jwt_settings.CHECK_REVOKE_TOKEN and old.payload.get(
            jwt_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(STALE_REFRESH, code="password_changed")
        _, first = old.blacklist()  # a unique row: of two refreshes with one token, one wins
        if not first:
            raise AuthenticationFailed("Token is blacklisted", code="token_not_valid")
        return Response(token_pair(user))


class LogoutView(TokenView):
    """``POST /api/v1/auth/logout/``."""

    problem_statuses = REFUSALS

    @extend_schema(
        operation_id="auth_logout",
        summary="Sign out: refuse this refresh token (or every one of this person's)",
        request=LogoutSerializer,
        responses={204: None},
        examples=[
            OpenApiExample("Sign out", value={"refresh": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…", "everywhere": False})
        ],
        tags=["auth"],
    )
    def post(self, request):
        data = LogoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token = RefreshToken(data.validated_data["refresh"])
        except TokenError as exc:
            raise AuthenticationFailed(str(exc), code="token_not_valid") from None
        token.blacklist()
        if data.validated_data["everywhere"]:
            for outstanding in OutstandingToken.objects.filter(user_id=token.payload.get("sub")):
                BlacklistedToken.objects.get_or_create(token=outstanding)
        return Response(status=status.HTTP_204_NO_CONTENT)
