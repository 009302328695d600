import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from core import money


@pytest.mark.parametrize(
    ("price", "fee", "amount", "mentor", "app"),
    [
        (100000, 10000, 110000, 90000, 20000),  # the plan's ₹1,000 example
        (10000, 1000, 11000, 9000, 2000),
        (12345, 1235, 13580, 11110, 2470),  # fee rounds up, mentor share down: platform gets the paisa
        (1, 1, 2, 0, 2),
        (0, 0, 0, 0, 0),
    ],
)
def test_split(price, fee, amount, mentor, app):
    result = money.split(price)
    assert (result.fee_paise, result.amount_paise, result.mentor_share_paise, result.app_share_paise) == (
        fee,
        amount,
        mentor,
        app,
    )
    assert result.amount_paise == result.mentor_share_paise + result.app_share_paise


@pytest.mark.parametrize("bad", [-1, 10.0, "100", True])
def test_split_refuses_anything_but_paise(bad):
    with pytest.raises(ValueError):
        money.split(bad)


def test_the_split_holds_for_every_price_up_to_a_lakh_paise():
    for price in range(0, 100_001, 7):
        result = money.split(price)
        assert result.amount_paise == result.mentor_share_paise + result.app_share_paise
        assert result.mentor_share_paise * 100 <= price * 90 < (result.mentor_share_paise + 1) * 100


@pytest.mark.parametrize(
    ("paise", "text"),
    [(0, "₹0"), (99950, "₹999.50"), (100000, "₹1,000"), (10000000, "₹1,00,000"), (1234567805, "₹1,23,45,678.05")],
)
def test_format_inr_uses_indian_grouping(paise, text):
    assert money.format_inr(paise) == text


@pytest.mark.parametrize(("typed", "paise"), [("1000", 100000), ("1,000.5", 100050), ("₹ 99.99", 9999), (250, 25000)])
def test_rupees_to_paise(typed, paise):
    assert money.rupees_to_paise(typed) == paise


@pytest.mark.parametrize("typed", ["", "abc", "1.234", "1.2.3", "-5"])
def test_rupees_to_paise_refuses_nonsense(typed):
    with pytest.raises(ValueError):
        money.rupees_to_paise(typed)


# --- Properties of the split, for any price and any configured percentages --------------------

PRICES = st.integers(min_value=0, max_value=10**9)  # up to ₹1 crore, odd paise included
PERCENTS = st.integers(min_value=0, max_value=100)


def _check_split(result: money.Split, price: int, mentor_percent: int, fee_percent: int) -> None:
    parts = (result.fee_paise, result.amount_paise, result.mentor_share_paise, result.app_share_paise)
    assert all(type(part) is int and part >= 0 for part in (result.price_paise, *parts))
    assert result.price_paise == price
    assert result.amount_paise == result.price_paise + result.fee_paise
    assert result.amount_paise == result.mentor_share_paise + result.app_share_paise
    assert result.mentor_share_paise == price * mentor_percent // 100
    # Each rounding favours the platform by less than one paisa: the learner's fee is rounded
    # up, the mentor's share down. In hundredths of a paisa, to stay in integers:
    fee_overcharge = result.fee_paise * 100 - price * fee_percent
    mentor_shortfall = price * mentor_percent - result.mentor_share_paise * 100
    assert 0 <= fee_overcharge < 100
    assert 0 <= mentor_shortfall < 100
    # So the platform keeps its exact share plus both roundings, never less.
    platform_gain = result.app_share_paise * 100 - price * (100 - mentor_percent + fee_percent)
    assert platform_gain == fee_overcharge + mentor_shortfall


@settings(max_examples=500)
@given(price=PRICES)
def test_the_split_of_any_price_at_the_configured_rates(price):
    from django.conf import settings as django_settings

    _check_split(money.split(price), price, django_settings.MENTOR_SHARE_PERCENT, django_settings.PLATFORM_FEE_PERCENT)


@settings(max_examples=500)
@given(price=PRICES, mentor_percent=PERCENTS, fee_percent=PERCENTS)
def test_the_split_of_any_price_at_any_rates(price, mentor_percent, fee_percent):
    # split() reads both rates from settings at call time, so they can be overridden per call.
    with override_settings(MENTOR_SHARE_PERCENT=mentor_percent, PLATFORM_FEE_PERCENT=fee_percent):
        result = money.split(price)
    _check_split(result, price, mentor_percent, fee_percent)


@settings(max_examples=200)
@given(rupees=st.integers(min_value=0, max_value=10**7))
def test_whole_rupee_prices_at_ninety_ten_split_exactly_as_the_plan_says(rupees):
    # ₹1,000 → learner ₹1,100, mentor ₹900, platform ₹200: whole rupees never need rounding.
    price = rupees * 100
    with override_settings(MENTOR_SHARE_PERCENT=90, PLATFORM_FEE_PERCENT=10):
        result = money.split(price)
    assert result.amount_paise * 10 == price * 11
    assert result.mentor_share_paise * 10 == price * 9
    assert result.app_share_paise * 10 == price * 2
