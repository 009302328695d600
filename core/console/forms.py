from __future__ import annotations

from django import forms

from core.console.services import REASON_MAX, REASON_MIN
from core.users.services import REVIEW_NOTE_MAX


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why",
        min_length=REASON_MIN,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required. Kept in the audit trail with your name.",
    )


class MentorDecisionForm(forms.Form):
    mentor = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("approve", "Approve: their sessions go public"), ("reject", "Not yet: ask for changes")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Message to the mentor",
        required=False,
        max_length=REVIEW_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="They read it in the app and by email. Required when you ask for changes.",
    )


class EraseForm(ReasonForm):
    confirm = forms.BooleanField(
        label="I understand this cannot be undone",
        help_text="Their name, email, picture, profile and writing go; money records stay.",
    )
