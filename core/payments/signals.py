"""What the payments app tells the app a payment is for (today: a booking), inside its own work.

``core.payments`` sits below ``core.bookings`` and never imports it. When a change of a payment
must move what the payment pays for, payments sends one of these signals *synchronously*, and
the owner of that state (``core.bookings.receivers``) answers. They are internal to core, sent
with ``send`` (not ``send_robust``): a receiver's error rolls the caller's transaction back, so
the two states change together or not at all. Plugins hear of payments through ``core.hooks``.
"""

from __future__ import annotations

import django.dispatch

payment_authorized = django.dispatch.Signal()
"""A payment moved from created to authorized, inside that transaction. Arguments: ``payment``.
A receiver answers True when what it pays for still wants the money (a held booking became a
request); when nobody does, the payment is released (voided) in the same transaction."""

payment_capture_reported = django.dispatch.Signal()
"""The gateway reported a capture (a webhook or the reconciler) that was recorded here: what the
payment is for is made to agree with the money (confirmed, or released and refunded).
Arguments: ``payment``."""

payment_refund_full_allowed = django.dispatch.Signal()
"""Asked before a processed refund is recorded as a full one. Arguments: ``payment``. A
receiver answering False keeps the payment as it is (staff refunded part of it after a dispute,
and that part was recorded by the service that made it)."""

payment_refunds_due = django.dispatch.Signal()
"""Asked by the reconciler: which of ``payments`` (captured, with no refund on record) should have
been refunded before ``cutoff``? Each receiver answers a queryset of them."""

payment_refund_retry = django.dispatch.Signal()
"""The reconciler retries the refund of a due ``payment``. A receiver answering True finished it
the way its owner does (a confirmed booking of a cancelled session: refund, then cancel); when
nobody does, the payment is refunded."""
