"""Staff roles × admin pages and actions: what Support, Finance and Moderator staff may open and do.

Every admin list (plugins' too) is walked from the admin's registry: a role opens it exactly when
its group may view that model. Then the pages and actions that matter are stated one by one.
"""

from __future__ import annotations

import pytest
from django.contrib import admin

from core.bookings.models import Booking
from core.bookings.services import booking_accept
from core.bookings.tests.factories import book_and_pay
from core.mentoring.tests.factories import approved_mentor, session_make
from core.payments.models import Payment
from core.users.services import staff_user_create
from core.users.tests.factories import PASSWORD
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db

ROLES = ("Support", "Finance", "Moderator")


@pytest.fixture
def role_staff():
    return {
        role: staff_user_create(
            email=f"{role.lower()}@example.com", name=f"{role} Staff", password=PASSWORD, superuser=False, roles=(role,)
        )[0]
        for role in ROLES
    }


@pytest.fixture
def world(learner):
    guru = approved_mentor()
    session = session_make(mentor=guru, price_paise=100_000)
    booking_accept(booking=book_and_pay(session, learner), mentor=guru)
    booking = Booking.objects.get(session=session)
    return {"session": session.pk, "booking": booking.pk, "payment": Payment.objects.get(booking=booking).pk,
            "mentor": guru.pk}  # fmt: skip


def test_every_admin_list_opens_exactly_for_the_roles_that_may_view_it(client, role_staff):
    for role, person in role_staff.items():
        force_login_verified(client, person)
        for model in admin.site._registry:
            opts = model._meta
            may = person.has_perm(f"{opts.app_label}.view_{opts.model_name}") or person.has_perm(
                f"{opts.app_label}.change_{opts.model_name}"
            )
            status = client.get(f"/admin/{opts.app_label}/{opts.model_name}/").status_code
            assert status == (200 if may else 403), f"{role} /admin/{opts.app_label}/{opts.model_name}/"
        client.logout()


# path -> (Support, Finance, Moderator)
PAGES = {
    "/admin/": (200, 200, 200),
    "/admin/users/user/": (200, 200, 200),
    "/admin/mentoring/mentoringsession/": (200, 200, 403),
    "/admin/bookings/booking/": (200, 200, 403),
    "/admin/bookings/dispute/": (200, 200, 403),
    "/admin/payments/payment/": (403, 200, 403),
    "/admin/payments/journalentry/": (403, 200, 403),
    "/admin/payments/withdrawal/": (403, 200, 403),
    "/admin/payments/withdrawal/platform/": (403, 200, 403),
    "/admin/payments/payment/{payment}/refund/": (403, 200, 403),
    "/admin/audit/auditevent/": (200, 200, 200),
    "/admin/auth/group/": (403, 403, 403),
    "/admin/console/people/block/?ids={mentor}": (200, 403, 403),
    "/admin/console/people/unblock/?ids={mentor}": (200, 403, 403),
    "/admin/console/people/erase/?ids={mentor}": (200, 403, 403),
    "/admin/console/mentors/queue/": (200, 403, 403),
    "/admin/console/monthlyreport/": (403, 200, 403),
    "/admin/console/moneyapproval/": (403, 200, 403),
    "/admin/payments/ledgeraccount/": (403, 200, 403),
    "/admin/console/sessions/{session}/": (200, 200, 403),
    "/admin/console/sessions/{session}/cancel/": (200, 403, 403),
    "/admin/console/bookings/{booking}/cancel/": (200, 403, 403),
}


@pytest.mark.parametrize("path", list(PAGES))
def test_each_role_opens_the_pages_of_its_work(client, role_staff, world, path):
    for role, expected in zip(ROLES, PAGES[path], strict=True):
        force_login_verified(client, role_staff[role])
        assert client.get(path.format(**world)).status_code == expected, f"{role} {path}"
        client.logout()


def test_support_cannot_move_money_and_finance_cannot_block(client, role_staff, world):
    force_login_verified(client, role_staff["Support"])
    refund = client.post(f"/admin/payments/payment/{world['payment']}/refund/", {"amount": "1", "reason": "x"})
    assert refund.status_code == 403
    client.logout()
    force_login_verified(client, role_staff["Finance"])
    block = client.post("/admin/console/people/block/", {"ids": str(world["mentor"]), "reason": "Not my job"})
    assert block.status_code == 403
    cancel = client.post(f"/admin/console/sessions/{world['session']}/cancel/", {"reason": "Not my job either"})
    assert cancel.status_code == 403


def test_bulk_actions_are_offered_by_role(client, role_staff):
    offered = {}
    for role in ("Support", "Finance"):
        force_login_verified(client, role_staff[role])
        page = client.get("/admin/users/user/").content.decode()
        offered[role] = ('value="block_users"' in page, 'value="review_mentors"' in page)
        client.logout()
    assert offered == {"Support": (True, True), "Finance": (False, False)}
