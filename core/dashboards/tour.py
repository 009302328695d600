"""The welcome tour: a few short steps on a person's first visit to their dashboard, for their
role, pointing at the places they will use. Shown until they finish or close it, then never again
(``User.welcome_tour_done_at``). Every step says only what the product does."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from core.users.models import Role, User


@dataclass(frozen=True)
class TourStep:
    title: str
    text: str
    target: str = ""  # a CSS selector of what the step points at ("" for none)


def _learner(user: User) -> list[TourStep]:
    return [
        TourStep(
            f"Welcome to PeerLearn, {user.get_short_name()}",
            "A quick look around: five short steps. Close it any time with Escape.",
        ),
        TourStep(
            "Find a session",
            "Browse live one-to-one sessions by topic, see each mentor's verified rating, then book and pay in "
            "rupees. Your payment is held, and taken only when the mentor accepts.",
            '[data-section="browse"]',
        ),
        TourStep(
            "Your sessions",
            "Everything you booked is here. The live room opens 10 minutes before the start: join from here.",
            '[data-section="bookings"]',
        ),
        TourStep(
            "Stay in the loop",
            "The bell tells you at once when a mentor answers, a session is about to start, or a mentor you "
            "follow publishes a new session.",
            "[data-notifications]",
        ),
        TourStep(
            "Make it yours",
            "Add your interests in your profile so we can suggest sessions. In Settings you choose your "
            "notifications and get a link that puts your sessions in your own calendar.",
            '[data-section="profile"]',
        ),
    ]


def _mentor(user: User) -> list[TourStep]:
    return [
        TourStep(
            f"Welcome to PeerLearn, {user.get_short_name()}",
            "A quick look around: five short steps. Close it any time with Escape.",
        ),
        TourStep(
            "Publish a session",
            "Set a title, a time and a price. Learners can book it once our team has approved your profile.",
            '[data-section="create"]',
        ),
        TourStep(
            "Answer requests",
            "A learner's payment is held when they book; accept and it is captured, decline and it is released.",
            '[data-section="bookings"]',
        ),
        TourStep(
            "Your earnings",
            "You keep 90 % of each session's price. It becomes yours to withdraw after the session, once the "
            "time to report a problem has passed.",
            '[data-section="earnings"]',
        ),
        TourStep(
            "Get paid",
            "Add a bank account or UPI address in your profile's Settings before your first withdrawal.",
            '[data-section="profile"]',
        ),
    ]


def tour_steps_for(user: User) -> list[dict] | None:
    """The steps of ``user``'s welcome tour (as data for the page's script), or None once it is done."""
    if user.welcome_tour_done_at is not None:
        return None
    steps = _mentor(user) if user.role == Role.MENTOR else _learner(user) if user.role == Role.LEARNER else []
    return [asdict(step) for step in steps] or None
