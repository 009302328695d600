"""The dashboards' sections, in the order the sidebar and the bottom nav show them.

One list per role; the sidebar shows every section, the mobile bottom nav the first four
plus "More" (the rest, and Log out). Plugins add their own items through ``nav_items``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from core.users.models import Role, User


@dataclass(frozen=True)
class Section:
    """A dashboard section: ``badge`` is the key of a live count (see ``nav_badges``)."""

    key: str
    label: str
    url_name: str
    icon: str
    badge: str = ""

    @property
    def url(self) -> str:
        # A name to reverse, or a fixed path (``/profile/`` is fixed by docs/decisions/0014-pages-and-access.md).
        return self.url_name if self.url_name.startswith("/") else reverse(self.url_name)


MENTOR_SECTIONS = (
    Section("home", "Home", "core:dashboard-mentor", "home"),
    Section("create", "Create session", "core:mentor-session-create", "plus"),
    Section("bookings", "Bookings", "core:mentor-bookings", "book-open", badge="pending"),
    Section("earnings", "Earnings", "core:mentor-earnings", "currency-rupee"),
    Section("withdrawals", "Withdrawals", "core:mentor-withdrawals", "building-library"),
    Section("analytics", "Analytics", "core:mentor-analytics", "chart-bar"),
    Section("profile", "Profile", "/profile/", "user"),
)

LEARNER_SECTIONS = (
    Section("home", "Home", "core:dashboard-learner", "home"),
    Section("browse", "Browse", "core:learner-browse", "magnifying-glass"),
    Section("bookings", "Booked sessions", "core:learner-bookings", "book-open", badge="upcoming"),
    Section("payments", "Payments", "core:learner-payments", "currency-rupee"),
    Section("progress", "Progress", "core:learner-progress", "chart-bar"),
    Section("profile", "Profile", "/profile/", "user"),
)

BOTTOM_NAV_SIZE = 4


def sections_for(user: User) -> tuple[Section, ...]:
    if user.role == Role.MENTOR:
        return MENTOR_SECTIONS
    if user.role == Role.LEARNER:
        return LEARNER_SECTIONS
    return ()
