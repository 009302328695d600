"""The OpenAPI schema's shared parts: every operation lists the problem answers it can give,
and the ``Idempotency-Key`` header where it is honoured."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework.permissions import AllowAny

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail", "instance", "code", "errors"],
    "properties": {
        "type": {"type": "string", "description": "`about:blank`: the status code says what kind of problem."},
        "title": {"type": "string", "description": "The HTTP status's phrase."},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "instance": {"type": "string", "description": "The path that was asked for."},
        "code": {"type": "string", "description": "A stable word for programs, e.g. `invalid`, `conflict`."},
        "errors": {
            "type": "array",
            "description": "One per field for a 400.",
            "items": {
                "type": "object",
                "required": ["field", "message", "code"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}, "code": {"type": "string"}},
            },
        },
        "retry_after": {"type": "integer", "description": "Seconds to wait (429 only)."},
        "size": {"type": "integer", "description": "Bytes of the recording stored (recording uploads only)."},
    },
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
MEDIA = "application/problem+json"

IDEMPOTENCY_HEADER = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description="Any unique string (a UUID): sending the same request again with the same key returns the first "
    "answer instead of doing it twice. Kept 24 hours.",
)

_EXAMPLES = {
    400: ("invalid", "Some fields need another look."),
    401: ("not_authenticated", "Authentication credentials were not provided."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "Not found."),
    409: ("conflict", "This session can no longer be booked."),
    410: ("finished", "This recording is finished; start a new one."),
    413: ("too_large", "Send at most 5 MB at a time."),
    422: ("unprocessable", "This Idempotency-Key was sent before with a different request."),
    429: ("throttled", "Request was throttled. Expected available in 30 seconds."),
}


def _problem_response(status: int, description: str) -> OpenApiResponse:
    code, detail = _EXAMPLES[status]
    example = {
        "type": "about:blank",
        "title": description,
        "status": status,
        "detail": detail,
        "instance": "/api/v1/…",
        "code": code,
        "errors": [],
    }
    return OpenApiResponse(
        response=PROBLEM,
        description=description,
        examples=[OpenApiExample(description, value=example, response_only=True, status_codes=[str(status)])],
    )


class ProblemAutoSchema(AutoSchema):
    """drf-spectacular's schema, plus each operation's problem answers and headers."""

    def _problem_statuses(self) -> list[int]:
        method = self.method.upper()
        statuses = [429]
        public = any(isinstance(permission, AllowAny) for permission in self.view.get_permissions())
        if not public:
            statuses += [401, 403]
        query = [
            parameter
            for parameter in self.get_override_parameters()
            if not isinstance(parameter, OpenApiParameter) or parameter.location == OpenApiParameter.QUERY
        ]
        if method in ("POST", "PUT", "PATCH") or query or self._get_paginator() or self.get_filter_backends():
            statuses.append(400)  # a query parameter that does not validate, too
        if "{" in self.path:
            statuses.append(404)
        if self._get_paginator() or any(getattr(parameter, "name", "") == "cursor" for parameter in query):
            statuses.append(404)  # a cursor the list did not give out
        statuses.extend(getattr(self.view, "problem_statuses", {}).get(method, ()))
        if method == "POST" and getattr(self.view, "idempotent_methods", None):
            statuses += [409, 422]
        return sorted(set(statuses))

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method.upper() in getattr(self.view, "idempotent_methods", ()):
            parameters.append(IDEMPOTENCY_HEADER)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        titles = {
            400: "Bad Request",
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not Found",
            409: "Conflict",
            410: "Gone",
            413: "Request Entity Too Large",
            422: "Unprocessable Content",
            429: "Too Many Requests",
        }
        for status in self._problem_statuses():
            if str(status) in responses:
                continue
            problem = _problem_response(status, titles[status])
            responses[str(status)] = {
                "description": problem.description,
                "content": {MEDIA: {"schema": PROBLEM_REF, "examples": self._examples(problem)}},
            }
        return responses

    @staticmethod
    def _examples(problem: OpenApiResponse) -> dict:
        return {
            example.name.replace(" ", ""): {"value": example.value, "summary": example.name}
            for example in problem.examples
        }


def problem_components(result, generator, request, public):
    """Postprocessing hook: the ``Problem`` schema every error answer refers to, and the links
    between operations (``LINKS``)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    add_links(result)
    return result


# OpenAPI links (3.1 §4.8.20): what a client, or a fuzzer's stateful phase (Schemathesis), can do
# next with an answer. ``(operation, status) -> {link name: (target operation, parameters, body)}``.
_BOOKING_ID = {"id": "$response.body#/id"}
LINKS = {
    ("sessions_search", "200"): {
        "BookFirstSession": ("booking_create", {}, {"session_id": "$response.body#/results/0/id"}),
        "GetFirstSession": ("session_get", {"id": "$response.body#/results/0/id"}, None),
    },
    ("booking_create", "201"): {
        "GetBooking": ("booking_get", _BOOKING_ID, None),
        "PayInTestMode": ("testmode_order_pay", {"order_id": "$response.body#/checkout/order_id"}, None),
        "ConfirmPayment": ("booking_payment_confirm", _BOOKING_ID, None),
        "PaymentFailed": ("booking_payment_failed", _BOOKING_ID, None),
        "OpenCheckoutAgain": ("booking_checkout", _BOOKING_ID, None),
        "CancelBooking": ("booking_cancel", _BOOKING_ID, None),
    },
    ("booking_payment_confirm", "200"): {
        "GetBooking": ("booking_get", _BOOKING_ID, None),
        "CancelBooking": ("booking_cancel", _BOOKING_ID, None),
    },
    ("booking_cancel", "200"): {"GetBooking": ("booking_get", _BOOKING_ID, None)},
    ("bookings_list", "200"): {
        "GetFirstBooking": ("booking_get", {"id": "$response.body#/results/0/id"}, None),
        "AcceptFirstBooking": ("booking_accept", {"id": "$response.body#/results/0/id"}, None),
        "RejectFirstBooking": ("booking_reject", {"id": "$response.body#/results/0/id"}, None),
        "CancelFirstBooking": ("booking_cancel", {"id": "$response.body#/results/0/id"}, None),
    },
    ("receipts_list", "200"): {
        "GetFirstReceipt": ("receipt_get", {"id": "$response.body#/results/0/payment_id"}, None)
    },
    ("mentors_list", "200"): {"GetFirstMentor": ("mentor_get", {"id": "$response.body#/results/0/id"}, None)},
    ("booking_get", "200"): {
        "GetRoom": ("booking_room", _BOOKING_ID, None),
        "ListRecordings": ("booking_recordings", _BOOKING_ID, None),
        "GetBoard": ("booking_board_image", _BOOKING_ID, None),
        "AfterTheSession": ("booking_after_get", _BOOKING_ID, None),
    },
    ("booking_recording_start", "201"): {
        "FinishRecording": (
            "booking_recording_finish",
            {"id": "$request.path.id", "recording": "$response.body#/id"},
            None,
        ),
    },
    ("booking_recordings", "200"): {
        "DownloadFirstRecording": (
            "booking_recording_download",
            {"id": "$request.path.id", "recording": "$response.body#/results/0/id"},
            None,
        ),
    },
    ("me_two_factor_setup", "201"): {"TwoFactorStatus": ("me_two_factor_get", {}, None)},
    ("mentor_sessions_list", "200"): {
        "GetFirstOwnSession": ("mentor_session_get", {"id": "$response.body#/results/0/id"}, None),
    },
}


def add_links(result: dict) -> dict:
    """Adds ``LINKS`` to the responses of the operations in ``result`` (those present)."""
    operations = {
        operation["operationId"]: operation
        for item in result.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for (source, status), links in LINKS.items():
        response = operations.get(source, {}).get("responses", {}).get(status)
        if response is None:
            continue
        for name, (target, parameters, body) in links.items():
            if target not in operations:
                continue
            link: dict = {"operationId": target}
            if parameters:
                link["parameters"] = parameters
            if body is not None:
                link["requestBody"] = body
            response.setdefault("links", {})[name] = link
    return result


def only_our_api(endpoints):
    """Preprocessing hook: the schema describes ``/api/v1/`` only (not Wagtail's admin API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
