"""Every staff and CMS URL refuses a session that has not passed a TOTP check in this session.

The URLs come from Django's resolver, never a hand-made list. A URL is a staff surface when it
lies under the Django admin (``admin/``) or the Wagtail admin (``cms/``), or when the access
matrix (``core/tests/test_access_matrix.py``, which fails for a URL of ours without a row) says
staff may open it and learners and mentors may not. So a new staff page is checked here as soon
as it has its row; and since the gate covers every page for staff and editors, the test also
walks all the other URLs.
"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.middleware import SecondFactorMiddleware
from core.tests.routes import url_routes
from core.tests.test_access_matrix import MATRIX
from core.users.models import Role, User
from core.users.tests.factories import PASSWORD
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db

STAFF_PREFIXES = ("admin/", "cms/")
CODE_PAGE = "/accounts/two-factor/"
SET_UP_PAGE = "/profile/security/#two-factor"
REFUSED = (401, 403, 404, 405)


def _group_sample(match: re.Match) -> str:
    body = match.group(1)
    if "|" in body:
        return body.split("|")[0].replace("\\", "")
    return "1" if "\\d" in body else "x"


def sample_path(route: str) -> str:
    """A path that the route matches (or nearly: the gate looks at the path, not the view)."""
    path = re.sub(r"<int:\w+>", "1", route)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", path)
    path = re.sub(r"<(?:\w+:)?\w+>", "x", path)
    path = re.sub(r"\(\?P<\w+>((?:[^()]|\([^()]*\))*)\)", _group_sample, path)
    path = re.sub(r"\(((?:[^()?]|\([^()]*\))*)\)", _group_sample, path)
    path = path.replace("(?:", "(").replace(".*", "x").replace("\\.", ".").replace("\\-", "-")
    path = re.sub(r"[\^$?*+()\[\]\\]", "", path)
    return "/" + path


def staff_routes() -> list[str]:
    """The staff and CMS surfaces among all routes the resolver knows."""
    staff_by_matrix = {
        route
        for route, (_url, expected) in MATRIX.items()
        if expected["staff"] == 200 and expected["learner"] != 200 and expected["mentor"] != 200
    }
    return sorted(
        route
        for route in {route for route, _module in url_routes()}
        if route.startswith(STAFF_PREFIXES) or route in staff_by_matrix
    )


def all_routes() -> list[str]:
    return sorted({route for route, _module in url_routes()})


def test_the_walk_finds_the_staff_surfaces():
    """The classification is not vacuous: both admins and the staff pages of ours are in it."""
    routes = staff_routes()
    assert sum(route.startswith("admin/") for route in routes) > 50
    assert sum(route.startswith("cms/") for route in routes) > 100
    assert {"testmode/payouts/", "styleguide/"} <= set(routes)


EDITOR_GROUP = "CMS editors"  # made with the default pages (cms.services; core tests never import cms)


def _editor_make(email: str) -> User:
    """A CMS editor as ``create_cms_editor`` makes one: role admin, not staff, in the editors' group."""
    user = User.objects.create_user(email=email, password=PASSWORD, name="Esha Editor", role=Role.ADMIN)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    return user


@pytest.fixture
def editor(db):
    return _editor_make("editor@example.com")


def _password_only(client, user):
    """Signed in by password alone, as through ``/accounts/login/``."""
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def _refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return location.startswith((CODE_PAGE, "/admin/login/", "/accounts/login/")) or location == SET_UP_PAGE


@pytest.mark.parametrize("who", ["staff with an app", "editor without an app"])
def test_a_password_only_session_is_refused_on_every_staff_and_cms_url(client, staff, editor, who):
    """Staff owe a code, an editor without an app owes the set-up; neither opens a staff or CMS
    URL, nor (the gate covers every page for them) any other URL but the gate's own pages."""
    user = staff if who.startswith("staff") else editor
    _password_only(client, user)
    client.raise_request_exception = False  # a view that crashes was reached: reported below
    allowed = SecondFactorMiddleware.ALLOWED_PREFIXES + SecondFactorMiddleware.SETUP_PREFIXES
    staff_only = set(staff_routes())

    served, checked = [], set()
    for route in all_routes():
        path = sample_path(route)
        if path.startswith(allowed) and route not in staff_only:
            continue
        response = client.get(path)
        checked.add(route)
        if not _refused(response):
            served.append(f"{route} -> GET {path}: {response.status_code} {response.get('Location', '')}")
    assert not served, "Opened without a second factor:\n" + "\n".join(served)
    assert staff_only <= checked


def test_the_same_urls_open_once_the_code_is_typed(client, staff):
    """The check above can fail: with a code typed, the staff pages open."""
    force_login_verified(client, staff)
    assert client.get("/cms/").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert client.get("/testmode/payouts/").status_code == 200


def test_an_editor_with_an_app_types_the_code_and_reaches_the_cms(client, editor):
    from django_otp.oath import totp

    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    _password_only(client, editor)
    assert client.get("/cms/")["Location"] == "/accounts/two-factor/?next=/cms/"
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(CODE_PAGE, {"totp-token": code, "next": "/cms/"})
    assert response["Location"] == "/cms/"
    assert client.get("/cms/").status_code == 200


def test_staff_without_an_app_are_sent_to_set_one_up(client, staff):
    TOTPDevice.objects.filter(user=staff).delete()
    _password_only(client, staff)

    response = client.get("/admin/")

    assert response["Location"] == SET_UP_PAGE
    page = client.get("/profile/security/")
    assert page.status_code == 200
    assert "Staff and page editors need two-factor" in page.content.decode()
    assert client.get(CODE_PAGE)["Location"] == SET_UP_PAGE


def test_a_mentor_whom_an_admin_let_into_the_cms_needs_the_code_there(client, mentor):
    mentor.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client.force_login(mentor)

    assert client.get("/dashboard/mentor/").status_code == 200  # not a staff page
    assert client.get("/cms/")["Location"] == SET_UP_PAGE
