"""How bookings follow what other apps tell them. Each receiver calls a service, nothing more.

Payments for a plugin's purpose (a gift) have no booking: the payment receivers leave them alone
(``core.payments`` does not ask about them either; this holds the line from this side too).

``core.payments`` (below bookings) sends its signals synchronously, inside its own transaction,
so a booking and its payment change together; ``core.mentoring`` sends ``session_cancelled``
after its commit, and the bookings of the cancelled session are released and refunded by a task
(it calls the gateway).
"""

from django.db import transaction
from django.dispatch import receiver

from core import hooks
from core.bookings import services, tasks
from core.payments import signals


@receiver(signals.payment_authorized, dispatch_uid="bookings-payment-authorized")
def payment_authorized(sender, payment, **kwargs) -> bool:
    if payment.booking_id is None:
        return False
    return services.booking_payment_taken(payment=payment)


@receiver(signals.payment_capture_reported, dispatch_uid="bookings-payment-capture-reported")
def payment_capture_reported(sender, payment, **kwargs) -> None:
    if payment.booking_id is not None:
        services.booking_settle_captured(payment=payment)


@receiver(signals.payment_refund_full_allowed, dispatch_uid="bookings-payment-refund-full-allowed")
def payment_refund_full_allowed(sender, payment, **kwargs) -> bool:
    if payment.booking_id is None:
        return True
    return services.booking_full_refund_allowed(payment=payment)


@receiver(signals.payment_refunds_due, dispatch_uid="bookings-payment-refunds-due")
def payment_refunds_due(sender, payments, cutoff, **kwargs):
    return services.booking_payments_refund_due(payments=payments.filter(booking__isnull=False), cutoff=cutoff)


@receiver(signals.payment_refund_retry, dispatch_uid="bookings-payment-refund-retry")
def payment_refund_retry(sender, payment, **kwargs) -> bool:
    if payment.booking_id is None:
        return False
    return services.booking_refund_retry(payment=payment)


@receiver(hooks.session_cancelled, dispatch_uid="bookings-session-cancelled")
def session_cancelled(sender, session, **kwargs) -> None:
    """Release every request and refund a confirmed learner in full (a task: it calls the gateway)."""
    transaction.on_commit(lambda: tasks.bookings_cancel_for_session_task.delay(session.pk))
