"""The OpenAPI schema is complete enough for generated clients and fuzzers, and its docs page runs
under the site's Content-Security-Policy with nothing loaded from another origin."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from core.api.schema import LINKS

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
PROBLEM_REF = "#/components/schemas/Problem"


@pytest.fixture
def schema() -> dict:
    answer = Client().get("/api/schema/", {"format": "json"})
    assert answer.status_code == 200
    return json.loads(answer.content)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", method, operation


def test_the_schema_is_openapi_3_1_with_the_problem_schema(schema):
    assert schema["openapi"] == "3.1.0"
    assert set(schema["components"]["schemas"]["Problem"]["required"]) >= {"type", "title", "status", "detail"}
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    assert len(list(operations(schema))) >= 20


def test_every_operation_has_an_id_a_summary_and_tags(schema):
    missing = [
        name
        for name, _method, operation in operations(schema)
        if not operation.get("operationId") or not operation.get("summary") or not operation.get("tags")
    ]
    assert missing == []
    ids = [operation["operationId"] for _name, _method, operation in operations(schema)]
    assert len(ids) == len(set(ids))


def test_every_operation_documents_a_problem_answer(schema):
    def problem_4xx(operation) -> list[str]:
        return [
            status
            for status, response in operation["responses"].items()
            if status.startswith("4")
            and response.get("content", {}).get("application/problem+json", {}).get("schema", {}).get("$ref")
            == PROBLEM_REF
        ]

    assert [name for name, _method, operation in operations(schema) if not problem_4xx(operation)] == []


def test_every_request_body_has_an_example(schema):
    def has_example(operation) -> bool:
        bodies = operation["requestBody"].get("content", {})
        if "application/json" not in bodies:
            return True  # a file's bytes (a recording's chunk): nothing to show as an example
        content = bodies["application/json"]
        return bool(content.get("examples") or content.get("example"))

    missing = [
        name
        for name, method, operation in operations(schema)
        if method in ("post", "patch") and "requestBody" in operation and not has_example(operation)
    ]
    assert missing == []


def test_a_booking_links_to_what_comes_next(schema):
    links = schema["paths"]["/api/v1/bookings/"]["post"]["responses"]["201"]["links"]
    assert {link["operationId"] for link in links.values()} >= {
        "booking_get",
        "booking_payment_confirm",
        "booking_cancel",
        "testmode_order_pay",
    }
    assert links["GetBooking"]["parameters"] == {"id": "$response.body#/id"}
    targets = {operation["operationId"] for _name, _method, operation in operations(schema)}
    for _name, _method, operation in operations(schema):
        for response in operation["responses"].values():
            assert {link["operationId"] for link in response.get("links", {}).values()} <= targets


def test_every_link_names_operations_that_exist(schema):
    """A misspelt operation id would drop its link without a word (add_links skips it)."""
    ids = {operation["operationId"] for _name, _method, operation in operations(schema)}
    named = {source for source, _status in LINKS} | {
        target for links in LINKS.values() for target, _parameters, _body in links.values()
    }
    assert named - ids == set()


def test_lists_document_a_bad_query_and_a_stale_cursor(schema):
    for path in ("/api/v1/bookings/", "/api/v1/sessions/", "/api/v1/receipts/", "/api/v1/mentors/"):
        assert {"400", "404"} <= set(schema["paths"][path]["get"]["responses"]), path


def test_the_docs_page_runs_under_a_strict_csp_from_our_own_static_files():
    answer = Client().get("/api/docs/")
    assert answer.status_code == 200
    policy = answer["Content-Security-Policy"]
    directives = {
        name: rest for name, _, rest in (part.strip().partition(" ") for part in policy.split(";") if part.strip())
    }
    script_src = directives.get("script-src", directives.get("default-src", ""))
    assert script_src and "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    html = answer.content.decode()
    addresses = re.findall(r"<(?:script|link)\b[^>]*?\b(?:src|href)=[\"']([^\"']+)", html)
    assert addresses, html
    assert [address for address in addresses if re.match(r"(https?:)?//", address)] == []
    # Swagger UI's files come from drf-spectacular-sidecar's static files; its start-up script is
    # served by the docs view itself (the split view), never inline.
    assert all(address.startswith(("/static/", "/api/docs/?script")) for address in addresses), addresses
    assert not re.search(r"<script\b(?![^>]*\bsrc=)[^>]*>", html)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html


def test_every_reference_names_a_component(schema):
    """A page's ``$ref`` once named ``Booking`` and ``SessionCard``, components no operation made:
    a generated client dropped those lists' answers (core.api.pagination.page_of)."""
    named = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(schema)))
    assert named - set(schema["components"]["schemas"]) == set()
