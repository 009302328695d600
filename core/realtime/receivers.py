"""Who hears about what: core's own notifications, on the domain signals of ``core.hooks``.

The signals are sent after their transaction commits, with ``send_robust``, so a failing
notification is logged and never undoes (or fails) the change it reports. Each receiver calls
a service, nothing more (emails go out from Celery tasks).
"""

from django.db import transaction
from django.dispatch import receiver

from core import hooks
from core.mentoring import live
from core.realtime import services, tasks
from core.users.models import MentorProfile


@receiver(hooks.mentor_approval_changed, dispatch_uid="realtime-mentor-approval-changed")
def mentor_approval_changed(sender, user, is_approved, **kwargs) -> None:
    """The landing shows (or hides) the mentor's sessions at once; an approved mentor hears
    that their sessions are public, and one staff did not approve hears why (in the app, and by
    email)."""
    live.landing_changed(change="approved" if is_approved else "unapproved")
    if is_approved:
        services.mentor_approval_notify(mentor=user)
    elif MentorProfile.objects.filter(user=user, is_approved=False).exclude(review_note="").exists():
        services.mentor_not_approved_notify(mentor=user)


@receiver(hooks.booking_requested, dispatch_uid="realtime-booking-requested")
def booking_requested(sender, booking, **kwargs) -> None:
    """The mentor hears of a new request: "New booking request: <learner> for <session>"."""
    services.booking_request_notify(booking=booking)


@receiver(hooks.booking_confirmed, dispatch_uid="realtime-booking-confirmed")
def booking_confirmed(sender, booking, **kwargs) -> None:
    """The learner hears that the mentor accepted: "Confirmed: <session> on <date>"."""
    services.booking_confirmation_notify(booking=booking)


@receiver(hooks.booking_rejected, dispatch_uid="realtime-booking-rejected")
def booking_rejected(sender, booking, reason, **kwargs) -> None:
    """The learner hears why their request ended; "Slot taken, try another" is kind slot_taken."""
    services.booking_rejection_notify(booking=booking, reason=reason)


@receiver(hooks.payment_captured, dispatch_uid="realtime-payment-captured")
def payment_captured(sender, payment, **kwargs) -> None:
    """A receipt for the learner, and "₹900 earned" for the mentor."""
    services.payment_capture_notify(payment=payment)


@receiver(hooks.payment_refunded, dispatch_uid="realtime-payment-refunded")
def payment_refunded(sender, payment, amount_paise, **kwargs) -> None:
    """The learner hears that their refund was processed."""
    services.payment_refund_notify(payment=payment, amount_paise=amount_paise)


@receiver(hooks.withdrawal_settled, dispatch_uid="realtime-withdrawal-settled")
def withdrawal_settled(sender, withdrawal, payout_status, **kwargs) -> None:
    """The mentor hears that their withdrawal was paid out, failed or reversed."""
    services.withdrawal_settle_notify(withdrawal=withdrawal, payout_status=payout_status)


@receiver(hooks.session_completed, dispatch_uid="realtime-session-completed")
def session_completed(sender, session, **kwargs) -> None:
    """Both people get a summary after the session (in the app and by email, from a task)."""
    transaction.on_commit(lambda: tasks.session_summary_send_task.delay(session.pk))


@receiver(hooks.dispute_opened, dispatch_uid="realtime-dispute-opened")
def dispute_opened(sender, dispute, **kwargs) -> None:
    """Both participants hear that the learner reported a problem and the share is on hold."""
    services.dispute_open_notify(dispute=dispute)


@receiver(hooks.dispute_settled, dispatch_uid="realtime-dispute-settled")
def dispute_settled(sender, dispute, **kwargs) -> None:
    """Both participants hear how staff settled the dispute, and why."""
    services.dispute_settle_notify(dispute=dispute)


@receiver(hooks.session_created, dispatch_uid="realtime-session-created")
def session_created(sender, session, **kwargs) -> None:
    """The people who follow the mentor hear of the new session (in the app, and by email)."""
    services.session_published_notify(session=session)
