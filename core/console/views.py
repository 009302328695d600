"""The console's staff pages, inside the Django admin (``admin.site.admin_view``: staff who typed
their TOTP code). Each checks its permission, calls one service, and tells staff what happened."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from core.audit.services import audit_record
from core.bookings.models import Booking
from core.bookings.services import BookingError
from core.console import selectors, services
from core.console.forms import EraseForm, MentorDecisionForm, ReasonForm
from core.mentoring.models import MentoringSession
from core.users.models import Role, User

MAX_PEOPLE = 50


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _context(request: HttpRequest, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _ids(request: HttpRequest) -> list[int]:
    raw = request.POST.get("ids") if request.method == "POST" else request.GET.get("ids")
    ids = []
    for part in (raw or "").split(","):
        part = part.strip()
        if part.isdigit() and len(part) < 12:
            ids.append(int(part))
    return ids[:MAX_PEOPLE]


@require_http_methods(["GET", "POST"])
def person_block_view(request: HttpRequest, unblock: bool = False) -> HttpResponse:
    """Block (or unblock) the chosen people, saying first what it will do: for each, the sessions
    and bookings cancelled and the money refunded. Needs a reason."""
    _require(request, "users.block_user")
    ids = _ids(request)
    people = list(User.objects.filter(pk__in=ids).order_by("email"))
    form = ReasonForm(request.POST if request.method == "POST" else None)
    previews = [] if unblock else [selectors.block_preview(person=person) for person in people]
    status = 200
    problem = ""
    if not people:
        problem = "Choose the people first, in the list of people."
        status = 400
    elif request.method == "POST" and form.is_valid():
        done, problems = 0, []
        for person in people:
            try:
                if unblock:
                    done += services.person_unblock(person=person, by=request.user, reason=form.cleaned_data["reason"])
                else:
                    outcome = services.person_block(person=person, by=request.user, reason=form.cleaned_data["reason"])
                    done += outcome.blocked
            except ValidationError as exc:
                problems.append(f"{person.email}: {' '.join(exc.messages)}")
        for problem in problems:
            messages.error(request, problem)
        verb = "Unblocked" if unblock else "Blocked"
        messages.success(request, f"{verb} {done} account(s).")
        return redirect("admin:users_user_changelist")
    elif request.method == "POST":
        status = 400
    title = "Unblock people" if unblock else "Block people"
    context = _context(
        request,
        title,
        people=people,
        previews=previews,
        form=form,
        ids=",".join(str(person.pk) for person in people),
        unblock=unblock,
        problem=problem,
        refund_total=sum(preview.refund_paise for preview in previews),
    )
    return TemplateResponse(request, "admin/console/person_block.html", context, status=status)


@require_http_methods(["GET", "POST"])
def person_erase_view(request: HttpRequest) -> HttpResponse:
    """Erase one person's personal data on their request (DPDP), saying first what goes and what
    stays; needs a reason and a confirmation."""
    _require(request, "users.erase_user")
    person = User.objects.filter(pk__in=_ids(request)[:1]).first()
    if person is None:
        raise Http404("Choose the person first, in the list of people.")
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            counts = services.person_erase(person=person, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                f"Erased person {person.pk}: account anonymised, {counts['notifications']} notification(s) and "
                f"{counts['chat_messages']} chat message(s) erased; money records kept.",
            )
            return redirect("admin:users_user_changelist")
    context = _context(
        request, "Erase personal data", person=person, preview=selectors.block_preview(person=person), form=form
    )
    return TemplateResponse(request, "admin/console/person_erase.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def mentor_queue_view(request: HttpRequest) -> HttpResponse:
    """Mentors waiting for approval, oldest first, with their profile and intro video; approve,
    or ask for changes with a message that reaches them."""
    _require(request, "users.approve_mentor")
    form = MentorDecisionForm(request.POST if request.method == "POST" else None)
    failed_for = None
    if request.method == "POST":
        if form.is_valid():
            mentor = User.objects.filter(pk=form.cleaned_data["mentor"], role=Role.MENTOR).first()
            if mentor is None:
                form.add_error(None, "That mentor is not in the queue any more.")
            else:
                approved = form.cleaned_data["decision"] == "approve"
                try:
                    services.mentor_decide(
                        mentor=mentor, by=request.user, approved=approved, note=form.cleaned_data["note"]
                    )
                except ValidationError as exc:
                    _form_errors(form, exc)
                else:
                    verb = "approved: their sessions are public" if approved else "asked to change their profile"
                    messages.success(request, f"{mentor.name or mentor.email} {verb}. They have been told.")
                    return redirect("console:mentor-queue")
        failed_for = form.data.get("mentor")
    queue = selectors.mentor_queue()
    context = _context(
        request, "Mentors waiting for approval", queue=queue, form=form, failed_for=str(failed_for or "")
    )
    return TemplateResponse(request, "admin/console/mentor_queue.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def session_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one session: says first whose bookings are refunded and how much; needs a reason,
    which the learners read."""
    _require(request, "mentoring.cancel_mentoringsession")
    session = get_object_or_404(MentoringSession.objects.select_related("mentor"), pk=pk)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = services.session_cancel_by_staff(
                session=session, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if cancelled:
                messages.success(
                    request, f"Cancelled “{session.title}”. Its learners are refunded in full and told why."
                )
            else:
                messages.warning(request, f"“{session.title}” was not upcoming any more: nothing was cancelled.")
            return redirect("console:session-support", session.pk)
    preview = selectors.session_preview(session=session)
    context = _context(request, f"Cancel “{session.title}”", session=session, preview=preview, form=form)
    return TemplateResponse(request, "admin/console/session_cancel.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def booking_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one booking with a full refund; the learner reads the reason."""
    _require(request, "bookings.cancel_booking")
    booking = get_object_or_404(Booking.objects.select_related("learner", "session__mentor"), pk=pk)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = services.booking_cancel(booking=booking, by=request.user, reason=form.cleaned_data["reason"])
        except BookingError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if cancelled:
                messages.success(
                    request, f"Booking {booking.reference} cancelled; the learner is refunded and told why."
                )
            else:
                messages.warning(request, f"Booking {booking.reference} was over already: nothing changed.")
            return redirect("console:session-support", booking.session_id)
    refund = selectors.session_preview(session=booking.session)
    refund_paise = next((b.refund_paise for b in refund.sessions[0].open_bookings if b.pk == booking.pk), 0)
    context = _context(
        request, f"Cancel booking {booking.reference}", booking=booking, refund_paise=refund_paise, form=form
    )
    return TemplateResponse(request, "admin/console/booking_cancel.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET"])
def session_support_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One session as support sees it: bookings, payments, presence, attendance, chat, topics,
    recordings and disputes. Reading a private chat is itself recorded in the audit trail."""
    _require(request, "mentoring.view_mentoringsession")
    support = selectors.session_support(session_id=pk)
    if support is None:
        raise Http404("No such session.")
    if support.chat:
        audit_record(action="read chat", obj=support.session, reason="Opened the session's support view")
    can = {
        "cancel_session": request.user.has_perm("mentoring.cancel_mentoringsession"),
        "cancel_booking": request.user.has_perm("bookings.cancel_booking"),
    }
    context = _context(request, f"Support: {support.session.title}", support=support, can=can)
    return TemplateResponse(request, "admin/console/session_support.html", context)
