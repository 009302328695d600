"""Email backend of the embedded default: prints each message, readably, in the terminal."""

import sys
import threading

from django.core.mail.backends.base import BaseEmailBackend


class TerminalEmailBackend(BaseEmailBackend):
    """Print the plain-text body of each message (where the one-time code is) to stdout."""

    _lock = threading.RLock()

    def send_messages(self, email_messages) -> int:
        with self._lock:
            for message in email_messages:
                rule = "=" * 72
                sys.stdout.write(
                    f"\n{rule}\n"
                    f"EMAIL to {', '.join(message.to)}\n"
                    f"Subject: {message.subject}\n"
                    f"{rule}\n{message.body}\n{rule}\n\n"
                )
            sys.stdout.flush()
        return len(email_messages)
