"""A throwaway "tip jar" plugin for the tests of payments for a plugin's purpose: it declares the
purpose ``tip`` and records the payment events it hears. Like a real plugin it imports
``core.hooks`` and ``core.plugin_api`` only; the tests register it with the real plugin manager."""

from core import plugin_api
from core.hooks import PaymentPurpose, hookimpl

HEARD: list[tuple[str, object, int | None]] = []


def tip_start(*, learner, mentor, rupees: int, reference: str = "tip-1"):
    """What the plugin's own view would do when a learner tips."""
    return plugin_api.payment_start(
        purpose="tip",
        reference=reference,
        payer=learner,
        payee=mentor,
        price_paise=rupees * 100,
        description=f"A tip for {mentor.name}",
        return_url="/dashboard/learner/",
    )


@hookimpl
def payment_purposes():
    return [PaymentPurpose(slug="tip", label="Tip jar")]


@hookimpl
def on_payment_captured(payment):
    if payment.purpose == "tip":
        HEARD.append(("captured", payment, None))


@hookimpl
def on_payment_refunded(payment, amount_paise):
    if payment.purpose == "tip":
        HEARD.append(("refunded", payment, amount_paise))
