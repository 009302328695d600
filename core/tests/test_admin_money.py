"""Every amount in the admin reads in rupees with Indian grouping (``core/admin_site.py``)."""

from __future__ import annotations

import pytest
from django.contrib import admin

from core.bookings.services import booking_accept
from core.bookings.tests.factories import book_and_pay
from core.mentoring.tests.factories import approved_mentor, session_make
from core.payments.models import Payment
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured(learner) -> Payment:
    guru = approved_mentor()
    session = session_make(mentor=guru, price_paise=5_000_000)  # ₹50,000, the highest price
    booking_accept(booking=book_and_pay(session, learner), mentor=guru)
    return Payment.objects.get(booking__session=session)


def test_the_payments_list_shows_rupees_with_indian_grouping(client, staff, captured):
    force_login_verified(client, staff)
    page = client.get("/admin/payments/payment/").content.decode()
    assert "₹55,000" in page  # what the learner paid: price + 10 % fee
    assert "₹45,000" in page and "₹10,000" in page  # the mentor's and the platform's shares
    assert str(captured.amount_paise) not in page
    assert "Amount (₹)" in page and "Amount paise" not in page


def test_a_read_only_payment_page_shows_rupees(client, staff, captured):
    force_login_verified(client, staff)
    page = client.get(f"/admin/payments/payment/{captured.pk}/change/").content.decode()
    assert "₹55,000" in page
    assert "5500000" not in page


def test_no_admin_list_names_a_column_in_paise(client, staff, captured):
    """Walks every registered admin (plugins' too): no header says "paise"."""
    force_login_verified(client, staff)
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(type("R", (), {"user": staff})()):
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        page = client.get(url)
        assert page.status_code == 200, url
        assert " paise</a>" not in page.content.decode() and " paise</span>" not in page.content.decode(), url
