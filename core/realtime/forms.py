"""The Settings tab with the notification choices: the events a person's role is told about,
each in the app and, where an email exists, by email."""

from __future__ import annotations

from django import forms
from django.conf import settings

from core.realtime.models import NotificationKind
from core.realtime.selectors import PreferenceRow
from core.users.forms import SettingsForm
from core.users.models import Role

# The notifications each role is sent (core/realtime/services/event.py says who hears about what).
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
        NotificationKind.MENTOR_PUBLISHED,
    ),
}


class NotificationSettingsForm(SettingsForm):
    """The Settings tab: the timezone and payout fields of ``SettingsForm``, and a checkbox for
    each kind the person's role is sent, in the app and by email.

    Notification checkboxes count only when the form shows them (``notifications_shown``), so a
    post without them never turns everything off.
    """

    notifications_shown = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, preferences: list[PreferenceRow] | None = None, **kwargs):
        kinds = NOTIFICATION_KINDS_BY_ROLE.get(user.role, ())
        # Core's kinds for the role, and the kinds enabled plugins declare for it (``row.roles``).
        self.preference_rows = [row for row in preferences or [] if row.kind in kinds or user.role in row.roles]
        initial = {"notifications_shown": bool(self.preference_rows)}
        for row in self.preference_rows:
            initial[f"notify_{row.kind}_in_app"] = row.in_app
            if row.email is not None:
                initial[f"notify_{row.kind}_email"] = row.email
        super().__init__(*args, user=user, initial=initial, **kwargs)
        for row in self.preference_rows:
            self.fields[f"notify_{row.kind}_in_app"] = forms.BooleanField(
                label=f"{row.label} in the app", required=False
            )
            if row.email is not None:
                self.fields[f"notify_{row.kind}_email"] = forms.BooleanField(
                    label=f"{row.label} by email{' (a daily digest)' if row.digest else ''}", required=False
                )

    @property
    def notification_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField | None, bool]]:
        """``(label, in-app checkbox, email checkbox or None, whether the email is the daily
        digest)`` for each kind shown."""
        return [
            (
                row.label,
                self[f"notify_{row.kind}_in_app"],
                self[f"notify_{row.kind}_email"] if row.email is not None else None,
                row.digest,
            )
            for row in self.preference_rows
        ]

    @property
    def digest_time(self) -> str:
        """When the daily digest goes out, as people read it ("8 am")."""
        hour = settings.NOTIFICATION_DIGEST_HOUR % 24
        return "noon" if hour == 12 else "midnight" if hour == 0 else f"{hour % 12} {'am' if hour < 12 else 'pm'}"

    @property
    def notification_groups(self) -> list[tuple[str, list[tuple]]]:
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
