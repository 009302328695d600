"""Registration and profile forms. They validate and shape input; services write."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import lru_cache

from allauth.account.forms import ChangePasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator, RegexValidator
from django.template.defaultfilters import filesizeformat
from django.utils import timezone as django_timezone
from django_otp.admin import OTPAdminAuthenticationForm

from core.realtime.models import NotificationKind
from core.users import services
from core.users.models import LearnerProfile, MentorProfile, PayoutKind, Role, User
from core.users.suggestions import split_terms, suggest_email, suggest_terms
from core.users.validators import validate_avatar, validate_intro_video

MAX_TERMS = 15
SUGGESTIONS_NOTICE = (
    "Please check the suggestions below. Accept the ones you like, or submit again to keep what you typed."
)


def term_suggestions(cleaned: dict, names: list[str], known: dict | None = None) -> dict[str, dict[str, str]]:
    """``{field: {typed: suggested}}`` for the terms fields ``names``, leaving out terms in
    ``known[field]`` (what the person saved before and chose to keep)."""
    found = {}
    for name in names:
        kept = {term.casefold() for term in (known or {}).get(name, [])}
        suggestions = suggest_terms([term for term in cleaned.get(name) or [] if term.casefold() not in kept])
        if suggestions:
            found[name] = suggestions
    return found


class TermsField(forms.CharField):
    """Comma-separated words (skills, interests) cleaned to a list of distinct terms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 500)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        terms = split_terms(super().clean(value) or "")
        if len(terms) > MAX_TERMS:
            raise forms.ValidationError(f"Up to {MAX_TERMS}, please; you typed {len(terms)}.")
        if any(len(term) > 50 for term in terms):
            raise forms.ValidationError("Each one at most 50 characters.")
        return terms


class SignupForm(AllauthSignupForm):
    """The plan's registration: role → email, password, name → role details (→ emailed code).

    With JavaScript the three parts show one step at a time; without it they are one page.
    Before the first successful submit, likely typos (gmial.com, Pyth) come back as
    suggestions the person may accept or ignore; submitting again keeps what they typed.
    """

    role = forms.ChoiceField(
        choices=[(Role.LEARNER, "I want to learn"), (Role.MENTOR, "I want to mentor")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose Learner or Mentor to continue."},
    )
    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    # Learner
    interests = TermsField(required=False, help_text="Comma-separated, e.g. Python, Data Science, JEE Preparation")
    career_goals = forms.CharField(required=False, max_length=200)
    # Mentor
    domains = TermsField(required=False, help_text="Broad areas, e.g. Programming, Design")
    skills = TermsField(required=False, help_text="What you teach, e.g. Python, Django, SQL")
    bio = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    suggestions_seen = forms.BooleanField(required=False, widget=forms.HiddenInput)

    field_order = [
        "role",
        "email",
        "password1",
        "name",
        "interests",
        "career_goals",
        "domains",
        "skills",
        "bio",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestions: dict[str, object] = {}
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "placeholder": "you@example.com"})
        self.fields["password1"].help_text = "At least 10 characters, not only numbers, not a common password."

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == Role.LEARNER and not cleaned.get("interests"):
            self.add_error("interests", "Tell us at least one thing you want to learn.")
        if role == Role.MENTOR:
            if not cleaned.get("skills"):
                self.add_error("skills", "Add at least one skill you teach.")
            if not cleaned.get("domains"):
                self.add_error("domains", "Add at least one domain.")
        self._collect_suggestions(cleaned, role)
        if self.suggestions and not cleaned.get("suggestions_seen") and not self.errors:
            self.add_error(None, SUGGESTIONS_NOTICE)
        return cleaned

    def _collect_suggestions(self, cleaned, role) -> None:
        email_suggestion = suggest_email(cleaned.get("email") or self.data.get("email", ""))
        if email_suggestion:
            self.suggestions["email"] = email_suggestion
        fields = ["interests"] if role == Role.LEARNER else ["domains", "skills"] if role == Role.MENTOR else []
        self.suggestions.update(term_suggestions(cleaned, fields))

    @property
    def role_details(self) -> dict:
        data = self.cleaned_data
        if data["role"] == Role.LEARNER:
            return {"interests": data["interests"], "career_goals": data["career_goals"]}
        return {"domains": data["domains"], "skills": data["skills"], "bio": data["bio"]}


# --- Profile pages -----------------------------------------------------------------------------

AVATAR_TYPES = ["jpg", "jpeg", "png", "webp"]
VIDEO_TYPES = ["mp4", "webm", "mov"]


class ProfileForm(forms.Form):
    """The Profile tab: name and picture for everyone, then the role's own details.

    Like registration, likely typos in new skills or interests come back as suggestions the
    person may accept ("Use it") or ignore by saving again; nothing is changed for them.
    """

    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    avatar = forms.ImageField(
        label="Profile picture",
        required=False,
        validators=[FileExtensionValidator(AVATAR_TYPES), validate_avatar],
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_avatar = forms.BooleanField(label="Remove my picture", required=False)
    suggestions_seen = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user: User, profile: LearnerProfile | MentorProfile | None, **kwargs):
        self.user, self.profile = user, profile
        self.known: dict[str, list[str]] = {}
        initial = {"name": user.name}
        super().__init__(*args, initial=initial, **kwargs)
        self.suggestions: dict[str, object] = {}
        limit = settings.MAX_AVATAR_BYTES
        self.fields["avatar"].help_text = f"JPG, PNG or WebP, at most {filesizeformat(limit)}."
        self.fields["avatar"].widget.attrs["data-max-bytes"] = limit
        if user.role == Role.LEARNER:
            self.fields["interests"] = TermsField(
                label="Interests",
                help_text="Comma-separated, e.g. Python, Data Science, JEE Preparation",
            )
            self.fields["career_goals"] = forms.CharField(
                label="Your goals", required=False, max_length=200, help_text="e.g. Get my first job as a developer"
            )
            self.known = {"interests": list(profile.interests) if profile else []}
            self.initial.update(
                interests=", ".join(self.known["interests"]), career_goals=profile.career_goals if profile else ""
            )
        elif user.role == Role.MENTOR:
            self.fields["bio"] = forms.CharField(
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text="Who you are and how you teach. Learners read this before they book.",
            )
            self.fields["domains"] = TermsField(help_text="Broad areas, e.g. Programming, Design")
            self.fields["skills"] = TermsField(help_text="What you teach, e.g. Python, Django, SQL")
            limit = settings.MAX_INTRO_VIDEO_BYTES
            self.fields["intro_video"] = forms.FileField(
                label="Intro video",
                required=False,
                validators=[FileExtensionValidator(VIDEO_TYPES), validate_intro_video],
                help_text=f"A short hello to learners: MP4, WebM or MOV, at most {filesizeformat(limit)}.",
                widget=forms.FileInput(
                    attrs={"accept": "video/mp4,video/webm,video/quicktime", "data-max-bytes": limit}
                ),
            )
            self.fields["remove_intro_video"] = forms.BooleanField(label="Remove my intro video", required=False)
            self.known = {
                "domains": list(profile.domains) if profile else [],
                "skills": list(profile.skills) if profile else [],
            }
            self.initial.update(
                bio=profile.bio if profile else "",
                domains=", ".join(self.known["domains"]),
                skills=", ".join(self.known["skills"]),
            )

    @property
    def terms_fields(self) -> list[str]:
        return [name for name in ("interests", "domains", "skills") if name in self.fields]

    def clean(self):
        cleaned = super().clean()
        if self.user.role == Role.LEARNER and "interests" in cleaned and not cleaned["interests"]:
            self.add_error("interests", "Tell us at least one thing you want to learn.")
        if self.user.role == Role.MENTOR:
            for name, message in (("domains", "Add at least one domain."), ("skills", "Add at least one skill.")):
                if name in cleaned and not cleaned[name]:
                    self.add_error(name, message)
        self.suggestions.update(term_suggestions(cleaned, self.terms_fields, known=self.known))
        if self.suggestions and not cleaned.get("suggestions_seen") and not self.errors:
            self.add_error(None, SUGGESTIONS_NOTICE)
        return cleaned

    @property
    def details(self) -> dict:
        """The role's details as ``services.profile_update`` takes them."""
        data = self.cleaned_data
        if self.user.role == Role.LEARNER:
            return {"interests": data["interests"], "career_goals": data["career_goals"]}
        if self.user.role == Role.MENTOR:
            return {
                "bio": data["bio"],
                "domains": data["domains"],
                "skills": data["skills"],
                "intro_video": data.get("intro_video"),
                "remove_intro_video": data.get("remove_intro_video", False),
            }
        return {}


DEFAULT_TIMEZONE = "Asia/Kolkata"
_REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


def _utc_offset(name: str, now: datetime) -> str:
    offset = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@lru_cache(maxsize=4)
def _timezone_choices_for(hour: str) -> tuple:
    now = datetime.fromisoformat(hour)
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(zoneinfo.available_timezones()):
        region, _, place = name.partition("/")
        if region not in _REGIONS or not place:
            continue
        label = f"{place.replace('_', ' ').replace('/', ' / ')} ({_utc_offset(name, now)})"
        groups.setdefault(region, []).append((name, label))
    return (("UTC", (("UTC", "UTC (UTC+00:00)"),)), *((region, tuple(items)) for region, items in groups.items()))


def timezone_choices(current: str = "") -> list:
    """Every region's timezones as ``<optgroup>`` choices, labelled with today's UTC offset
    ("Kolkata (UTC+05:30)"). An older name someone has saved (e.g. US/Eastern) stays on offer."""
    hour = django_timezone.now().replace(minute=0, second=0, microsecond=0).isoformat()
    choices = [(region, list(items)) for region, items in _timezone_choices_for(hour)]
    listed = {name for _, items in choices for name, _ in items}
    if current and current not in listed and current in zoneinfo.available_timezones():
        choices.append(("Other", [(current, current)]))
    return choices


# The notifications each role is sent (core/realtime/services.py says who hears about what).
NOTIFICATION_KINDS_BY_ROLE = {
    Role.MENTOR: (
        NotificationKind.BOOKING_REQUESTED,
        NotificationKind.EARNINGS_UPDATED,
        NotificationKind.SESSION_STARTING,
        NotificationKind.SESSION_SUMMARY,
        NotificationKind.CHAT_MESSAGE,
    ),
    Role.LEARNER: (
        NotificationKind.BOOKING_CONFIRMED,
        NotificationKind.BOOKING_REJECTED,
        NotificationKind.SLOT_TAKEN,
        NotificationKind.PAYMENT_CAPTURED,
        NotificationKind.PAYMENT_REFUNDED,
        NotificationKind.SESSION_STARTING,
        NotificationKind.SESSION_SUMMARY,
        NotificationKind.CHAT_MESSAGE,
    ),
}


class SettingsForm(forms.Form):
    """The Settings tab: timezone for everyone; a mentor's payout destination (bank or UPI);
    notification choices (in the app / by email) for the events a person's role is told about.

    The payout fields are checked by ``services.payout_destination_update`` with the same
    validators the withdrawal uses; the view puts its errors on these fields. Notification
    checkboxes count only when the form shows them (``notifications_shown``), so a post
    without them never turns everything off.
    """

    timezone = forms.ChoiceField(
        label="Time zone",
        help_text="Session times, reminders and statements show in this time zone.",
    )
    notifications_shown = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        user: User,
        profile: LearnerProfile | MentorProfile | None,
        preferences: list | None = None,
        **kwargs,
    ):
        self.user, self.profile = user, profile
        initial = {"timezone": user.timezone or DEFAULT_TIMEZONE}
        mentor = user.role == Role.MENTOR and isinstance(profile, MentorProfile)
        if mentor:
            initial.update(
                payout_kind=profile.payout_kind or PayoutKind.BANK_ACCOUNT,
                payout_account_name=profile.payout_account_name or user.name,
                payout_ifsc=profile.payout_ifsc,
                payout_vpa=profile.payout_vpa,
            )
        kinds = NOTIFICATION_KINDS_BY_ROLE.get(user.role, ())
        # Core's kinds for the role, and the kinds enabled plugins declare for it (``row.roles``).
        self.preference_rows = [row for row in preferences or [] if row.kind in kinds or user.role in row.roles]
        for row in self.preference_rows:
            initial[f"notify_{row.kind}_in_app"] = row.in_app
            if row.email is not None:
                initial[f"notify_{row.kind}_email"] = row.email
        initial["notifications_shown"] = bool(self.preference_rows)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["timezone"].choices = timezone_choices(user.timezone)
        for row in self.preference_rows:
            self.fields[f"notify_{row.kind}_in_app"] = forms.BooleanField(
                label=f"{row.label} in the app", required=False
            )
            if row.email is not None:
                self.fields[f"notify_{row.kind}_email"] = forms.BooleanField(
                    label=f"{row.label} by email", required=False
                )
        self.has_payout = mentor
        if mentor:
            saved_number = profile.payout_account_number
            self.fields["payout_kind"] = forms.ChoiceField(
                label="Send my withdrawals to",
                choices=PayoutKind.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields["payout_account_name"] = forms.CharField(
                label="Account holder's name",
                max_length=100,
                required=False,
                help_text="As the bank or UPI app has it.",
            )
            self.fields["payout_ifsc"] = forms.CharField(
                label="IFSC",
                max_length=11,
                required=False,
                help_text="11 characters, e.g. HDFC0001234. It is on your cheque book or bank app.",
                widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
            )
            self.fields["payout_account_number"] = forms.CharField(
                label="Account number",
                max_length=30,
                required=False,
                help_text=(
                    f"Saved: {profile.payout_account_number_masked}. Leave empty to keep it, or type a new one."
                    if saved_number
                    else "9 to 18 digits."
                ),
                # Never sent back to the browser once saved; the page shows ••••1234 instead.
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "numeric",
                        "autocomplete": "off",
                        "spellcheck": "false",
                        **({"placeholder": profile.payout_account_number_masked} if saved_number else {}),
                    }
                ),
            )
            self.fields["payout_vpa"] = forms.CharField(
                label="UPI address",
                max_length=255,
                required=False,
                help_text="Looks like name@bank, e.g. asha@okhdfcbank.",
                widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false", "inputmode": "email"}),
            )

    @property
    def notification_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField | None]]:
        """``(label, in-app checkbox, email checkbox or None)`` for each kind shown."""
        return [
            (
                row.label,
                self[f"notify_{row.kind}_in_app"],
                self[f"notify_{row.kind}_email"] if row.email is not None else None,
            )
            for row in self.preference_rows
        ]

    @property
    def notification_groups(self) -> list[tuple[str, list[tuple[str, forms.BoundField, forms.BoundField | None]]]]:
        """``notification_rows`` under their headings: core's first (heading ""), then each
        plugin's kinds under the plugin's name."""
        groups: dict[str, list] = {}
        for row, line in zip(self.preference_rows, self.notification_rows, strict=True):
            groups.setdefault(row.group, []).append(line)
        return list(groups.items())

    @property
    def notifications(self) -> dict[str, dict[str, bool]] | None:
        """The choices for ``notification_preferences_update``, or None when none were on the form."""
        if not self.preference_rows or not self.cleaned_data.get("notifications_shown"):
            return None
        prefs = {}
        for row in self.preference_rows:
            prefs[row.kind] = {"in_app": self.cleaned_data[f"notify_{row.kind}_in_app"]}
            if row.email is not None:
                prefs[row.kind]["email"] = self.cleaned_data[f"notify_{row.kind}_email"]
        return prefs

    def payout_fields_typed(self) -> bool:
        data = self.cleaned_data
        return any(data.get(name) for name in ("payout_ifsc", "payout_account_number", "payout_vpa"))

    @property
    def payout(self) -> dict | None:
        """The payout destination for ``services.settings_update``, or None to leave it as it is
        (a mentor who has saved none and typed nothing)."""
        if not self.has_payout:
            return None
        data = self.cleaned_data
        kind = data.get("payout_kind") or ""
        if not self.profile.payout_kind and not self.payout_fields_typed():
            return None
        number = data.get("payout_account_number", "")
        if kind == PayoutKind.BANK_ACCOUNT and not number.strip():
            number = self.profile.payout_account_number  # "leave empty to keep it"
        return {
            "kind": kind,
            "account_name": data.get("payout_account_name", ""),
            "ifsc": data.get("payout_ifsc", ""),
            "account_number": number,
            "vpa": data.get("payout_vpa", ""),
        }


class DigitsField(forms.CharField):
    """Digits as typed with spaces ("123 456"), cleaned to the digits alone."""

    def to_python(self, value):
        return "".join(super().to_python(value).split())


class TotpCodeForm(forms.Form):
    """A 6-digit code from the authenticator app (spaces allowed: "123 456")."""

    token = DigitsField(
        label="6-digit code",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"[0-9 ]{6,7}",
                "placeholder": "123456",
                "spellcheck": "false",
            }
        ),
        validators=[RegexValidator(r"^\d{6}$", "Type the 6 digits your app shows.")],
        error_messages={"required": "Type the 6 digits your app shows."},
    )


class SecondFactorForm(forms.Form):
    """The code at login: 6 digits from the app, or one of the recovery codes ("abcd-efgh")."""

    token = forms.CharField(
        label="6-digit code or recovery code",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "placeholder": "123456",
                "spellcheck": "false",
            }
        ),
        help_text="Lost your phone? Type one of the recovery codes you saved when you set up two-factor.",
        error_messages={"required": "Type the 6 digits your app shows, or a recovery code."},
    )


class AdminLoginForm(OTPAdminAuthenticationForm):
    """Django admin's login: email, password and code in one submit.

    django-otp's form wants a device picked from a list it shows only after a first submit with
    the right password, so the first submit always failed ("Please select a device"), and its
    re-render put the typed password back into the page. Here the code itself says which device
    it is for (``services.second_factor_check``: six digits, the app; else a recovery code), no
    list is shown, and the password is never rendered back.
    """

    otp_token = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )

    def _chosen_device(self, user):
        return None  # the code picks the device: see _verify_token

    def _verify_token(self, user, token, device=None):
        try:
            return services.second_factor_check(user=user, token=token)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages[0], code="invalid_token") from exc

    def _update_form(self, user):
        """django-otp fills the device list and renders the password back; neither here."""


class PasswordChangeForm(ChangePasswordForm):
    """allauth's check of the current password and of the new one, in our words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {"oldpassword": "Current password", "password1": "New password", "password2": "New password again"}
        for name, label in labels.items():
            self.fields[name].label = label
            self.fields[name].widget.attrs.pop("placeholder", None)
        self.fields["password1"].help_text = "At least 10 characters, not only numbers, not a common password."
