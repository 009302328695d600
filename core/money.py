"""All paise arithmetic and formatting. Money is an int of paise; no float ever touches it.

The split (docs/decisions/0002-money-in-paise-and-the-split.md): the learner pays the price plus a platform fee
(``PLATFORM_FEE_PERCENT``); the mentor earns ``MENTOR_SHARE_PERCENT`` of the price; the
platform keeps the rest, so ``amount == mentor_share + app_share`` always.

Rounding (same record): prices are whole rupees, so at the default rates (10 % fee, 90 %
share) nothing rounds. With rates that do not divide a price evenly, the fee rounds half
up, the mentor's share rounds down, and the platform's share is the remainder: at most a
paisa each way, and always visible in the ledger.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings


def _percent_of(paise: int, percent: int | Decimal) -> Fraction:
    """``percent`` % of ``paise``, exactly. Rates are ints or Decimals (``Decimal("12.5")``), never floats."""
    if isinstance(percent, bool) or not isinstance(percent, int | Decimal) or not 0 <= percent <= 100:
        raise ValueError(f"A rate is an int or Decimal percentage from 0 to 100, not {percent!r}.")
    return Fraction(paise) * Fraction(percent) / 100


@dataclass(frozen=True)
class Split:
    price_paise: int
    fee_paise: int
    amount_paise: int  # what the learner pays
    mentor_share_paise: int
    app_share_paise: int


def split(price_paise: int) -> Split:
    """How a session price divides: ₹1,000 → learner pays ₹1,100, mentor ₹900, platform ₹200.

    The fee rounds half up, the mentor's share rounds down, the platform keeps the remainder.
    """
    if not isinstance(price_paise, int) or isinstance(price_paise, bool) or price_paise < 0:
        raise ValueError(f"A price is a non-negative int of paise, not {price_paise!r}.")
    fee = math.floor(_percent_of(price_paise, settings.PLATFORM_FEE_PERCENT) + Fraction(1, 2))
    mentor_share = math.floor(_percent_of(price_paise, settings.MENTOR_SHARE_PERCENT))
    amount = price_paise + fee
    return Split(price_paise, fee, amount, mentor_share, amount - mentor_share)


@dataclass(frozen=True)
class RefundSplit:
    refund_paise: int  # what goes back to the learner
    mentor_paise: int  # taken from the mentor's pending share
    app_paise: int  # taken from the platform's share (its fee and commission)


def refund_split(*, amount_paise: int, mentor_share_paise: int, refund_paise: int) -> RefundSplit:
    """How a partial refund after a dispute divides between the two shares of a payment.

    The rule: each share gives back in proportion to what it took of the payment, so a
    refund of a third takes a third of the mentor's share and a third of the platform's.
    The mentor's part is rounded down, so the platform bears the odd paisa and the mentor
    never gives back more than their proportion: ₹1,100 paid (mentor ₹900, platform ₹200),
    ₹550 refunded → mentor ₹450, platform ₹100. ``mentor + app == refund`` always, and a
    full refund takes each share whole.
    """
    for value in (amount_paise, mentor_share_paise, refund_paise):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"Amounts are ints of paise, not {value!r}.")
    if not 0 <= mentor_share_paise <= amount_paise:
        raise ValueError("The mentor's share is part of the amount paid.")
    if not 0 < refund_paise <= amount_paise:
        raise ValueError(f"A refund is more than ₹0 and at most the {format_inr(amount_paise)} paid.")
    mentor = refund_paise * mentor_share_paise // amount_paise
    return RefundSplit(refund_paise, mentor, refund_paise - mentor)


def split_rounds(price_paise: int | None = None) -> bool:
    """Whether the configured rates leave a fraction of a paisa to round: for ``price_paise``, or
    for some whole-rupee price when none is given (the fee explainer then states the rule).
    Whole-percent rates never do on whole-rupee prices."""
    rates = (settings.PLATFORM_FEE_PERCENT, settings.MENTOR_SHARE_PERCENT)
    if price_paise is None:
        return any(_percent_of(100, rate).denominator != 1 for rate in rates)
    return any(_percent_of(price_paise, rate).denominator != 1 for rate in rates)


def is_whole_rupees(paise: int) -> bool:
    """Session prices and gifts are whole rupees (docs/decisions/0002-money-in-paise-and-the-split.md):
    100000 yes, 99950 no."""
    return paise % 100 == 0


ROUNDING_RULE = (
    "Where a rate leaves a fraction of a paisa, the fee is rounded to the nearest paisa (halves up), "
    "the mentor's share is rounded down, and PeerLearn keeps the remainder: at most a paisa each way."
)


def _group_indian(rupees: int) -> str:
    """12345678 → "1,23,45,678" (Indian digit grouping)."""
    digits = str(rupees)
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join([*groups, tail])


def format_inr(paise: int) -> str:
    """₹ with Indian grouping; paise shown only when there are any: ₹1,00,000 or ₹999.50."""
    sign = "-" if paise < 0 else ""
    rupees, rest = divmod(abs(paise), 100)
    text = f"{sign}₹{_group_indian(rupees)}"
    return f"{text}.{rest:02d}" if rest else text


def fee_itemised(*, price_paise: int, fee_paise: int, amount_paise: int) -> str:
    """ "Session ₹1,000 + platform fee ₹100 = ₹1,100", as shown before paying and on the booking."""
    return f"Session {format_inr(price_paise)} + platform fee {format_inr(fee_paise)} = {format_inr(amount_paise)}"


def paise_to_rupees_text(paise: int) -> str:
    """Paise as plain rupees with two decimals, for CSV files and form fields: 100050 → "1000.50"."""
    sign = "-" if paise < 0 else ""
    rupees, rest = divmod(abs(paise), 100)
    return f"{sign}{rupees}.{rest:02d}"


def rupees_to_paise(rupees: str | int) -> int:
    """Parse what a person typed ("1000", "1,000.50") into paise, exactly."""
    text = str(rupees).replace(",", "").replace("₹", "").strip()
    if not text or text.count(".") > 1:
        raise ValueError(f"{rupees!r} is not an amount in rupees.")
    whole, _, fraction = text.partition(".")
    if not whole.isdigit() or (fraction and (not fraction.isdigit() or len(fraction) > 2)):
        raise ValueError(f"{rupees!r} is not an amount in rupees.")
    return int(whole) * 100 + int(fraction.ljust(2, "0") or 0)
