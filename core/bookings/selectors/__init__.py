"""Reads about bookings, shaped for the pages that show them (each one query or a fixed few).

One module per entity: ``booking`` (a booking's rows and page), ``session`` (sessions as their
bookings make them), ``search`` (public sessions open for booking). Import from here.
"""

from core.bookings.selectors.booking import (
    AfterSession,
    BookingRow,
    LearnerBooking,
    LearnerBookingRow,
    booking_after_session,
    booking_badge,
    booking_count_for_mentor,
    booking_count_open_upcoming_for_learner,
    booking_count_past_for_learner,
    booking_count_pending_for_mentor,
    booking_count_upcoming_for_learner,
    booking_get_for_viewer,
    booking_get_next_for_learner,
    booking_get_of_learner,
    booking_list_for_learner,
    booking_list_for_mentor,
    booking_list_past_for_learner,
    booking_list_pending_for_mentor,
    booking_list_requests_for_learner,
    booking_list_upcoming_for_learner,
    booking_payment_latest,
)
from core.bookings.selectors.search import SessionSearch, session_search_public
from core.bookings.selectors.session import (
    OwnSessionRow,
    SlotState,
    session_count_own_for_mentor,
    session_count_past_for_mentor,
    session_list_own_for_mentor,
    session_list_past_for_mentor,
    session_list_upcoming_for_learner,
    session_slot_state,
)

__all__ = [
    "AfterSession",
    "BookingRow",
    "LearnerBooking",
    "LearnerBookingRow",
    "OwnSessionRow",
    "SessionSearch",
    "SlotState",
    "booking_after_session",
    "booking_badge",
    "booking_count_for_mentor",
    "booking_count_open_upcoming_for_learner",
    "booking_count_past_for_learner",
    "booking_count_pending_for_mentor",
    "booking_count_upcoming_for_learner",
    "booking_get_for_viewer",
    "booking_get_next_for_learner",
    "booking_get_of_learner",
    "booking_list_for_learner",
    "booking_list_for_mentor",
    "booking_list_past_for_learner",
    "booking_list_pending_for_mentor",
    "booking_list_requests_for_learner",
    "booking_list_upcoming_for_learner",
    "booking_payment_latest",
    "session_count_own_for_mentor",
    "session_count_past_for_mentor",
    "session_list_own_for_mentor",
    "session_list_past_for_mentor",
    "session_list_upcoming_for_learner",
    "session_search_public",
    "session_slot_state",
]
