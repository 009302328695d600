"""Writes about telling people: one module per entity. Import from here.

``notification``: in-app notifications and each person's choices; ``email``: emails, each sent
once (run by the tasks); ``event``: what core's events tell whom (the only services that queue
the email tasks); ``reminder``: reminders before a session and the summary after it.
"""

from core.realtime.services.email import (
    booking_email_send,
    mentor_approval_email_send,
    notification_email_send,
    payment_email_send,
    withdrawal_email_send,
)
from core.realtime.services.event import (
    booking_confirmation_notify,
    booking_rejection_notify,
    booking_request_notify,
    chat_message_notify,
    dispute_open_notify,
    dispute_settle_notify,
    mentor_approval_notify,
    mentor_not_approved_notify,
    payment_capture_notify,
    payment_refund_notify,
    session_published_notify,
    withdrawal_settle_notify,
)
from core.realtime.services.notification import (
    notification_broadcast,
    notification_mark_read,
    notification_preferences_update,
    notification_send,
    notification_settings_update,
    notifications_erase,
    sockets_close,
)
from core.realtime.services.reminder import REMINDERS, session_reminders_send, session_summary_send

__all__ = [
    "REMINDERS",
    "booking_confirmation_notify",
    "booking_email_send",
    "booking_rejection_notify",
    "booking_request_notify",
    "chat_message_notify",
    "dispute_open_notify",
    "dispute_settle_notify",
    "mentor_approval_email_send",
    "mentor_approval_notify",
    "mentor_not_approved_notify",
    "notification_broadcast",
    "notification_email_send",
    "notification_mark_read",
    "notification_preferences_update",
    "notification_send",
    "notification_settings_update",
    "notifications_erase",
    "payment_capture_notify",
    "payment_email_send",
    "payment_refund_notify",
    "session_published_notify",
    "session_reminders_send",
    "session_summary_send",
    "sockets_close",
    "withdrawal_email_send",
    "withdrawal_settle_notify",
]
