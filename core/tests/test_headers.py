"""``core/headers.py``: private pages are never stored; browser features only where needed."""

from __future__ import annotations

import pytest

from core.headers import permissions_policy
from core.tests.test_access_matrix import MATRIX, THIRD_PARTY, matrix_objects, our_routes  # noqa: F401

pytestmark = pytest.mark.django_db


# The API's schema and docs read no session: the same document for everyone, like the landing page.
PUBLIC_DOCUMENTS = ("/api/schema/", "/api/docs/")


def _urls() -> list[str]:
    """Every URL of the access matrix (which fails when a URL of ours has no row) and the libraries'."""
    routes = our_routes()
    urls = [url for route, (url, _expected) in MATRIX.items() if route in routes]
    return urls + [url for url, _expected in THIRD_PARTY.values() if url not in PUBLIC_DOCUMENTS]


def _unstored(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives and "public" not in directives


def _policy(response) -> dict[str, str]:
    return dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))


@pytest.mark.parametrize("persona", ["learner", "mentor", "staff"])
def test_every_page_for_a_signed_in_person_is_private_and_unstored(client, request, persona, matrix_objects):  # noqa: F811
    client.force_login(request.getfixturevalue(persona))
    stored = []
    for url in _urls():
        url = url.format(**matrix_objects)
        response = client.get(url)
        if not _unstored(response):
            stored.append((url, response.status_code, response.get("Cache-Control")))
        assert "Permissions-Policy" in response, url
    assert not stored, f"{persona}: responses a cache may keep: {stored}"


def test_public_pages_keep_their_caching_and_forms_do_not(client):
    landing = client.get("/")
    assert landing.status_code == 200
    assert "no-store" not in landing.get("Cache-Control", "")
    login = client.get("/accounts/login/")  # a CSRF token: the same page for no two visitors
    assert _unstored(login)
    redirect = client.get("/dashboard/learner/")
    assert redirect.status_code == 302 and _unstored(redirect)


def test_camera_microphone_and_screen_only_in_the_live_room(client, learner, matrix_objects):  # noqa: F811
    client.force_login(learner)
    room = _policy(client.get(f"/session/{matrix_objects['room']}/"))
    assert room["camera"] == room["microphone"] == room["display-capture"] == "(self)"
    assert room["geolocation"] == room["payment"] == "()"
    for url in ("/", "/dashboard/learner/", "/profile/", f"/bookings/{matrix_objects['booking']}/"):
        policy = _policy(client.get(url))
        assert policy["camera"] == policy["microphone"] == policy["display-capture"] == "()", url
        assert policy["geolocation"] == "()", url


def test_payment_only_where_razorpay_checkout_opens():
    assert 'payment=(self "https://api.razorpay.com"' in permissions_policy("bookings:booking-start")
    assert 'payment=(self "https://api.razorpay.com"' in permissions_policy("bookings:booking-pay")
    assert 'payment=(self "https://api.razorpay.com"' in permissions_policy("pay:checkout")
    assert "payment=()" in permissions_policy("learner:home")
    assert "camera=()" in permissions_policy("bookings:booking-start")


def test_an_anonymous_response_that_sets_a_cookie_is_not_stored(rf):
    """A cookie set on the way out (a flash message, a session) makes the response someone's own."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from core.headers import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse("hello")
        if request.GET.get("cookie"):
            response.set_cookie("messages", "signed out")
        return response

    for query, private in (("", False), ("?cookie=1", True)):
        request = rf.get("/" + query)
        request.user = AnonymousUser()
        response = SecurityHeadersMiddleware(view)(request)
        assert _unstored(response) is private, (query, response.get("Cache-Control"))
        assert "camera=()" in response["Permissions-Policy"]
