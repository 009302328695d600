from decimal import Decimal

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
        (12345, 1235, 13580, 11110, 2470),  # fee 1234.5 rounds half up, mentor share 11110.5 down
        (12341, 1234, 13575, 11106, 2469),  # fee 1234.1 rounds to the nearest (down), share 11106.9 down
        (12346, 1235, 13581, 11111, 2470),  # fee 1234.6 rounds to the nearest (up)
        (1, 0, 1, 0, 1),
        (5, 1, 6, 4, 2),  # fee 0.5: a half rounds up
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
    # The fee rounds to the nearest paisa, halves up; the mentor's share rounds down. In
    # hundredths of a paisa, to stay in integers:
    fee_overcharge = result.fee_paise * 100 - price * fee_percent
    mentor_shortfall = price * mentor_percent - result.mentor_share_paise * 100
    assert -50 < fee_overcharge <= 50
    assert 0 <= mentor_shortfall < 100
    # So the platform keeps its exact share plus both roundings (the remainder).
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


# Rates an operator may set that do not divide evenly (Decimals; never floats).
@pytest.mark.parametrize(
    ("rates", "price", "fee", "mentor"),
    [
        (("12.5", "87.5"), 99_900, 12_488, 87_412),  # ₹124.875 → ₹124.88 (half up); ₹874.125 → ₹874.12
        (("12.5", "87.5"), 100_000, 12_500, 87_500),  # exact: nothing rounds
        (("2.35", "97.65"), 10_100, 237, 9_862),  # ₹2.3735 → ₹2.37; ₹98.6265 → ₹98.62
    ],
)
def test_split_at_rates_that_do_not_divide(rates, price, fee, mentor):
    fee_percent, mentor_percent = (Decimal(rate) for rate in rates)
    with override_settings(PLATFORM_FEE_PERCENT=fee_percent, MENTOR_SHARE_PERCENT=mentor_percent):
        result = money.split(price)
        assert money.split_rounds(price) == (price * fee_percent % 100 != 0 or price * mentor_percent % 100 != 0)
        assert money.split_rounds()
    assert (result.fee_paise, result.mentor_share_paise) == (fee, mentor)
    assert result.app_share_paise == result.amount_paise - mentor


def test_whole_percent_rates_never_round_a_whole_rupee_price():
    assert not money.split_rounds()
    assert not money.split_rounds(100_000)
    assert money.split_rounds(12_345)


@pytest.mark.parametrize("rate", [10.0, "10", -1, 101, True])
def test_a_rate_is_an_int_or_decimal_percentage(rate):
    with override_settings(PLATFORM_FEE_PERCENT=rate), pytest.raises(ValueError):
        money.split(100_000)


@settings(max_examples=300)
@given(
    rupees=st.integers(min_value=0, max_value=10**7),
    fee_tenths=st.integers(min_value=0, max_value=1000),
    mentor_tenths=st.integers(min_value=0, max_value=1000),
)
def test_the_split_at_any_decimal_rates(rupees, fee_tenths, mentor_tenths):
    price = rupees * 100
    fee_percent, mentor_percent = Decimal(fee_tenths) / 10, Decimal(mentor_tenths) / 10
    with override_settings(PLATFORM_FEE_PERCENT=fee_percent, MENTOR_SHARE_PERCENT=mentor_percent):
        result = money.split(price)
    exact_fee, exact_share = price * fee_percent / 100, price * mentor_percent / 100
    assert -Decimal("0.5") < result.fee_paise - exact_fee <= Decimal("0.5")
    assert 0 <= exact_share - result.mentor_share_paise < 1
    assert result.amount_paise == result.price_paise + result.fee_paise
    assert result.amount_paise == result.mentor_share_paise + result.app_share_paise
