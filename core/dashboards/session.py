"""Public pages about mentoring sessions: the preview a learner books from."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.bookings.selectors import session_slot_state
from core.mentoring.models import MentoringSession
from core.mentoring.selectors import session_get_public
from core.money import format_inr, split
from core.payments.gateways import get_gateway
from core.room.selectors import rating_summary_for_mentors, review_list_for_mentor
from core.users.models import Role
from core.users.selectors import dashboard_profile_get


def fee_itemised(*, price_paise: int, fee_paise: int, amount_paise: int) -> str:
    """ "Session ₹1,000 + platform fee ₹100 = ₹1,100", as shown before paying and on the booking."""
    return f"Session {format_inr(price_paise)} + platform fee {format_inr(fee_paise)} = {format_inr(amount_paise)}"


def session_detail_render(
    request: HttpRequest, session: MentoringSession, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The preview page; the booking start view re-renders it with ``error`` when booking is refused."""
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
        "rating": rating_summary_for_mentors(mentor_ids=[session.mentor_id]).get(session.mentor_id),
        "reviews": review_list_for_mentor(mentor_id=session.mentor_id),
    }
    return render(request, "mentoring/session_detail.html", context, status=status)


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """``/sessions/<pk>/``: public for live and upcoming sessions of approved mentors; 404 otherwise."""
    session = session_get_public(pk=pk)
    if session is None:
        raise Http404("No such session.")
    return session_detail_render(request, session)
