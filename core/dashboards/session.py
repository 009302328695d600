"""The public session page a learner books from, ``/sessions/<pk>/``, and its "Book and pay";
a mentor's public page, ``/mentors/<pk>-<name>/``.

The page composes the apps below: the session (mentoring), who holds its slot (bookings), the
fee (money), test mode (payments), the mentor's profile (users) and the reviews of their past
rooms (room). core/urls.py mounts ``session_detail`` as ``mentoring:session-detail`` and
``booking_start`` as ``bookings:booking-start``, the addresses they always had.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.bookings.selectors import session_slot_state
from core.bookings.selectors.recommending import session_cards_bookable_by_mentor
from core.bookings.services import BEING_BOOKED, SLOT_TAKEN, BookingError, booking_checkout_start
from core.bookings.views import checkout_response
from core.dashboards import seo
from core.mentoring.models import MentoringSession
from core.mentoring.selectors import (
    mentor_get_public,
    mentor_page_path,
    mentor_records_get,
    session_get_public,
)
from core.money import fee_itemised, format_inr, split
from core.payments.gateways import get_gateway
from core.room.selectors import review_list_for_mentor
from core.users.access import restrict_to_role
from core.users.models import Role
from core.users.selectors import dashboard_profile_get, follow_state_get
from core.users.services import follow_start, follow_stop

CONFLICTS = (SLOT_TAKEN, BEING_BOOKED)


def session_detail_render(
    request: HttpRequest, session: MentoringSession, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The preview page; ``booking_start`` re-renders it with ``error`` when booking is refused."""
    amounts = split(session.price_paise)
    user = request.user
    context = {
        "session": session,
        "fee_line": fee_itemised(
            price_paise=amounts.price_paise, fee_paise=amounts.fee_paise, amount_paise=amounts.amount_paise
        ),
        "amount": format_inr(amounts.amount_paise),
        "slot": session_slot_state(session=session, viewer=user),
        "started": session.starts_at <= timezone.now(),
        "is_learner": user.is_authenticated and user.role == Role.LEARNER,
        "is_anonymous": not user.is_authenticated,
        "test_mode": get_gateway().is_test_mode,
        "error": error,
        "mentor_profile": dashboard_profile_get(user=session.mentor),
        "record": (record := mentor_records_get(mentor_ids=[session.mentor_id])[session.mentor_id]),
        "rating": record.ratings,
        "reviews": review_list_for_mentor(mentor_id=session.mentor_id),
        "mentor_page": (mentor_url := mentor_page_path(mentor_id=session.mentor_id, name=session.mentor.name)),
        "follow": follow_state_get(viewer=user, mentor=session.mentor),
        "structured_data": seo.session_page_data(request, session, mentor_url=mentor_url),
        "og": seo.OpenGraph(
            title=f"{session.title} · with {session.mentor.name} on PeerLearn",
            description=(
                f"A live one-to-one session with {session.mentor.name}, "
                f"{timezone.localtime(session.starts_at):%a %-d %b, %-I:%M %p %Z} · {format_inr(amounts.amount_paise)}."
            ),
            url=request.build_absolute_uri(f"/sessions/{session.pk}/"),
            image=request.build_absolute_uri(session.mentor.avatar.url) if session.mentor.avatar else "",
        ),
    }
    return render(request, "mentoring/session_detail.html", context, status=status)


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """``/sessions/<pk>/``: public for live and upcoming sessions of approved mentors; 404 otherwise."""
    session = session_get_public(pk=pk)
    if session is None:
        raise Http404("No such session.")
    return session_detail_render(request, session)


@never_cache
@require_POST
@restrict_to_role(Role.LEARNER)
def booking_start(request: HttpRequest, session_pk: int) -> HttpResponse:
    """``/bookings/start/<session_pk>/``: hold the slot and open checkout; a refusal re-renders the
    preview with the reason."""
    session = session_get_public(pk=session_pk)
    if session is None:
        raise Http404("No such session.")
    try:
        booking, payment, _order = booking_checkout_start(session=session, learner=request.user)
    except BookingError as exc:
        message = exc.messages[0]
        return session_detail_render(request, session, error=message, status=409 if message in CONFLICTS else 400)
    return checkout_response(request, booking, payment)


MENTOR_PAGE_SESSIONS = 6


def mentor_page(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    """``/mentors/<pk>-<name>/``: an approved mentor's public page (who they are, their verified
    rating and reviews, their sessions open for booking); 404 for anyone else. Any other spelling
    of the address redirects to this one, so each mentor has one address."""
    mentor = mentor_get_public(pk=pk)
    if mentor is None:
        raise Http404("No such mentor.")
    path = mentor_page_path(mentor_id=mentor.pk, name=mentor.name)
    if request.path != path:
        return HttpResponsePermanentRedirect(path)
    record = mentor_records_get(mentor_ids=[mentor.pk])[mentor.pk]
    context = {
        "mentor": mentor,
        "mentor_profile": mentor.mentor_profile,
        "record": record,
        "rating": record.ratings,
        "reviews": review_list_for_mentor(mentor_id=mentor.pk),
        "sessions": session_cards_bookable_by_mentor(mentor_ids=[mentor.pk], per_mentor=MENTOR_PAGE_SESSIONS).get(
            mentor.pk, []
        ),
        "follow": (follow := follow_state_get(viewer=request.user, mentor=mentor)),
    }
    context["structured_data"] = seo.mentor_page_data(
        request, mentor, profile=mentor.mentor_profile, followers=follow.followers, sessions=context["sessions"]
    )
    context["og"] = seo.OpenGraph(
        title=f"{mentor.name} · Mentor on PeerLearn",
        description=render_to_string("mentoring/_mentor_description.txt", context).strip(),
        url=request.build_absolute_uri(path),
        type="profile",
        image=request.build_absolute_uri(mentor.avatar.url) if mentor.avatar else "",
    )
    return render(request, "mentoring/mentor_page.html", context)


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback


@never_cache
@require_POST
@restrict_to_role(Role.LEARNER)
def mentor_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """``/mentors/<pk>/follow/``: follow (``follow=1``) or stop following (``follow=0``) a mentor.
    A page's script asks for JSON and updates the button; without it, back to ``next``."""
    mentor = mentor_get_public(pk=pk)
    if mentor is None:
        raise Http404("No such mentor.")
    wanted = request.POST.get("follow", "1") != "0"
    try:
        if wanted:
            follow_start(follower=request.user, mentor=mentor)
        else:
            follow_stop(follower=request.user, mentor=mentor)
    except ValidationError as exc:
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"error": exc.messages[0]}, status=400)
        messages.error(request, exc.messages[0])
        return redirect(_back(request, mentor_page_path(mentor_id=mentor.pk, name=mentor.name)))
    state = follow_state_get(viewer=request.user, mentor=mentor)
    text = (
        f"You follow {mentor.name}: you will hear when they publish a session."
        if state.following
        else f"You no longer follow {mentor.name}."
    )
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"following": state.following, "followers": state.followers, "message": text})
    messages.success(request, text)
    return redirect(_back(request, mentor_page_path(mentor_id=mentor.pk, name=mentor.name)))
