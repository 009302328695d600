"""An account from an app, as on the website: sign up with the plan's role and details, confirm
the address with the code we email, set a new password with an emailed code, change the password,
and turn two-factor sign-in on and off (with its one-time recovery codes).

The checks are the website's own: its sign-up form (allauth's, with our role details), allauth's
password rules and wording, and the two-factor services of the Security tab. Only the emailed
codes differ in where they are kept (``core/api/codes.py``): an app has no browser session.
"""

from __future__ import annotations

from allauth.account import signals as allauth_signals
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from django import forms
from django.db import IntegrityError, transaction
from django.urls import path
from django_otp.plugins.otp_static.models import StaticToken
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import codes
from core.api.fields import TextList
from core.api.problems import Conflict
from core.api.views.auth import SIGN_IN_THROTTLES, TokenPairSerializer, TokenView, signed_in, token_pair
from core.users import two_factor
from core.users.forms import PasswordChangeForm, SignupForm
from core.users.models import Role, User
from core.users.selectors import two_factor_status_get
from core.users.services import (
    recovery_codes_generate,
    recovery_codes_regenerate,
    totp_device_cancel,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
    user_password_change,
)

CODE_SENT = "We emailed a code to {email}. Send it to `/auth/email/verify/` within 15 minutes."
ALREADY_CONFIRMED = "This address is confirmed already: sign in."
RESET_CODE_SENT = "We emailed a code to {email}. Send it with your new password to `/auth/password/reset/confirm/`."


def _form_errors(form: forms.Form, names: dict[str, str]) -> ValidationError:
    """A Django form's errors as the API's 400, its field names as the API spells them."""
    return ValidationError(
        {
            names.get(field, "non_field_errors" if field == "__all__" else field): [
                str(message) for message in messages
            ]
            for field, messages in form.errors.items()
        }
    )


def _too_soon(exc: codes.CodeTooSoon) -> Throttled:
    return Throttled(wait=codes.RESEND_SECONDS, detail=str(exc))


# --- Sign up and confirm the address ------------------------------------------------------------


class SignUpSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=[(Role.LEARNER, "Learner"), (Role.MENTOR, "Mentor")])
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(max_length=100)
    interests = TextList(required=False, help_text="Learners: at least one thing you want to learn.")
    career_goals = serializers.CharField(required=False, allow_blank=True, max_length=200)
    domains = TextList(required=False, help_text="Mentors: at least one broad area, e.g. Programming.")
    skills = TextList(required=False, help_text="Mentors: at least one skill you teach, e.g. Python.")
    bio = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CodeSentSerializer(serializers.Serializer):
    email = serializers.EmailField()
    detail = serializers.CharField()


class EmailSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class EmailCodeSerializer(EmailSerializer):
    code = serializers.CharField(
        max_length=64, help_text="The code from our email, e.g. `KXRT-MPWD` (the dash may be left out)."
    )


class SignUpView(TokenView):
    """``POST /api/v1/auth/signup/``."""

    throttle_classes = SIGN_IN_THROTTLES

    @extend_schema(
        operation_id="auth_signup",
        summary="Sign up as a learner or a mentor",
        description="The website's registration: the same checks (a unique address, allauth's password rules, "
        "the role's details) and the same email with a code. The account signs in once the code is sent to "
        "`/auth/email/verify/`. A mentor's sessions are public after staff approve the profile.",
        request=SignUpSerializer,
        responses={201: CodeSentSerializer},
        examples=[
            OpenApiExample(
                "Learner",
                value={
                    "role": "learner",
                    "email": "asha@example.com",
                    "password": "a long passphrase",
                    "name": "Asha Rao",
                    "interests": ["Python", "Data Science"],
                },
            ),
            OpenApiExample(
                "Mentor",
                value={
                    "role": "mentor",
                    "email": "ravi@example.com",
                    "password": "another long passphrase",
                    "name": "Ravi Kumar",
                    "domains": ["Programming"],
                    "skills": ["Python", "Django"],
                    "bio": "Ten years of building web apps.",
                },
            ),
        ],
        tags=["auth"],
    )
    def post(self, request):
        data = SignUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        form = SignupForm(
            data={
                "role": given["role"],
                "email": given["email"],
                "password1": given["password"],
                "name": given["name"],
                "interests": ", ".join(given.get("interests", [])),
                "career_goals": given.get("career_goals", ""),
                "domains": ", ".join(given.get("domains", [])),
                "skills": ", ".join(given.get("skills", [])),
                "bio": given.get("bio", ""),
                # An app shows its own hints; the website's "did you mean…" round trip is not needed.
                "suggestions_seen": "on",
            }
        )
        if not form.is_valid():
            raise _form_errors(form, {"password1": "password"})
        django_request = request._request
        try:
            with transaction.atomic():
                user = form.save(django_request)
                codes.code_send(request=django_request, user=user, purpose=codes.Purpose.VERIFY_EMAIL)
        except IntegrityError:  # the same address signed up at the same moment
            raise ValidationError({"email": [get_adapter().error_messages["email_taken"]]}) from None
        body = {"email": user.email, "detail": CODE_SENT.format(email=user.email)}
        return Response(body, status=status.HTTP_201_CREATED)


def _unconfirmed(email: str) -> User:
    """The active account of ``email`` that still waits for its address to be confirmed."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationError({"email": [get_adapter().error_messages["unknown_email"]]})
    if user.registered_at is not None:
        raise Conflict(ALREADY_CONFIRMED, code="already_confirmed")
    return user


class EmailVerifyView(TokenView):
    """``POST /api/v1/auth/email/verify/``."""

    problem_statuses = {"POST": (409,)}
    throttle_classes = SIGN_IN_THROTTLES

    @extend_schema(
        operation_id="auth_email_verify",
        summary="Confirm your address with the emailed code, and sign in",
        description="Three wrong codes, or 15 minutes, and the code stops working: ask for a new one at "
        "`/auth/email/code/`.",
        request=EmailCodeSerializer,
        responses={200: TokenPairSerializer},
        examples=[OpenApiExample("Code", value={"email": "asha@example.com", "code": "KXRT-MPWD"})],
        tags=["auth"],
    )
    def post(self, request):
        data = EmailCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = _unconfirmed(data.validated_data["email"])
        codes.code_use(user=user, purpose=codes.Purpose.VERIFY_EMAIL, code=data.validated_data["code"])
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is None:
            address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
        # allauth's own confirmation: the same signal the website sends, so registration completes once.
        get_adapter(request._request).confirm_email(request._request, address)
        user.refresh_from_db()
        return signed_in(user)


class EmailCodeView(TokenView):
    """``POST /api/v1/auth/email/code/``."""

    problem_statuses = {"POST": (409,)}
    throttle_classes = SIGN_IN_THROTTLES

    @extend_schema(
        operation_id="auth_email_code",
        summary="Email a new code to confirm your address",
        description="The code sent before stops working. At most one code a minute (429 before that).",
        request=EmailSerializer,
        responses={202: CodeSentSerializer},
        examples=[OpenApiExample("Again", value={"email": "asha@example.com"})],
        tags=["auth"],
    )
    def post(self, request):
        data = EmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = _unconfirmed(data.validated_data["email"])
        try:
            codes.code_send(request=request._request, user=user, purpose=codes.Purpose.VERIFY_EMAIL)
        except codes.CodeTooSoon as exc:
            raise _too_soon(exc) from None
        body = {"email": user.email, "detail": CODE_SENT.format(email=user.email)}
        return Response(body, status=status.HTTP_202_ACCEPTED)


# --- Passwords ------------------------------------------------------------------------------------


class PasswordResetSerializer(EmailCodeSerializer):
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class PasswordResetView(TokenView):
    """``POST /api/v1/auth/password/reset/``."""

    throttle_classes = SIGN_IN_THROTTLES

    @extend_schema(
        operation_id="auth_password_reset",
        summary="Email a code to set a new password",
        description="As on the website's “Forgot password?”: an address with no account is told so. "
        "At most one code a minute (429 before that).",
        request=EmailSerializer,
        responses={202: CodeSentSerializer},
        examples=[OpenApiExample("Forgot", value={"email": "asha@example.com"})],
        tags=["auth"],
    )
    def post(self, request):
        data = EmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        form = ResetPasswordForm(data={"email": data.validated_data["email"]})
        if not form.is_valid():
            raise _form_errors(form, {})
        user = form.users[0]
        try:
            codes.code_send(request=request._request, user=user, purpose=codes.Purpose.RESET_PASSWORD)
        except codes.CodeTooSoon as exc:
            raise _too_soon(exc) from None
        body = {"email": user.email, "detail": RESET_CODE_SENT.format(email=user.email)}
        return Response(body, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(TokenView):
    """``POST /api/v1/auth/password/reset/confirm/``."""

    throttle_classes = SIGN_IN_THROTTLES

    @extend_schema(
        operation_id="auth_password_reset_confirm",
        summary="Set a new password with the emailed code",
        description="Every token handed out before stops working (the app signs in again with the new "
        "password). The code stops working after three wrong tries or a few minutes.",
        request=PasswordResetSerializer,
        responses={204: None},
        examples=[
            OpenApiExample(
                "New password", value={"email": "asha@example.com", "code": "KXRT-MPWD", "password": "a new passphrase"}
            )
        ],
        tags=["auth"],
    )
    def post(self, request):
        data = PasswordResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        form = ResetPasswordForm(data={"email": data.validated_data["email"]})
        if not form.is_valid():
            raise _form_errors(form, {})
        user = form.users[0]
        adapter = get_adapter(request._request)
        try:
            password = adapter.clean_password(data.validated_data["password"], user=user)
        except forms.ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        codes.code_use(user=user, purpose=codes.Purpose.RESET_PASSWORD, code=data.validated_data["code"])
        user_password_change(user=user, password=password)
        # What the website's reset does after the new password: allauth's signal and its notice email.
        allauth_signals.password_reset.send(sender=User, request=request._request, user=user)
        adapter.send_notification_mail("account/email/password_reset", user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(max_length=4096, trim_whitespace=False)
    new_password = serializers.CharField(max_length=4096, trim_whitespace=False)


class PasswordChangeView(APIView):
    """``POST /api/v1/me/password/``."""

    throttle_classes = SIGN_IN_THROTTLES

    @extend_schema(
        operation_id="me_password_change",
        summary="Change your password",
        description="As on the Security tab. Every other signed-in app and browser of yours is signed out; "
        "this app gets a new token pair in the answer.",
        request=PasswordChangeSerializer,
        responses={200: TokenPairSerializer},
        examples=[
            OpenApiExample(
                "Change", value={"current_password": "a long passphrase", "new_password": "a new passphrase"}
            )
        ],
        tags=["me"],
    )
    def post(self, request):
        data = PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new = data.validated_data["new_password"]
        form = PasswordChangeForm(
            user=request.user,
            data={"oldpassword": data.validated_data["current_password"], "password1": new, "password2": new},
        )
        if not form.is_valid():
            raise _form_errors(form, {"oldpassword": "current_password", "password1": "new_password"})
        user_password_change(user=request.user, password=form.cleaned_data["password1"])
        return Response(token_pair(request.user))


# --- Two-factor ---------------------------------------------------------------------------------


class TwoFactorStatusSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="Sign-in asks for a code from the authenticator app.")
    setup_started = serializers.BooleanField(help_text="A set-up waits for its first code at `confirm/`.")
    recovery_codes_left = serializers.IntegerField(help_text="Unused one-time recovery codes.")


class TwoFactorSetupSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The key to type into the authenticator app (base32).")
    otpauth_uri = serializers.CharField(help_text="The same key as an `otpauth://` link that apps open.")
    qr_code = serializers.CharField(help_text="The link as a QR code: an SVG `data:` URI for an image.")


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64, help_text="The 6 digits the authenticator app shows now.")


class RecoveryCodesSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), help_text="Shown once: each works once in place of the app's code."
    )
    detail = serializers.CharField()


def _two_factor_status(user: User) -> dict:
    state = two_factor_status_get(user=user)
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return {
        "enabled": state.device is not None,
        "setup_started": state.pending is not None,
        "recovery_codes_left": left,
    }


def _refused(exc) -> Conflict:
    return Conflict(" ".join(exc.messages), code=getattr(exc, "code", None) or "conflict")


def _wrong_code(exc) -> ValidationError:
    return ValidationError({"code": exc.messages})


class TwoFactorView(APIView):
    """``GET /api/v1/me/two-factor/``."""

    @extend_schema(
        operation_id="me_two_factor_get",
        summary="Whether two-factor sign-in is on",
        responses={200: TwoFactorStatusSerializer},
        tags=["me"],
    )
    def get(self, request):
        return Response(_two_factor_status(request.user))


class TwoFactorSetupView(APIView):
    """``POST``/``DELETE /api/v1/me/two-factor/setup/``."""

    problem_statuses = {"POST": (409,)}

    @extend_schema(
        operation_id="me_two_factor_setup",
        summary="Start turning two-factor on: a new key for the authenticator app",
        description="Nothing changes at sign-in until the app's first code is sent to `confirm/`. "
        "Starting again replaces an unfinished set-up.",
        request=None,
        responses={201: TwoFactorSetupSerializer},
        tags=["me"],
    )
    def post(self, request):
        try:
            device = totp_device_start(user=request.user)
        except forms.ValidationError as exc:
            raise _refused(exc) from None
        uri = two_factor.provisioning_uri(device, account=request.user.email)
        body = {
            "secret": two_factor.secret_base32(device, grouped=False),
            "otpauth_uri": uri,
            "qr_code": two_factor.qr_code_data_uri(uri),
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="me_two_factor_setup_cancel",
        summary="Drop an unfinished two-factor set-up",
        responses={204: None},
        tags=["me"],
    )
    def delete(self, request):
        totp_device_cancel(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TwoFactorConfirmView(APIView):
    """``POST /api/v1/me/two-factor/confirm/``."""

    problem_statuses = {"POST": (409,)}

    @extend_schema(
        operation_id="me_two_factor_confirm",
        summary="Turn two-factor on with the app's first code; get recovery codes",
        description="From now on signing in asks for a code. The answer holds ten one-time recovery codes, "
        "shown this once: keep them where the phone is not.",
        request=CodeSerializer,
        responses={200: RecoveryCodesSerializer},
        examples=[OpenApiExample("Code", value={"code": "123456"})],
        tags=["me"],
    )
    def post(self, request):
        data = CodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if two_factor_status_get(user=request.user).device is not None:
            raise Conflict("Two-factor is already on.", code="already_on")
        try:
            totp_device_confirm(user=request.user, token=data.validated_data["code"])
        except forms.ValidationError as exc:
            if exc.code == "not_started":
                raise _refused(exc) from None
            raise _wrong_code(exc) from None
        codes_made = recovery_codes_generate(user=request.user)
        return Response({"recovery_codes": codes_made, "detail": "Two-factor is on."})


class TwoFactorDisableView(APIView):
    """``POST /api/v1/me/two-factor/disable/``."""

    problem_statuses = {"POST": (409,)}

    @extend_schema(
        operation_id="me_two_factor_disable",
        summary="Turn two-factor off",
        description="Needs a current code from the app; the recovery codes stop working too. Staff keep theirs (409).",
        request=CodeSerializer,
        responses={204: None},
        examples=[OpenApiExample("Code", value={"code": "123456"})],
        tags=["me"],
    )
    def post(self, request):
        data = CodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            totp_device_remove(user=request.user, token=data.validated_data["code"])
        except forms.ValidationError as exc:
            if exc.code in ("staff_keep_two_factor", "already_off"):
                raise _refused(exc) from None
            raise _wrong_code(exc) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecoveryCodesView(APIView):
    """``POST /api/v1/me/two-factor/recovery-codes/``."""

    problem_statuses = {"POST": (409,)}

    @extend_schema(
        operation_id="me_recovery_codes_regenerate",
        summary="New recovery codes in place of the old ones",
        description="Needs a current code from the app. The earlier recovery codes stop working.",
        request=CodeSerializer,
        responses={200: RecoveryCodesSerializer},
        examples=[OpenApiExample("Code", value={"code": "123456"})],
        tags=["me"],
    )
    def post(self, request):
        data = CodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            codes_made = recovery_codes_regenerate(user=request.user, token=data.validated_data["code"])
        except forms.ValidationError as exc:
            if exc.code == "off":
                raise _refused(exc) from None
            raise _wrong_code(exc) from None
        return Response({"recovery_codes": codes_made, "detail": "New recovery codes: the old ones no longer work."})


urlpatterns = [
    path("auth/signup/", SignUpView.as_view(), name="signup"),
    path("auth/email/verify/", EmailVerifyView.as_view(), name="email-verify"),
    path("auth/email/code/", EmailCodeView.as_view(), name="email-code"),
    path("auth/password/reset/", PasswordResetView.as_view(), name="password-reset"),
    path("auth/password/reset/confirm/", PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("me/password/", PasswordChangeView.as_view(), name="me-password"),
    path("me/two-factor/", TwoFactorView.as_view(), name="me-two-factor"),
    path("me/two-factor/setup/", TwoFactorSetupView.as_view(), name="me-two-factor-setup"),
    path("me/two-factor/confirm/", TwoFactorConfirmView.as_view(), name="me-two-factor-confirm"),
    path("me/two-factor/disable/", TwoFactorDisableView.as_view(), name="me-two-factor-disable"),
    path("me/two-factor/recovery-codes/", RecoveryCodesView.as_view(), name="me-recovery-codes"),
]
