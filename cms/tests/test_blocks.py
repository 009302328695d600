"""Blocks: editors write the words, core computes the figures."""

from decimal import Decimal

import pytest
from django.test import override_settings

from cms.blocks import BodyBlock, FeeExplainerBlock

pytestmark = pytest.mark.django_db


def test_the_fee_explainer_computes_the_split_from_the_real_rates():
    block = FeeExplainerBlock()
    value = block.to_python({"heading": "Fees", "text": "", "example_price_rupees": 1000})
    html = block.render(value)
    for figure in ("₹1,000", "+ ₹100", "₹1,100", "₹900", "₹200"):
        assert figure in html


@override_settings(PLATFORM_FEE_PERCENT=5, MENTOR_SHARE_PERCENT=85)
def test_the_fee_explainer_follows_the_settings():
    block = FeeExplainerBlock()
    html = block.render(block.to_python({"heading": "Fees", "example_price_rupees": 2000}))
    assert "₹2,100" in html  # 2000 + 5%
    assert "₹1,700" in html  # 85% of 2000
    assert "₹400" in html  # 2100 - 1700


def test_the_fee_explainer_states_the_rounding_only_when_rates_do_not_divide():
    block = FeeExplainerBlock()
    value = block.to_python({"heading": "Fees", "example_price_rupees": 999})
    assert "rounded" not in block.render(value)  # 10 % and 90 % of whole rupees: nothing rounds
    with override_settings(PLATFORM_FEE_PERCENT=Decimal("12.5"), MENTOR_SHARE_PERCENT=Decimal("87.5")):
        html = block.render(value)
    for figure in ("+ ₹124.88", "₹1,123.88", "₹874.12", "₹249.76"):  # half up, down, the remainder
        assert figure in html
    assert "the fee is rounded to the nearest paisa (halves up), the mentor&#x27;s share is rounded down" in html


def test_every_block_declares_its_help_for_editors():
    for name, block in BodyBlock.base_blocks.items():
        if name == "text":
            assert block.meta.description
            continue
        assert block.meta.icon, name
        assert block.meta.template.startswith("blocks/"), name
        assert block.meta.description, name
        assert block.meta.preview_value, name


def test_the_landing_shows_the_default_blocks(client):
    content = client.get("/").content.decode()
    assert "What you pay, what mentors earn" in content
    assert "₹1,100" in content
    assert "Ready when you are" in content
    assert "Approved mentors" in content  # a hero highlight
