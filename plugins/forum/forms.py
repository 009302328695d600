"""The forum's forms: plain Django forms, so every page works without JavaScript."""

from __future__ import annotations

from django import forms

from plugins.forum import services
from plugins.forum.models import FlagReason

MARKDOWN_HELP = (
    "Markdown works: **bold**, *italic*, `code`, ```fenced code``` with a language, lists, > quotes and links."
)


class ThreadForm(forms.Form):
    title = forms.CharField(
        max_length=services.TITLE_MAX,
        min_length=services.TITLE_MIN,
        help_text="A question or a clear topic: “How do I read a Django traceback?”",
    )
    body = forms.CharField(
        label="Your post",
        max_length=services.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=MARKDOWN_HELP,
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=services.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP,
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(choices=FlagReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(max_length=services.REASON_MAX, required=False, label="Anything the moderators should know")


class ModerateForm(forms.Form):
    action = forms.CharField(max_length=20)
    reason = forms.CharField(max_length=services.REASON_MAX, label="Reason (goes in the moderation log)")
    board = forms.SlugField(required=False)
