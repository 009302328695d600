"""``core/users/access.py``: the role decorator and mixin, and the friendly 403 page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import include, path
from django.views import View

from core.users.access import RoleRequiredMixin, WrongRole, restrict_to_role
from core.users.models import Role
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db


class MentorOnlyView(RoleRequiredMixin, View):
    roles = (Role.MENTOR,)

    def get(self, request):
        return HttpResponse(f"mentor page for {request.user.email}")


class PeopleView(RoleRequiredMixin, View):
    roles = (Role.LEARNER, Role.MENTOR)

    def get(self, request):
        return HttpResponse("people page")


@restrict_to_role(Role.LEARNER)
def learner_only(request, slug):
    """A learner page, with a URL argument the decorator must pass on."""
    return HttpResponse(f"learner page {slug}")


# This module is also the URLconf of the tests marked with ``URLCONF`` below.
urlpatterns = [
    path("test/mentor-only/", MentorOnlyView.as_view()),
    path("test/people/", PeopleView.as_view()),
    path("test/learner/<slug:slug>/", learner_only),
    path("", include("core.urls")),
]
handler403 = "core.views.permission_denied"
URLCONF = pytest.mark.urls(__name__)


# --- The real dashboards (restrict_to_role) --------------------------------------------------


@pytest.mark.parametrize("url", ["/dashboard/learner/", "/dashboard/mentor/", "/dashboard/"])
def test_anonymous_goes_to_login_with_next(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_anonymous_next_keeps_the_query_string(client):
    response = client.get("/dashboard/mentor/?tab=earnings")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/mentor/%3Ftab%3Dearnings"


@pytest.mark.parametrize(
    ("persona", "forbidden", "own", "reason"),
    [
        ("learner", "/dashboard/mentor/", "/dashboard/learner/", "This page is for mentors."),
        ("mentor", "/dashboard/learner/", "/dashboard/mentor/", "This page is for learners."),
    ],
)
def test_other_role_gets_the_friendly_403_with_a_link_home(client, request, persona, forbidden, own, reason):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(forbidden)

    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert response.context["reason"] == reason
    assert f'href="{own}"'.encode() in response.content


@pytest.mark.parametrize(("persona", "own"), [("learner", "/dashboard/learner/"), ("mentor", "/dashboard/mentor/")])
def test_own_dashboard_opens(client, request, persona, own):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(own).status_code == 200


def test_staff_is_neither_learner_nor_mentor(client, staff):
    force_login_verified(client, staff)

    assert client.get("/dashboard/learner/").status_code == 403
    assert client.get("/dashboard/mentor/").status_code == 403


def test_staff_dashboard_redirect_goes_to_admin(client, staff):
    force_login_verified(client, staff)

    response = client.get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


# --- The mixin and the decorator on views of this module --------------------------------------


@URLCONF
def test_mixin_lets_the_right_role_in(client, mentor):
    client.force_login(mentor)

    response = client.get("/test/mentor-only/")

    assert response.status_code == 200
    assert response.content == f"mentor page for {mentor.email}".encode()


@URLCONF
def test_mixin_sends_anonymous_to_login_with_next(client):
    response = client.get("/test/mentor-only/?x=1")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/test/mentor-only/%3Fx%3D1"


@URLCONF
def test_mixin_refuses_another_role_with_the_friendly_403(client, learner):
    client.force_login(learner)

    response = client.get("/test/mentor-only/")

    assert response.status_code == 403
    assert response.context["reason"] == "This page is for mentors."
    assert b'href="/dashboard/learner/"' in response.content


@URLCONF
def test_mixin_with_several_roles(client, learner, mentor, staff):
    for person, status in [(learner, 200), (mentor, 200), (staff, 403)]:
        (force_login_verified if person == staff else type(client).force_login)(client, person)
        assert client.get("/test/people/").status_code == status, person
    assert client.get("/test/people/").context["reason"] == "This page is for learners and mentors."


@URLCONF
def test_decorator_passes_url_arguments_on(client, learner, mentor):
    client.force_login(learner)
    assert client.get("/test/learner/python/").content == b"learner page python"

    client.force_login(mentor)
    assert client.get("/test/learner/python/").status_code == 403


def test_decorator_keeps_the_view_name():
    assert learner_only.__name__ == "learner_only"
    assert learner_only.__doc__.startswith("A learner page")


def test_mixin_called_directly(rf: RequestFactory, learner, mentor):
    view = MentorOnlyView.as_view()

    request = rf.get("/anywhere/")
    request.user = mentor
    assert view(request).status_code == 200

    request = rf.get("/anywhere/")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/anywhere/"

    request = rf.get("/anywhere/")
    request.user = learner
    with pytest.raises(WrongRole, match=r"^This page is for mentors\.$"):
        view(request)


def test_wrong_role_is_a_permission_denied():
    from django.core.exceptions import PermissionDenied

    assert issubclass(WrongRole, PermissionDenied)
