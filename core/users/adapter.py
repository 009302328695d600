"""django-allauth adapter: our wording, role dashboards after login, role details on signup."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from core.mail import email_context
from core.users import services


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Same answer for an unknown address and a wrong password.
        "email_password_mismatch": "Invalid credentials: that email and password do not match an account.",
        "email_taken": "Email taken: this address already has an account. Log in, or reset your password.",
        "incorrect_code": "Invalid code. Check the latest email from us, or ask for a new code.",
        "account_inactive": "This account is blocked. Write to support if you think this is a mistake.",
    }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails say PeerLearn and link to SITE_URL (not "Hello from localhost:8101!")."""
        super().send_mail(template_prefix, email, email_context(context))

    def get_login_redirect_url(self, request) -> str:
        return request.user.dashboard_url

    def get_signup_redirect_url(self, request) -> str:
        return request.user.dashboard_url

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        return services.user_create_with_role(
            user=user,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            details=form.role_details,
        )
