"""Registration and profile forms. They validate and shape input; services write."""

from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from core.users.models import Role
from core.users.suggestions import split_terms, suggest_email, suggest_terms

MAX_TERMS = 15


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
            self.add_error(
                None,
                "Please check the suggestions below. Accept the ones you like, or submit again to keep what you typed.",
            )
        return cleaned

    def _collect_suggestions(self, cleaned, role) -> None:
        email_suggestion = suggest_email(cleaned.get("email") or self.data.get("email", ""))
        if email_suggestion:
            self.suggestions["email"] = email_suggestion
        fields = ["interests"] if role == Role.LEARNER else ["domains", "skills"] if role == Role.MENTOR else []
        for name in fields:
            found = suggest_terms(cleaned.get(name) or [])
            if found:
                self.suggestions[name] = found

    @property
    def role_details(self) -> dict:
        data = self.cleaned_data
        if data["role"] == Role.LEARNER:
            return {"interests": data["interests"], "career_goals": data["career_goals"]}
        return {"domains": data["domains"], "skills": data["skills"], "bio": data["bio"]}
