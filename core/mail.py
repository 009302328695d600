"""Email: the embedded default's backend, which prints each message readably in the terminal,
and the site every email names and links to (``SITE_URL``, never the request's host)."""

import sys
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
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


# --- What every email says about where it comes from -----------------------------------------


@dataclass(frozen=True)
class EmailSite:
    """Stands in for django.contrib.sites' Site in allauth's emails: PeerLearn at ``SITE_URL``,
    whatever host the request that caused the email came in on."""

    name: str
    domain: str
    url: str

    def __str__(self) -> str:
        return self.domain


def email_site() -> EmailSite:
    url = settings.SITE_URL.rstrip("/")
    return EmailSite(name="PeerLearn", domain=urlsplit(url).netloc, url=url)


def email_url(url: str) -> str:
    """``url`` (a path, or an absolute URL built from the request's host) on ``SITE_URL``."""
    parts, base = urlsplit(url), urlsplit(settings.SITE_URL)
    return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + parts.path, parts.query, parts.fragment))


def email_context(context: dict) -> dict:
    """An allauth email's context with PeerLearn as its site and every ``*_url`` on ``SITE_URL``."""
    fixed = {key: email_url(value) for key, value in context.items() if key.endswith("_url") and value}
    return {**context, **fixed, "current_site": email_site()}
