"""No input gives a 500: every URL of ours, walked from Django's URL resolver (not a list kept
by hand), requested by every persona with hostile values in its path, its query string and its
form fields.

A route's parameters are filled with real objects (so a form behind a real session is reached)
and with hostile values: a NUL byte (PostgreSQL refuses it in a query), a very long string,
numbers too large for a database integer, negative numbers and unicode. Every field name the
page's own HTML offers, plus the names our views read by hand, is sent in a GET query and a POST
body with values a form must refuse, not crash on: year-9999 dates, NUL bytes, wrong types.
Run it on PostgreSQL too (``DATABASE_URL``): SQLite accepts a NUL byte that PostgreSQL refuses.
"""

from __future__ import annotations

import re

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.tests.routes import url_routes

pytestmark = pytest.mark.django_db

OURS = ("core.", "cms.", "plugins.")
PERSONAS = ("anonymous", "learner", "mentor", "staff")

# Webhooks belong to their own tests (signed JSON, not forms): see core/payments/tests.
NOT_FORMS = ("core.payments.webhooks",)

HOSTILE_PATH_VALUES = {
    "int": ["0", "9999", "99999999999999999999999"],
    "slug": ["9999", "-1", "a" * 5000, "ab" + "%00" + "cd"],
    "str": ["9999", "-1", "%00", "x" * 5000, "%E0%A4%A8%E0%A4%AE%E0%A4%B8%E0%A5%8D%E0%A4%A4%E0%A5%87", "%F0%9F%92%A5"],
    "path": ["%00", "../../etc/passwd", "x" * 5000],
}

HOSTILE_FIELD_VALUES = [
    "9999-12-31T23:59",
    "9999-12-31",
    "0001-01-01",
    "\x00",
    "-1",
    "99999999999999999999999",
    "नमस्ते 💥" + "x" * 5000,
]

# Names our views read from request.GET / request.POST without a form (grep them there).
READ_BY_HAND = ("after", "before", "id", "next", "page", "offset", "price", "email", "terms", "action")
READ_BY_HAND += ("callback", "payout_id", "status", "since", "razorpay_signature", "razorpay_payment_id")
READ_BY_HAND += ("razorpay_order_id",)

CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def our_routes() -> list[str]:
    """Our routes with forms; the API's JSON endpoints have their own walk (core/api/tests)."""
    return sorted(
        {
            route
            for route, module in url_routes()
            if module.startswith(OURS) and not module.startswith(NOT_FORMS) and not route.startswith("api/")
        }
    )


def _fill(route: str, values: dict[str, str]) -> str:
    return "/" + CONVERTER.sub(lambda match: values[match["name"]], route)


def _paths(route: str, real: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """The route with real objects in its parameters, and with each parameter in turn hostile."""
    params = [(match["kind"] or "str", match["name"]) for match in CONVERTER.finditer(route)]
    if not params:
        return [_fill(route, {})], []
    choices = {kind: real.get(kind, ["1"]) for kind, _name in params}
    reals = [
        _fill(route, {name: choices[kind][min(index, len(choices[kind]) - 1)] for kind, name in params})
        for index in range(max(len(values) for values in choices.values()))
    ]
    base = {name: choices[kind][0] for kind, name in params}
    hostile = [
        _fill(route, {**base, name: value})
        for kind, name in params
        for value in HOSTILE_PATH_VALUES.get(kind, HOSTILE_PATH_VALUES["str"])
    ]
    return reals, hostile


def _field_names(html: bytes) -> set[str]:
    return set(re.findall(r'name="([\w\-]+)"', html.decode("utf-8", "replace"))) - {"csrfmiddlewaretoken"}


@pytest.fixture
def real_objects(learner, mentor) -> dict[str, list[str]]:
    """A public session of ``mentor`` with a booking of ``learner`` in checkout: their ids."""
    from core.bookings.services import booking_checkout_start
    from core.mentoring.tests.factories import session_make
    from core.users.services import mentor_approve

    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor)
    booking, payment, order = booking_checkout_start(session=session, learner=learner)
    order_id = getattr(order, "id", None) or order["id"]
    return {
        "int": [str(session.pk), str(booking.pk), str(payment.pk)],
        "slug": [session.room_id, str(order_id)],
        "str": [session.room_id, str(order_id)],
    }


def client_as(client, request, persona: str):
    """The test client signed in as ``persona``; staff have passed the TOTP step in this session."""
    if persona == "anonymous":
        return client
    user = request.getfixturevalue(persona)
    client.force_login(user)
    if persona == "staff":
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
    return client


def test_the_walk_reaches_the_routes_with_parameters():
    routes = our_routes()
    assert "dashboard/mentor/sessions/<int:pk>/edit/" in routes
    assert any("<slug:room_id>" in route for route in routes)
    assert any("<slug:order_id>" in route for route in routes)


def _server_errors(client, path: str, *, with_fields: bool) -> list[str]:
    """GET and POST ``path``; with ``with_fields``, each method the page answers (200 or 400,
    not a redirect, 403, 404 or 405) again with every field name hostile."""
    errors, answered = [], []
    names = set(READ_BY_HAND)
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if response.status_code >= 500:
            errors.append(f"{method.upper()} {path[:120]} -> {response.status_code}")
        if response.status_code in (200, 400):
            answered.append(method)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            names |= _field_names(response.content)
    if not with_fields:
        return errors
    for value in HOSTILE_FIELD_VALUES:
        data = dict.fromkeys(sorted(names), value)
        for method in answered:
            response = getattr(client, method)(path, data)
            if response.status_code >= 500:
                errors.append(f"{method.upper()} {path[:120]} {value[:30]!r} -> {response.status_code}")
    return errors


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", our_routes())
def test_no_server_error(client, request, real_objects, route, persona):
    client.raise_request_exception = False
    client = client_as(client, request, persona)
    reals, hostile = _paths(route, real_objects)
    errors = []
    for path in reals:
        errors += _server_errors(client, path, with_fields=True)
    for path in hostile:
        errors += _server_errors(client, path, with_fields=False)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize(
    ("field", "value"),
    [("starts_at", "9999-12-31T23:59"), ("starts_at", "0001-01-01T00:00"), ("title", "Intro\x00")],
)
def test_the_session_form_answers_a_hostile_value_with_a_message(client, mentor, real_objects, field, value):
    client.force_login(mentor)
    data = {"title": "Recursion", "topics": "Python", "price": "1000", "starts_at": "2030-01-01T10:00"}
    data |= {"duration_minutes": "60", field: value}
    session_pk = real_objects["int"][0]

    for url in ("/dashboard/mentor/sessions/new/", f"/dashboard/mentor/sessions/{session_pk}/edit/"):
        response = client.post(url, data)

        assert response.status_code == 400
        assert response.context["form"].errors[field]


def test_the_browse_filter_answers_a_year_9999_with_a_message(client, learner):
    client.force_login(learner)

    response = client.get("/dashboard/learner/browse/", {"date_from": "9999-12-31", "date_to": "9999-12-31"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date_from": ["Pick a date between 1900 and 2100."],
        "date_to": ["Pick a date between 1900 and 2100."],
    }


@pytest.mark.parametrize("path", ["/session/%00/", "/testmode/checkout/%00/", "/session/%00/board.png"])
def test_a_nul_byte_in_a_path_is_not_found(client, mentor, path):
    client.force_login(mentor)

    assert client.get(path).status_code == 404


def test_an_empty_withdrawal_post_without_two_factor_is_told_why(client, mentor):
    client.force_login(mentor)

    response = client.post("/dashboard/mentor/withdrawals/")

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Turn on two-factor authentication before your first withdrawal."
    ]


@pytest.mark.parametrize("next_url", ["dashboard", "नमस्ते", "core:mentor-home"])
def test_a_next_that_is_not_a_path_is_not_reversed_as_a_view_name(client, learner, next_url):
    client.force_login(learner)

    after_two_factor = client.get("/accounts/two-factor/", {"next": next_url})
    after_marking_read = client.post("/notifications/read/", {"next": next_url})

    assert after_two_factor.status_code == 302
    assert after_marking_read.status_code == 302
