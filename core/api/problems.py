"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API answers has the same shape, whatever raised it (DRF, Django, a service)::

    {"type": "about:blank", "title": "Conflict", "status": 409,
     "detail": "This session can no longer be booked.", "instance": "/api/v1/bookings/",
     "code": "conflict", "errors": []}

``type`` stays ``about:blank`` (RFC 9457 §4.2.1), so ``title`` is the HTTP status's phrase;
``code`` is a stable machine word, ``detail`` the sentence a person reads (the web page's own
wording), ``errors`` one ``{"field", "message", "code"}`` per field for a 400.

Services raise Django's ``ValidationError`` for bad input (400) and its subclasses
``BookingError``/``PaymentError``/``DisputeError`` when the state of things refuses a request that
is well formed (409); ``PermissionError`` is 403.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from core.bookings.disputes import DisputeError
from core.bookings.services import BookingError
from core.payments.gateways import GatewayError
from core.payments.services import PaymentError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
CONFLICTS = (BookingError, PaymentError, DisputeError)


class Conflict(exceptions.APIException):
    """The request is well formed, but the state of things refuses it (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This cannot be done now."
    default_code = "conflict"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "This request needs a header it did not send."
    default_code = "precondition_required"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This request cannot be processed."
    default_code = "unprocessable"


def problem(*, status_code: int, detail: str, code: str, instance: str = "", errors=None, **extra) -> dict:
    """The body of a problem details answer."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
        "instance": instance,
        "code": code,
        "errors": errors or [],
    }
    body.update(extra)
    return body


def _field_errors(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error detail as a flat list: ``{"field": "topics.2", "message", "code"}``."""
    rows: list[dict] = []
    if isinstance(detail, dict):
        for name, value in detail.items():
            field = f"{prefix}.{name}" if prefix else str(name)
            rows.extend(_field_errors(value, "" if field == "non_field_errors" else field))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                rows.extend(_field_errors(value, f"{prefix}.{index}" if prefix else str(index)))
            else:
                rows.extend(_field_errors(value, prefix))
    else:
        rows.append({"field": prefix, "message": str(detail), "code": getattr(detail, "code", "invalid")})
    return rows


def _from_django(exc: DjangoValidationError) -> exceptions.APIException:
    # A service's refusal of a well-formed request ("You have rated this session already") is
    # raised as a ValidationError with code "refused": a state conflict too. Errors per field
    # ("Tell us what went wrong.") are bad input, whichever class carries them.
    per_field = hasattr(exc, "error_dict")
    if not per_field and (isinstance(exc, CONFLICTS) or getattr(exc, "code", None) == "refused"):
        error = Conflict(exc.messages[0] if exc.messages else Conflict.default_detail)
        error.code = getattr(exc, "code", None) or "conflict"
        return error
    if per_field:
        return exceptions.ValidationError(
            {
                ("non_field_errors" if field == "__all__" else field): [
                    exceptions.ErrorDetail(message, code=error.code or "invalid")
                    for error in errors
                    for message in error.messages
                ]
                for field, errors in exc.error_dict.items()
            }
        )
    return exceptions.ValidationError(
        {"non_field_errors": [exceptions.ErrorDetail(m, code=exc.code or "invalid") for m in exc.messages]}
    )


def problem_exception_handler(exc, context):
    """DRF's ``EXCEPTION_HANDLER``: every error as problem details."""
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, PermissionError):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, GatewayError):
        exc = exceptions.APIException(exc.user_message)
        exc.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    response = exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500 handler logs it
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if str(exc) and "matches the given query" not in str(exc) else None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    errors: list[dict] = []
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        first = errors[0]["message"] if len(errors) == 1 and not errors[0]["field"] else ""
        detail = first or "Some fields need another look."
        code = "invalid"
    elif isinstance(exc, exceptions.APIException):
        detail_value = exc.detail
        if isinstance(detail_value, dict):  # simplejwt's {"detail", "code", "messages"}
            detail = str(detail_value.get("detail", exc.default_detail))
            code = str(detail_value.get("code", exc.default_code))
        elif isinstance(detail_value, list):
            detail = " ".join(str(item) for item in detail_value)
            code = exc.default_code
        else:
            detail = str(detail_value)
            code = getattr(detail_value, "code", None) or exc.default_code
            if code == "error":
                code = getattr(exc, "code", None) or exc.default_code
    else:
        detail, code = str(exc), "error"
    extra = {}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        extra["retry_after"] = int(exc.wait)
    body = problem(
        status_code=response.status_code, detail=detail, code=str(code), instance=instance, errors=errors, **extra
    )
    headers = {name: response[name] for name in ("WWW-Authenticate", "Retry-After", "Allow") if name in response}
    return Response(body, status=response.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


class NoSuchEndpoint(APIView):
    """Any path under ``/api/`` that names no endpoint (``/api/v1/bookings/null/``, an order id that is
    no slug): a 404 problem, whatever the method, instead of the website's HTML page (or, for a POST,
    the CSRF refusal of the CMS's catch-all). Routed last in ``core/api/urls.py``."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    schema = None  # not an operation

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound("No such endpoint: see /api/docs/.")
