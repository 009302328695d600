"""Book and pay the way a learner does, through the offline test-mode gateway."""

from core.bookings.models import Booking
from core.bookings.services import booking_checkout_start, booking_payment_authorize
from core.payments.models import Payment
from core.testmode import services as testmode
from core.testmode.models import TestOrder


def pay(booking: Booking) -> tuple[str, str]:
    """What the learner does in checkout: pay, and hand back Checkout's answer."""
    payment = Payment.objects.get(booking=booking)
    paid = testmode.payment_authorize(order=TestOrder.objects.get(pk=payment.razorpay_order_id))
    return paid.id, testmode.checkout_signature(order_id=payment.razorpay_order_id, payment_id=paid.id)


def book_and_pay(session, learner) -> Booking:
    booking, _payment, _order = booking_checkout_start(session=session, learner=learner)
    payment_id, signature = pay(booking)
    return booking_payment_authorize(booking=booking, payment_id=payment_id, signature=signature)
