"""The project's URL routes, read from Django's resolver: the tests that must cover every URL
(access matrix, hostile input, second-factor gate, headers) walk this, never a hand-kept list."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, getattr(pattern.callback, "__module__", "") or ""


def url_routes() -> list[tuple[str, str]]:
    """Every route as ``(route, module of its view)``, e.g. ``("session/<slug:room_id>/", "core...")``,
    sorted and without repeats."""
    return sorted(set(_walk(get_resolver().url_patterns)))
