"""Terms, Privacy, Refund and cancellation, Contact: CMS pages whose figures come from the settings."""

from __future__ import annotations

import json
import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings

from cms import copy
from cms.models import ContentPage
from cms.services import landing_pages_ensure
from core.mentoring.tests.factories import session_make

pytestmark = pytest.mark.django_db

LEGAL = {
    "terms": "Terms of use",
    "privacy": "Privacy notice",
    "refunds": "Refund and cancellation policy",
    "contact": "Contact",
}


@pytest.fixture
def pages(db):
    landing_pages_ensure()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_ensure_creates_the_legal_pages_once(pages):
    assert dict(ContentPage.objects.filter(slug__in=LEGAL).values_list("slug", "title")) == LEGAL
    _landing, created = landing_pages_ensure()
    assert created == []
    assert ContentPage.objects.filter(slug__in=LEGAL).count() == len(LEGAL)


def test_the_refund_page_states_the_rules_with_the_real_figures(client, pages):
    text = _text(client.get("/refunds/").content.decode())
    for rule in (
        "captured only when the mentor accepts",
        "up to 24 hours before the start for a full refund",
        "has not joined 10 minutes after the start",
        "For 48 hours after a session ends you can report a problem",
        "plus a 10% platform fee",
    ):
        assert rule in text, rule


@override_settings(EARNINGS_HOLD_HOURS=72, ROOM_NO_SHOW_MINUTES=1, PLATFORM_FEE_PERCENT=5, MENTOR_SHARE_PERCENT=85)
def test_the_refund_page_follows_the_settings(client, pages):
    text = _text(client.get("/refunds/").content.decode())
    assert "For 72 hours after a session ends" in text
    assert "has not joined 1 minute after the start" in text  # singular
    assert "plus a 5% platform fee" in text and "earns 85% of the price" in text


@override_settings(
    GRIEVANCE_OFFICER_NAME="Priya Rao", GRIEVANCE_OFFICER_EMAIL="dpo@example.in", RECORDING_RETENTION_DAYS=7
)
def test_the_privacy_notice_covers_the_dpdp_act(client, pages):
    text = _text(client.get("/privacy/").content.decode())
    for words in (
        "Digital Personal Data Protection Act, 2023",
        "What we collect, and why",
        "withdraw consent",
        "Your rights",
        "To delete your account and its data, write to the Grievance Officer",
        "Data Protection Board of India",
        "Priya Rao, dpo@example.in",
        "deleted 7 days after they are made",
    ):
        assert words in text, words


@override_settings(SUPPORT_EMAIL="help@example.in")
def test_the_contact_page_names_support_and_the_grievance_officer(client, pages):
    page = client.get("/contact/").content.decode()
    assert 'href="mailto:help@example.in"' in page and "Grievance Officer" in page


def test_the_copy_types_no_figure_an_editor_could_leave_wrong():
    """Figures live in policy_facts and fee_explainer blocks; the words around them have none
    (the Act's year and the age of majority are law, not settings)."""
    for slug, _title, body in copy.CONTENT_PAGES:
        for block in json.loads(body):
            if block["type"] == "text":
                words = _text(block["value"]).replace("Act, 2023", "").replace("under 18", "")
                assert not re.search(r"\d", words), (slug, re.findall(r".{20}\d.{20}", words))


def test_the_landing_copy_types_no_figure_either():
    """The landing's fee figures come from the fee explainer block, not from its text or FAQ."""

    def strings(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str):
            yield _text(value)

    for block in json.loads(copy.LANDING_BODY):
        for text in strings(block["value"]):
            assert "%" not in text and not re.search(r"₹|\d+ ?%", text), (block["type"], text)


def test_every_page_links_the_legal_pages_in_its_footer(client, pages):
    for url in ("/", "/about/", "/accounts/login/"):
        page = client.get(url).content.decode()
        footer = page.split('<footer class="site-footer">')[1]
        for slug in LEGAL:
            assert f'href="/{slug}/"' in footer, (url, slug)
    for slug in LEGAL:
        assert client.get(f"/{slug}/").status_code == 200


def test_both_checkouts_link_the_terms_and_the_refund_policy(client, learner, mentor, pages):
    from core.bookings.services import booking_checkout_start
    from core.users.services import mentor_approve

    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor)
    booking, payment, _order = booking_checkout_start(session=session, learner=learner)
    client.force_login(learner)
    test_mode = client.get(
        f"/testmode/checkout/{payment.razorpay_order_id}/?callback=/bookings/{booking.pk}/return/"
    ).content.decode()

    request = RequestFactory().get("/")
    request.user = learner
    razorpay = render_to_string(
        "bookings/razorpay_checkout.html",
        {"booking": booking, "payment": payment, "amount": "₹1,100", "cancel_url": "/"},
        request=request,
    )
    for page in (test_mode, razorpay):
        terms = page.split('data-testid="checkout-terms"')[1].split("</p>")[0]
        assert 'href="/terms/"' in terms and 'href="/refunds/"' in terms
