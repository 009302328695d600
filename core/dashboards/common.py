"""What every dashboard page shares: its sections, their live badges, and how it renders."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.bookings.selectors import booking_count_pending_for_mentor, booking_count_upcoming_for_learner
from core.dashboards.navigation import sections_for
from core.dashboards.tour import tour_steps_for
from core.payments.gateways import get_gateway
from core.users.models import Role, User


def nav_badges(*, user: User) -> dict[str, int]:
    """The counts next to the dashboard sections: "2 Pending", "1 Upcoming" (one query)."""
    if user.role == Role.MENTOR:
        return {"pending": booking_count_pending_for_mentor(mentor=user)}
    if user.role == Role.LEARNER:
        return {"upcoming": booking_count_upcoming_for_learner(learner=user)}
    return {}


def render_section(request: HttpRequest, template: str, *, section: str, **context) -> HttpResponse:
    """Render a dashboard section. htmx requests get the same full page; the client keeps
    only ``#dash-main`` (``hx-select``), so every page also works without JavaScript."""
    user = request.user
    context.setdefault("test_mode", get_gateway().is_test_mode)
    return render(
        request,
        template,
        {
            "dash_sections": sections_for(user),
            "dash_current": section,
            "dash_badges": nav_badges(user=user),
            "welcome_tour": tour_steps_for(user) if section == "home" else None,
            **context,
        },
    )


PER_PAGE = 25


class SelectorRows:
    """What ``Paginator`` needs from a selector: ``count()`` and slicing, each one query.

    ``rows(limit=, offset=)`` returns the shaped rows of one page; ``count()`` the total. So a
    long history costs one COUNT and one page of rows, never the whole list.
    """

    def __init__(self, *, rows: Callable[..., list], count: Callable[[], int]):
        self._rows, self._count = rows, count

    def count(self) -> int:
        return self._count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        return self._rows(limit=index.stop - index.start, offset=index.start)


def page_get(
    request: HttpRequest,
    *,
    rows: Callable[..., list],
    count: Callable[[], int],
    per_page: int = PER_PAGE,
    param: str = "page",
):
    """The page of ``?<param>=N`` (the last one for a number past the end; the first for nonsense).

    A page can hold two lists paged apart (``?upcoming=2&page=3``): each has its own ``param``,
    and the page's ``previous_query`` and ``next_query`` keep the other list where it is.
    """
    page = Paginator(SelectorRows(rows=rows, count=count), per_page).get_page(request.GET.get(param))
    page.previous_query = _query_with(request, param, page.previous_page_number() if page.has_previous() else None)
    page.next_query = _query_with(request, param, page.next_page_number() if page.has_next() else None)
    return page


def _query_with(request: HttpRequest, param: str, number: int | None) -> str:
    """``?…`` for this request's query with ``param`` set to ``number`` ("" for no such page)."""
    if number is None:
        return ""
    query = request.GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}"
