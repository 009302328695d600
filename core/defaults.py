"""Core's own hook implementations: the answers every page gets with no plugin enabled."""

from __future__ import annotations

from core.hooks import hookimpl


@hookimpl(trylast=True)
def recommended_sessions(user, limit):
    """With no recommender enabled, core recommends nothing (the panel is left out)."""
    return []


# --- Notifications: who hears about what (in the app now; emails from Celery tasks) ---------
# ``core.realtime.services`` is imported inside each hook: this module is imported while the
# app registry is still loading models (cms.models imports the plugin manager).


@hookimpl
def on_mentor_approval_changed(user, is_approved):
    """The landing shows (or hides) the mentor's sessions at once; an approved mentor hears
    that their sessions are public (in the app, and by email)."""
    from core.mentoring import live
    from core.realtime import services

    live.landing_changed(change="approved" if is_approved else "unapproved")
    if is_approved:
        services.mentor_approval_notify(mentor=user)


@hookimpl
def on_booking_requested(booking):
    """The mentor hears of a new request: "New booking request: <learner> for <session>"."""
    from core.realtime import services

    services.booking_request_notify(booking=booking)


@hookimpl
def on_booking_confirmed(booking):
    """The learner hears that the mentor accepted: "Confirmed: <session> on <date>"; and the
    live room's no-show check and time-out are queued (when due soon; a sweep does the rest)."""
    from core.realtime import services
    from core.room.attendance import session_room_schedule

    services.booking_confirmation_notify(booking=booking)
    session_room_schedule(session=booking.session)


@hookimpl
def on_booking_rejected(booking, reason):
    """The learner hears why their request ended; "Slot taken, try another" is kind slot_taken."""
    from core.realtime import services

    services.booking_rejection_notify(booking=booking, reason=reason)


@hookimpl
def on_payment_captured(payment):
    """A receipt for the learner, and "₹900 earned" for the mentor."""
    from core.realtime import services

    services.payment_capture_notify(payment=payment)


@hookimpl
def on_payment_refunded(payment, amount_paise):
    """The learner hears that their refund was processed."""
    from core.realtime import services

    services.payment_refund_notify(payment=payment, amount_paise=amount_paise)


@hookimpl
def on_withdrawal_settled(withdrawal, payout_status):
    """The mentor hears that their withdrawal was paid out, failed or reversed."""
    from core.realtime import services

    services.withdrawal_settle_notify(withdrawal=withdrawal, payout_status=payout_status)


@hookimpl
def on_session_completed(session):
    """Both people get a summary after the session (in the app and by email, from a task)."""
    from django.db import transaction

    from core.realtime import tasks

    transaction.on_commit(lambda: tasks.session_summary_send_task.delay(session.pk))


@hookimpl
def on_dispute_opened(dispute):
    """Both participants hear that the learner reported a problem and the share is on hold."""
    from core.realtime import services

    services.dispute_open_notify(dispute=dispute)


@hookimpl
def on_dispute_settled(dispute):
    """Both participants hear how staff settled the dispute, and why."""
    from core.realtime import services

    services.dispute_settle_notify(dispute=dispute)
