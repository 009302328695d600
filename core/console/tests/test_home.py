"""The admin's home: money today and this month from the ledger, what waits for staff, charts,
live updates; each figure equals the ledger's own sums."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db.models import Sum
from django.utils import timezone

from core.bookings.services import booking_accept
from core.bookings.tests.factories import book_and_pay
from core.console import selectors
from core.console.consumers import ConsoleConsumer
from core.mentoring.tests.factories import approved_mentor, session_make
from core.money import paise_to_rupees_text
from core.payments.models import AccountKind, Payment, Posting
from core.payments.services import payment_refund
from core.users.services import staff_user_create
from core.users.tests.factories import PASSWORD, user_make
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def money(learner, other_learner):
    """Two captured bookings (₹1,100 and ₹550 paid) and one of them refunded in full."""
    guru = approved_mentor()
    first = session_make(mentor=guru, price_paise=100_000)
    second = session_make(mentor=guru, price_paise=50_000, hours_from_now=30)
    booking_accept(booking=book_and_pay(first, learner), mentor=guru)
    booking_accept(booking=book_and_pay(second, other_learner), mentor=guru)
    payment_refund(payment=Payment.objects.get(booking__session=second))
    return guru


def _ledger(kind: str, prefix: str) -> int:
    postings = Posting.objects.filter(account__kind=kind, entry__reference__startswith=prefix)
    return postings.aggregate(total=Sum("amount_paise"))["total"] or 0


def test_today_equals_the_ledgers_own_sums(money, staff):
    zone = timezone.get_current_timezone()
    home = selectors.home_get(user=staff, zone=zone)
    assert home.today.gmv_paise == _ledger(AccountKind.GATEWAY_CLEARING, "capture:") == 165_000
    assert home.today.refunds_paise == -_ledger(AccountKind.GATEWAY_CLEARING, "refund:") == 55_000
    revenue = -(_ledger(AccountKind.PLATFORM_REVENUE, "capture:") + _ledger(AccountKind.PLATFORM_REVENUE, "refund:"))
    assert home.today.revenue_paise == revenue == 20_000  # the first booking's 20 %; the second's went back
    assert home.month == home.today  # all of it happened today


def test_the_home_shows_money_tasks_and_charts_to_a_superuser(client, staff, money):
    force_login_verified(client, staff)
    page = client.get("/admin/").content.decode()
    assert 'data-testid="today-gmv">₹1,650<' in page
    assert 'data-testid="today-refunds">₹550<' in page
    assert 'data-testid="today-revenue">₹200<' in page
    assert "Mentors to approve" in page and "Open disputes" in page and "Payouts to pay" in page
    assert 'id="console-chart-data"' in page
    # Scripts and styles come from our own /static/, never another host (a CSRF token may spell
    # "cdn" by chance, so the test reads the addresses, not the page's letters).
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', page)
    assert assets and all(url.startswith("/static/") for url in assets), assets


def test_support_sees_its_tasks_but_no_money(client, money):
    support, _ = staff_user_create(
        email="s@example.com", name="Sam Support", password=PASSWORD, superuser=False, roles=("Support",)
    )
    force_login_verified(client, support)
    page = client.get("/admin/").content.decode()
    assert "Mentors to approve" in page
    assert "today-gmv" not in page and "console-chart-data" not in page and "Payouts to pay" not in page


def test_a_plugins_task_shows_beside_cores(client, staff):
    from core import pluginmanager
    from core.tests.sample_plugin import hooks as sample_hooks

    pluginmanager.pm.register(sample_hooks, name="sample")
    try:
        force_login_verified(client, staff)
        page = client.get("/admin/").content.decode()
    finally:
        pluginmanager.pm.unregister(sample_hooks)
    assert "Sample things to review" in page


def test_the_charts_count_each_period_from_the_records(staff, money):
    user_make(email="newmentor@example.com", role="mentor")
    data = selectors.chart_data(unit="day", zone=timezone.get_current_timezone())
    assert len(data["labels"]) == 30
    assert data["gmv"][-1] == paise_to_rupees_text(165_000)
    assert data["refunds"][-1] == paise_to_rupees_text(55_000)
    assert data["bookings"][-1] == 2
    assert data["mentors"][-1] >= 2 and data["learners"][-1] >= 2
    assert data["completion"][-1] is None  # no paid session is over yet
    for unit, count in (("week", 12), ("month", 12)):
        chart = selectors.chart_data(unit=unit, zone=timezone.get_current_timezone())
        assert len(chart["labels"]) == count and chart["gmv"][-1] == paise_to_rupees_text(165_000)
    json.dumps(data)  # the page embeds it as JSON


def test_a_month_boundary_is_the_staff_members_own(staff, money):
    zone = timezone.get_current_timezone()
    tomorrow = timezone.now() + timedelta(days=40)
    later = selectors.home_get(user=staff, zone=zone, now=tomorrow)
    assert later.today.gmv_paise == 0


def test_an_unknown_chart_unit_falls_back_to_days(client, staff):
    force_login_verified(client, staff)
    assert client.get("/admin/?unit=decade").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_an_open_home_hears_when_money_moves(staff, learner):
    communicator = WebsocketCommunicator(ConsoleConsumer.as_asgi(), "/ws/console/")
    communicator.scope["user"] = staff
    connected, _ = await communicator.connect()
    assert connected

    @database_sync_to_async
    def capture():
        guru = approved_mentor()
        session = session_make(mentor=guru, price_paise=100_000)
        booking_accept(booking=book_and_pay(session, learner), mentor=guru)

    await capture()
    assert await communicator.receive_json_from(timeout=2) == {"type": "changed"}
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_console_socket_refuses_people_who_are_not_staff(learner):
    communicator = WebsocketCommunicator(ConsoleConsumer.as_asgi(), "/ws/console/")
    communicator.scope["user"] = learner
    await communicator.connect()
    assert await communicator.receive_output(timeout=1) == {"type": "websocket.close", "code": 4403}
    await communicator.disconnect()  # as the browser answers a close: the consumer ends
