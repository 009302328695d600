"""The learner's feedback form (1–5 and a comment)."""

from __future__ import annotations

from django import forms

from core.room.feedback import COMMENT_MAX

RATINGS = [(5, "5 — Excellent"), (4, "4 — Good"), (3, "3 — OK"), (2, "2 — Poor"), (1, "1 — Very poor")]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How was the session?",
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose 1 to 5 stars."},
    )
    comment = forms.CharField(
        label="Anything to add?",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "class": "input"}),
        help_text="Your mentor sees your rating and comment.",
    )
