"""A throwaway "gifts" plugin for the tests of plugins' notification kinds: it declares a kind
for mentors that offers email and an in-app one for learners, and sends them as a real plugin's
own code would. Like a real plugin it imports ``core.hooks`` and ``core.plugin_api`` only; the
tests register it with the real plugin manager."""

from core import plugin_api
from core.hooks import NotificationType, hookimpl


@hookimpl
def notification_kinds():
    return [
        NotificationType(
            key="gift_received",
            label="Tips you are sent",
            roles=("mentor",),
            email=True,
            refreshes=("earnings_updated", "no_such_kind"),  # an unknown one is dropped
        ),
        NotificationType(
            key="gift_thanked",
            label="Thanks for your gifts",
            roles=("learner",),
            refreshes=("recommended_sessions",),  # one of core's live parts that is not a kind
        ),
    ]


def tell(*, user, kind: str = "gift_received", title: str = "A gift for you", body: str = "", url: str = "/p/gifts/"):
    """What the plugin's view would do once a gift is paid."""
    return plugin_api.notify(user=user, kind=kind, title=title, body=body or "Asha sent you ₹100.", url=url)
