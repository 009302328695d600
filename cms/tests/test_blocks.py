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


def _heading_levels(html: str) -> list[int]:
    from html.parser import HTMLParser

    levels = []

    class Headings(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
                levels.append(int(tag[1]))

    Headings().feed(html)
    return levels


def _skips(levels: list[int], start: int) -> list[tuple[int, int]]:
    """Pairs of consecutive headings that jump down more than one level (h1 then h3)."""
    previous, skips = start, []
    for level in levels:
        if level > previous + 1:
            skips.append((previous, level))
        previous = level
    return skips


def test_the_landing_headings_never_skip_a_level(client):
    levels = _heading_levels(client.get("/").content.decode())
    assert levels and levels[0] == 1
    assert not _skips(levels, 0), levels


@pytest.mark.parametrize("name", [name for name in BodyBlock.base_blocks if name != "text"])
def test_each_block_after_the_page_h1_keeps_the_heading_order(name):
    """Any block may follow the hero's h1, so none may open below h2 or skip a level inside."""
    block = BodyBlock.base_blocks[name]
    values = [block.meta.preview_value]
    if name == "value_props":
        values.append({**block.meta.preview_value, "heading": ""})  # the heading is optional
    for value in values:
        html = block.render(block.to_python(value), context={})
        assert not _skips(_heading_levels(html), 1), (name, value)
