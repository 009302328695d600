"""Cursor pages: ``{"next": url, "previous": url, "results": [...]}``.

A cursor is opaque and stable while rows are added (a feed's new notifications do not shift the
next page, as offsets would). ``CursorPage`` is DRF's keyset cursor over a queryset's ordering;
``RankedPage`` serves lists ranked outside the database (search by relevance), whose only order
is their rank: its cursor carries the position, signed so it cannot be forged into a huge one.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from binascii import Error as BinasciiError
from functools import cache

from django.core import signing
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

MAX_PAGE_SIZE = 100
INVALID_CURSOR = "That cursor is not one this list gave out: start again from the first page."


class CursorPage(CursorPagination):
    """Newest first by default; a view names its own ``ordering`` (unique, or ending in ``pk``)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-created_at", "-pk")
    invalid_cursor_message = INVALID_CURSOR

    def get_ordering(self, request, queryset, view):
        return getattr(view, "ordering", None) or self.ordering

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return page_schema(schema)


def page_schema(schema: dict) -> dict:
    link = {"type": ["string", "null"], "format": "uri"}
    return {
        "type": "object",
        "required": ["next", "previous", "results"],
        "properties": {"next": link, "previous": link, "results": schema},
    }


@cache
def page_of(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """A page of ``item`` for the schema: ``BookingSerializer`` gives the component ``BookingPage``
    (and, through it, ``Booking``; a raw ``$ref`` in ``page_schema`` names a component that only
    exists when some other operation answers with that serializer)."""
    name = f"{item.__name__.removesuffix('Serializer')}PageSerializer"
    fields = {
        "next": serializers.URLField(allow_null=True, help_text="The next page, or null on the last."),
        "previous": serializers.URLField(allow_null=True, help_text="The page before, or null on the first."),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), {"__module__": item.__module__, **fields})


class RankedPage:
    """Pages of a list already in its final order (a ranked search)."""

    page_size = 20
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    salt = "core.api.ranked-cursor"

    def page_size_of(self, request) -> int:
        try:
            size = int(request.query_params.get(self.page_size_query_param, self.page_size))
        except ValueError:
            return self.page_size
        return min(max(size, 1), self.max_page_size)

    def position_of(self, request) -> int:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return 0
        try:
            value = signing.loads(b64decode(raw.encode("ascii"), validate=True).decode("ascii"), salt=self.salt)
        except (signing.BadSignature, BinasciiError, UnicodeError, ValueError):
            raise NotFound(INVALID_CURSOR) from None
        if not isinstance(value, int) or value < 0:
            raise NotFound(INVALID_CURSOR)
        return value

    def _link(self, request, position: int) -> str:
        url = request.build_absolute_uri()
        if position <= 0:
            return remove_query_param(url, self.cursor_query_param)
        cursor = b64encode(signing.dumps(position, salt=self.salt).encode("ascii")).decode("ascii")
        return replace_query_param(url, self.cursor_query_param, cursor)

    def window(self, request) -> tuple[int, int]:
        """``(start, size)`` of the page asked for."""
        return self.position_of(request), self.page_size_of(request)

    def response(self, request, *, results: list, start: int, size: int, total: int) -> Response:
        has_next = start + size < total
        return Response(
            {
                "next": self._link(request, start + size) if has_next else None,
                "previous": self._link(request, max(start - size, 0)) if start > 0 else None,
                "results": results,
            }
        )
