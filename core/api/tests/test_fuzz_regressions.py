"""What Schemathesis (tests/api_fuzz/run.sh) found, each kept fixed: every answer the API gives is
one its schema documents, with the documented content type."""

from __future__ import annotations

import io
import json
import re

import pytest
from django import urls
from django.test import Client
from rest_framework.test import APIClient

from core.api.problems import NoSuchEndpoint
from core.api.tests.helpers import bearer
from core.users.models import User

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"

# The API's routes, then the catch-all core/api/urls.py should end with (see NoSuchEndpoint).
urlpatterns = [
    urls.path("api/", urls.include(("core.api.urls", "api"))),
    urls.re_path(r"^api/", NoSuchEndpoint.as_view()),
]


@pytest.fixture
def schema() -> dict:
    return json.loads(Client().get("/api/schema/", {"format": "json"}).content)


def documented(schema: dict, method: str, path: str) -> set[int]:
    return {int(status) for status in schema["paths"][path][method]["responses"]}


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/bookings/", {"status": "AAA"}),
        ("/api/v1/sessions/", {"topic": "0" * 61}),
        ("/api/v1/sessions/", {"starts_from": "2026-12-24T18:30:00"}),  # no offset
    ],
)
def test_a_list_query_that_does_not_validate_is_a_documented_400(schema, learner, path, query):
    answer = bearer(learner).get(path, query)
    assert answer.status_code == 400 and answer["Content-Type"] == PROBLEM
    assert 400 in documented(schema, "get", path)


@pytest.mark.parametrize("path", ["/api/v1/bookings/", "/api/v1/receipts/", "/api/v1/mentors/", "/api/v1/sessions/"])
def test_a_cursor_the_list_did_not_give_out_is_a_documented_404(schema, learner, path):
    answer = bearer(learner).get(path, {"cursor": "\u00c9\u0095U", "page_size": 88})
    assert answer.status_code == 404 and answer["Content-Type"] == PROBLEM
    assert 404 in documented(schema, "get", path)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/auth/token/", {"email": "nobody@example.com", "password": "not it"}),
        ("/api/v1/auth/token/refresh/", {"refresh": "0"}),
        ("/api/v1/auth/logout/", {"refresh": "0", "everywhere": False}),
        ("/api/v1/auth/token/second-factor/", {"ticket": "eyJ1c2VyIjo…", "code": "123456"}),
    ],
)
def test_a_refused_sign_in_or_token_answers_a_documented_status(schema, path, body):
    answer = APIClient().post(path, body, format="json")
    assert answer.status_code in (401, 403) and answer["Content-Type"] == PROBLEM
    assert answer.status_code in documented(schema, "post", path)


def test_every_list_page_names_components_that_exist(schema):
    """``Booking`` and ``SessionCard`` pages once referred to components no operation made."""
    for path, component in (("/api/v1/bookings/", "BookingPage"), ("/api/v1/sessions/", "SessionCardPage")):
        ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/{component}"
    named = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(schema)))
    assert named <= set(schema["components"]["schemas"])


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/bookings/null,null/"),
        ("post", "/api/v1/bookings/null,null/cancel/"),
        ("post", "/api/v1/testmode/orders/\u00fb\U000286ca/pay/"),  # no slug: was the CMS's CSRF 403 page
        ("delete", "/api/v1/nothing-here/"),
    ],
)
def test_a_path_that_names_no_endpoint_is_a_problem_not_a_web_page(learner, method, path):
    answer = getattr(bearer(learner), method)(path)
    assert answer.status_code == 404 and answer["Content-Type"] == PROBLEM
    assert answer.json()["code"] == "not_found" and answer.json()["instance"] == path


@pytest.mark.urls(__name__)
def test_the_catch_all_leaves_real_endpoints_alone(learner, schema):
    assert bearer(learner).get("/api/v1/me/").status_code == 200
    assert all(path.startswith("/api/v1/") and "^" not in path for path in schema["paths"])  # not an operation


@pytest.mark.parametrize("path", ["/api/v1/bookings/479001599/reject/", "/api/v1/bookings/479001599/cancel/"])
def test_a_replayed_problem_keeps_its_content_type(learner, path):
    """The same Idempotency-Key sent twice replayed a 404 problem as ``application/json``."""
    client = bearer(learner)
    first = client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="fuzz-replay-1")
    again = client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="fuzz-replay-1")
    assert first.status_code == again.status_code == 404
    assert again["Idempotent-Replayed"] == "true"
    assert first["Content-Type"] == again["Content-Type"] == PROBLEM
    assert again.json() == first.json()


@pytest.mark.parametrize("action", ["report", "went-as-booked", "feedback"])
def test_after_the_session_a_refusal_is_a_documented_409(schema, learner, mentor, action):
    """Found by the fuzzer: a report on a booking whose session has not ended is refused with 409
    ("Only the learner of this booking can report a problem."), which the schema did not list."""
    from core.bookings.services import booking_checkout_start
    from core.mentoring.tests.factories import session_make
    from core.users.services import mentor_approve

    mentor_approve(mentor=mentor)
    booking, _payment, _order = booking_checkout_start(session=session_make(mentor=mentor), learner=learner)
    body = {"report": {"reason": "x"}, "went-as-booked": {"went_as_booked": False}, "feedback": {"rating": 5}}
    refused = bearer(learner).post(f"/api/v1/bookings/{booking.pk}/{action}/", body[action], format="json")
    assert refused.status_code == 409 and refused["Content-Type"] == PROBLEM
    assert 409 in documented(schema, "post", f"/api/v1/bookings/{{id}}/{action}/")


def test_the_fuzz_script_passes_its_random_password_as_one_argument():
    """``secrets.token_urlsafe`` begins with "-" one time in 32: passed as ``--password "$password"``,
    argparse took it for an option and the fuzz run died before it began (seen locally)."""
    from pathlib import Path

    from django.core.management import call_command

    script = (Path(__file__).resolve().parents[3] / "tests" / "api_fuzz" / "run.sh").read_text()
    [line] = [line for line in script.splitlines() if "manage.py api_fuzz_personas" in line and line[0] != "#"]
    assert '--password="$password"' in line
    call_command("api_fuzz_personas", "--password=-Starts-with-a-dash", "--sessions=1", stdout=io.StringIO())
    assert User.objects.get(email="fuzz-learner@example.com").check_password("-Starts-with-a-dash")
