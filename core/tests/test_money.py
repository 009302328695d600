import pytest

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
