"""An email backend for tests: Django's test outbox, except that the mail server refuses every
message to an address starting with "bilal@" (the edge of the world we don't control)."""

import smtplib

from django.core.mail.backends import locmem

REFUSED = "bilal@"


class RefusesBilal(locmem.EmailBackend):
    def send_messages(self, messages):
        refused = [address for message in messages for address in message.to if address.startswith(REFUSED)]
        if refused:
            raise smtplib.SMTPRecipientsRefused({address: (550, b"mailbox unavailable") for address in refused})
        return super().send_messages(messages)


BACKEND = f"{__name__}.RefusesBilal"
