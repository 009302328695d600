"""A throwaway "club" plugin for the tests of the daily digest: one kind whose email is gathered
into the digest (for learners and mentors, emailed unless turned off) and one emailed at once.
Like a real plugin it imports ``core.hooks`` and ``core.plugin_api`` only."""

from core import plugin_api
from core.hooks import NotificationType, hookimpl


@hookimpl
def notification_kinds():
    return [
        NotificationType(key="club_reply", label="Replies in clubs", email=True, email_default=True, email_digest=True),
        NotificationType(key="club_invite", label="Club invitations", email=True, email_default=True),
    ]


def tell(*, user, kind: str = "club_reply", title: str = "Ravi replied in Python club", url: str = "/p/club/1/"):
    return plugin_api.notify(user=user, kind=kind, title=title, body="Try a window function.", url=url)
