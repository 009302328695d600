"""People-facing views outside allauth's own: typo suggestions and the profile pages.

The profile pages are three tabs, each a real page (``/profile/``, ``/profile/settings/``,
``/profile/security/``). With htmx a tab link swaps only ``#profile-main`` and pushes the
address; without JavaScript it is an ordinary link. Forms post normally: errors re-render the
tab with what was typed, success redirects back with a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from core.users import selectors, services, two_factor
from core.users.forms import (
    PasswordChangeForm,
    ProfileForm,
    SecondFactorForm,
    SettingsForm,
    TotpCodeForm,
)
from core.users.models import Role
from core.users.suggestions import split_terms, suggest_email, suggest_terms


@require_GET
def suggest(request: HttpRequest) -> JsonResponse:
    """Typo suggestions for the registration form: ``?email=…`` and/or ``?terms=a,b``.

    Answers ``{"email": "a@gmail.com" | null, "terms": {"Pyth": "Python"}}``.
    """
    email = request.GET.get("email", "")[:254]
    terms = split_terms(request.GET.get("terms", "")[:500])
    if not email and not terms:
        return JsonResponse({"error": "Give ?email= or ?terms= to check."}, status=400)
    return JsonResponse({"email": suggest_email(email) if email else None, "terms": suggest_terms(terms)})


# --- Profile pages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    icon: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


STILL_SIGNED_IN = "Password changed. You are still signed in here; other devices are signed out."
TWO_FACTOR_ON = "Two-factor is on. Keep the app: you need a code from it to turn two-factor off."
NEW_RECOVERY_CODES = "New recovery codes made. The old ones no longer work."

TABS = (
    Tab("profile", "Profile", "user-circle", "users:profile-update"),
    Tab("settings", "Settings", "cog-6-tooth", "users:settings-update"),
    Tab("security", "Security", "shield-check", "users:security-update"),
)


def _add_errors(form: Form, exc: ValidationError) -> None:
    """A service's ValidationError onto ``form``: on the field it names, else on the whole form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@method_decorator(never_cache, name="dispatch")
class ProfileTabView(LoginRequiredMixin, View):
    """One tab of the profile pages, for anyone signed in (learners, mentors and staff).

    Never cached: the pages hold personal details and, while two-factor is being set up, its secret.
    """

    tab: str = ""
    template_name: str = ""
    title: str = ""

    def render_tab(self, **context) -> HttpResponse:
        user = self.request.user
        context = {
            "tabs": TABS,
            "tab": self.tab,
            "tab_title": self.title,
            "is_mentor": user.role == Role.MENTOR,
            "is_learner": user.role == Role.LEARNER,
            **context,
        }
        return render(self.request, self.template_name, context)

    def saved(self, text: str, anchor: str = "") -> HttpResponse:
        messages.success(self.request, text)
        return redirect(reverse(next(tab.url_name for tab in TABS if tab.key == self.tab)) + anchor)


class ProfileUpdateView(ProfileTabView):
    """``/profile/``: name and picture; a mentor's bio, domains, skills and intro video; a
    learner's interests and goals."""

    tab, template_name, title = "profile", "users/profile.html", "Profile"

    def _form(self, **kwargs) -> ProfileForm:
        self.profile = selectors.role_profile_get(user=self.request.user)
        return ProfileForm(user=self.request.user, profile=self.profile, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_tab(form=self._form(), profile=self.profile)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                services.profile_update(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    avatar=form.cleaned_data.get("avatar"),
                    remove_avatar=form.cleaned_data.get("remove_avatar", False),
                    details=form.details,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return self.saved("Profile saved")
            request.user.refresh_from_db()
        return self.render_tab(form=form, profile=self.profile)


class SettingsUpdateView(ProfileTabView):
    """``/profile/settings/``: timezone for everyone; the payout destination for mentors.
    ``core.realtime.views.SettingsUpdateView`` serves the tab, with the notification choices."""

    tab, template_name, title = "settings", "users/settings.html", "Settings"
    form_class = SettingsForm

    def form_kwargs(self) -> dict:
        return {}

    def _form(self, **kwargs) -> SettingsForm:
        self.profile = selectors.role_profile_get(user=self.request.user)
        return self.form_class(user=self.request.user, profile=self.profile, **self.form_kwargs(), **kwargs)

    def save(self, form: SettingsForm) -> None:
        services.settings_update(
            user=self.request.user, timezone_name=form.cleaned_data["timezone"], payout=form.payout
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_tab(form=self._form(), profile=self.profile)

    def render_tab(self, **context) -> HttpResponse:
        feed = services.calendar_feed_get_or_create(user=self.request.user)
        context["calendar_url"] = self.request.build_absolute_uri(f"/calendar/{feed.token}.ics")
        return super().render_tab(**context)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(data=request.POST)
        if form.is_valid():
            try:
                self.save(form)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return self.saved("Settings saved")
            request.user.refresh_from_db()
            self.profile = selectors.role_profile_get(user=request.user)
        return self.render_tab(form=form, profile=self.profile)


class SecurityUpdateView(ProfileTabView):
    """``/profile/security/``: change the password; set up or turn off two-factor (TOTP).

    Each form posts an ``action``: ``password``, ``totp-start``, ``totp-confirm``,
    ``totp-cancel``, ``totp-remove`` or ``recovery-regenerate``. Turning two-factor on and
    regenerating show the recovery codes once, in that response.
    """

    tab, template_name, title = "security", "users/security.html", "Security"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_security()

    def render_security(self, password_form=None, totp_form=None, recovery_form=None, recovery_codes=None):
        user = self.request.user
        status = selectors.two_factor_status_get(user=user)
        context = {
            "password_form": password_form or PasswordChangeForm(user=user),
            "totp_form": totp_form or TotpCodeForm(prefix="totp"),
            "recovery_form": recovery_form or TotpCodeForm(prefix="recovery"),
            "recovery_codes": recovery_codes,  # shown once, right after they are made
            "two_factor": status,
        }
        if status.pending is not None and status.device is None:
            uri = two_factor.provisioning_uri(status.pending, account=user.email)
            context.update(
                totp_qr=two_factor.qr_code_data_uri(uri),
                totp_secret=two_factor.secret_base32(status.pending),
                totp_uri=uri,
            )
        return self.render_tab(**context)

    def post(self, request: HttpRequest) -> HttpResponse:
        action = {
            "password": self.password_change,
            "totp-start": self.totp_start,
            "totp-confirm": self.totp_confirm,
            "totp-cancel": self.totp_cancel,
            "totp-remove": self.totp_remove,
            "recovery-regenerate": self.recovery_regenerate,
        }.get(request.POST.get("action", ""))
        if action is None:
            return HttpResponseBadRequest("Unknown action.")
        return action(request)

    def password_change(self, request: HttpRequest) -> HttpResponse:
        form = PasswordChangeForm(user=request.user, data=request.POST)
        if not form.is_valid():
            return self.render_security(password_form=form)
        services.user_password_change(user=request.user, password=form.cleaned_data["password1"])
        # This browser stays signed in; sessions elsewhere end with the old password.
        update_session_auth_hash(request, request.user)
        return self.saved(STILL_SIGNED_IN, "#password")

    def totp_start(self, request: HttpRequest) -> HttpResponse:
        try:
            services.totp_device_start(user=request.user)
        except ValidationError as exc:
            messages.info(request, " ".join(exc.messages))
        return redirect(reverse("users:security-update") + "#two-factor")

    def totp_confirm(self, request: HttpRequest) -> HttpResponse:
        form = TotpCodeForm(request.POST, prefix="totp")
        if form.is_valid():
            try:
                device = services.totp_device_confirm(user=request.user, token=form.cleaned_data["token"])
            except ValidationError as exc:
                form.add_error("token", exc)
            else:
                otp_login(request, device)  # this session has just shown the second factor
                request.session.pop(services.SECOND_FACTOR_PENDING, None)
                codes = services.recovery_codes_generate(user=request.user)
                messages.success(request, TWO_FACTOR_ON)
                # Rendered, not redirected: the codes are in this page only, never stored to show again.
                return self.render_security(recovery_codes=codes)
        return self.render_security(totp_form=form)

    def recovery_regenerate(self, request: HttpRequest) -> HttpResponse:
        form = TotpCodeForm(request.POST, prefix="recovery")
        if form.is_valid():
            try:
                codes = services.recovery_codes_regenerate(user=request.user, token=form.cleaned_data["token"])
            except ValidationError as exc:
                form.add_error("token", exc)
            else:
                messages.success(request, NEW_RECOVERY_CODES)
                return self.render_security(recovery_codes=codes)
        return self.render_security(recovery_form=form)

    def totp_cancel(self, request: HttpRequest) -> HttpResponse:
        services.totp_device_cancel(user=request.user)
        messages.info(request, "Two-factor set-up cancelled.")
        return redirect(reverse("users:security-update") + "#two-factor")

    def totp_remove(self, request: HttpRequest) -> HttpResponse:
        form = TotpCodeForm(request.POST, prefix="totp")
        if form.is_valid():
            try:
                services.totp_device_remove(user=request.user, token=form.cleaned_data["token"])
            except ValidationError as exc:
                form.add_error("token", exc)
            else:
                return self.saved("Two-factor is off.", "#two-factor")
        return self.render_security(totp_form=form)


@never_cache
@login_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    """``/profile/calendar/reset/``: a new secret address for the calendar feed; calendars that
    subscribed to the old one stop getting updates until given the new one."""
    services.calendar_feed_reset(user=request.user)
    messages.success(
        request, "Your calendar has a new address: the old one no longer works. Add the new one to your calendar app."
    )
    return redirect(reverse("users:settings-update") + "#calendar")


@never_cache
@login_required
@require_POST
def welcome_tour_done(request: HttpRequest) -> HttpResponse:
    """``/profile/tour/done/``: the welcome tour was finished or closed; it is not shown again."""
    services.welcome_tour_finish(user=request.user)
    return HttpResponse(status=204)


@never_cache
def two_factor_login(request: HttpRequest) -> HttpResponse:
    """The second step of a login for people with an authenticator app (staff and editors always):
    type the code, or a recovery code."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = ""
    gate = two_factor.second_factor_gate(
        user=request.user, session=request.session, is_verified=request.user.is_verified(), path=next_url
    )
    if gate is two_factor.Gate.SETUP_DUE:
        return redirect(reverse("users:security-update") + "#two-factor")
    if gate is two_factor.Gate.OPEN:
        return HttpResponseRedirect(next_url or request.user.dashboard_url)
    form = SecondFactorForm(request.POST if request.method == "POST" else None, prefix="totp")
    if request.method == "POST" and form.is_valid():
        try:
            services.login_second_factor_verify(request=request, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", exc)
        else:
            return HttpResponseRedirect(next_url or request.user.dashboard_url)
    status = 400 if request.method == "POST" else 200
    return render(request, "account/two_factor.html", {"form": form, "next": next_url}, status=status)
