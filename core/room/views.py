"""The live room's pages and endpoints: the room, recordings, the board as a PNG, feedback.

Thin: each asks ``room_access_get`` who the person is, calls one service, shapes the answer.
The room page renders ``mentoring/room.html`` with ``room_config`` (read by static/js/room/main.js
from the ``room-config`` json_script); every refusal renders ``mentoring/room_closed.html``.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import pluginmanager
from core.bookings.selectors import booking_after_session
from core.mentoring.models import SessionStatus
from core.room import access as room_access
from core.room.access import RoomAccess, RoomError, room_access_get, room_closes_at
from core.room.board import board_png_render
from core.room.feedback import feedback_refusal, feedback_submit
from core.room.forms import FeedbackForm
from core.room.models import CHAT_MAX_LENGTH, Feedback, Recording, RecordingStatus
from core.room.recording import (
    RecordingConflict,
    RecordingFinished,
    RecordingTooLarge,
    recording_chunk_append,
    recording_create,
    recording_finish,
    recording_parts_open,
)
from core.room.selectors import chat_transcript_text, display_name, iso, recording_list_complete, topics_state
from core.room.tasks import session_no_show_check_task
from core.users.selectors import FollowState, follow_state_get

REFUSED = {  # states answered 403: not this person's room (or not yet: an unconfirmed booking)
    room_access.STRANGER,
    room_access.BOOKING_UNPAID,
    room_access.BOOKING_PENDING,
    room_access.BOOKING_REJECTED,
    room_access.BOOKING_CANCELLED,
}
TITLES = {
    room_access.STRANGER: "This room isn't for your account",
    room_access.BOOKING_UNPAID: "Your booking is not paid yet",
    room_access.BOOKING_PENDING: "Your booking is waiting for the mentor",
    room_access.BOOKING_REJECTED: "Your booking was rejected",
    room_access.BOOKING_CANCELLED: "Your booking was cancelled",
    room_access.NO_LEARNER: "No learner has booked this session",
    room_access.TOO_EARLY: "The room is not open yet",
    room_access.ENDED: "This session has ended",
    room_access.CANCELLED: "This session was cancelled",
    room_access.MISSED: "The room is closed to you",
}


def _access(request: HttpRequest, room_id: str) -> RoomAccess:
    access = room_access_get(user=request.user, room_id=room_id)
    if access.state == room_access.NOT_FOUND:
        raise Http404("No such room.")
    if access.state == room_access.MISSED:
        # Someone arrived after the no-show deadline without having joined: decide now (inline
        # without a worker), then answer with what was decided.
        session_no_show_check_task.delay(access.session.pk)
        access = room_access_get(user=request.user, room_id=room_id)
    return access


def room_config(*, access: RoomAccess) -> dict:
    """What the browser reads from the ``room-config`` json_script (see core/room/consumers.py)."""
    session, me, peer = access.session, access.user, access.peer
    room_id = session.room_id
    return {
        "room_id": room_id,
        "ws_url": f"/ws/room/{room_id}/",
        "me": {"id": me.pk, "name": display_name(me), "role": access.role},
        "peer": {
            "id": peer.pk,
            "name": display_name(peer),
            "role": room_access.LEARNER if access.role == room_access.MENTOR else room_access.MENTOR,
        },
        "title": session.title,
        "starts_at": iso(session.starts_at),
        "ends_at": iso(session.ends_at),
        "closes_at": iso(room_closes_at(session)),
        "topics": [str(topic) for topic in session.topics],
        "ice_servers": settings.ICE_SERVERS,
        "recording_upload_url": reverse("mentoring:recording-create", args=[room_id]),
        "recording_chunk_max_bytes": settings.RECORDING_CHUNK_MAX_BYTES,
        "recording_max_bytes": settings.RECORDING_MAX_BYTES,
        "feedback_url": reverse("mentoring:feedback", args=[room_id]),
        "board_url": reverse("mentoring:board-png", args=[room_id]),
        "max_chat_length": CHAT_MAX_LENGTH,
        "earnings_hold_hours": settings.EARNINGS_HOLD_HOURS,
    }


def _follow(access: RoomAccess) -> FollowState | None:
    """The learner's Follow button for the session's mentor (the end screen offers it)."""
    if not access.is_participant or access.role != room_access.LEARNER:
        return None
    return follow_state_get(viewer=access.user, mentor=access.session.mentor)


def _closed(request: HttpRequest, access: RoomAccess) -> HttpResponse:
    session = access.session
    context = {
        "access": access,
        "session": session,
        "title": TITLES.get(access.state, "The room is closed"),
        "message": access.message,
        "is_refused": access.state in REFUSED,
        "is_participant": access.is_participant,
        "retention_days": settings.RECORDING_RETENTION_DAYS,
        "recordings": recording_list_complete(session=session) if access.is_participant else [],
        "can_rate": (
            access.is_participant
            and access.role == room_access.LEARNER
            and session.status == SessionStatus.COMPLETED
            and not feedback_refusal(booking=access.booking, learner=request.user)
        ),
        "own_booking": access.own_booking or (access.booking if access.is_participant else None),
        "is_mentor": access.role == room_access.MENTOR,
        "after": (
            booking_after_session(booking=access.booking, user=request.user)
            if access.is_participant and access.booking is not None
            else None
        ),
        "follow": _follow(access),
        "topics": topics_state(session=session) if access.is_participant else [],
        "has_chat": access.is_participant and session.chat_messages.exists(),
        "feedback": (
            Feedback.objects.filter(booking=access.booking).first()
            if access.is_participant and access.booking is not None
            else None
        ),
    }
    status = 403 if access.state in REFUSED else 200
    return render(request, "mentoring/room_closed.html", context, status=status)


@never_cache
@login_required
@require_GET
def room_view(request: HttpRequest, room_id: str) -> HttpResponse:
    """``/session/<room_id>/``: the live room for its two participants while it is open."""
    access = _access(request, room_id)
    if not access.is_open:
        return _closed(request, access)
    panels = pluginmanager.collect("room_tools", request=request, booking=access.booking)
    context = {
        "room_config": room_config(access=access),
        "session": access.session,
        "booking": access.booking,
        "me_role": access.role,
        "me_user": access.user,
        "peer_user": access.peer,
        "tool_panels": sorted(panels, key=lambda panel: panel.order),
        "follow": _follow(access),
    }
    return render(request, "mentoring/room.html", context)


# --- Recording (the mentor's browser uploads; both download) ---------------------------------------


def _error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _urls(room_id: str, recording: Recording) -> dict:
    return {
        "id": recording.pk,
        "upload_url": reverse("mentoring:recording-chunk", args=[room_id, recording.pk]),
        "finish_url": reverse("mentoring:recording-finish", args=[room_id, recording.pk]),
    }


def _own_upload(request: HttpRequest, room_id: str, pk: int) -> tuple[RoomAccess, Recording]:
    """The mentor's own recording of this session (404 for anyone else). The session may have
    ended meanwhile: the last chunks arrive after the mentor pressed End."""
    access = _access(request, room_id)
    if not (access.is_participant and access.role == room_access.MENTOR):
        raise Http404("No such recording.")
    recording = Recording.objects.filter(pk=pk, session=access.session, started_by=request.user).first()
    if recording is None:
        raise Http404("No such recording.")
    return access, recording


def _learner_id(access: RoomAccess) -> int | None:
    return access.booking.learner_id if access.booking is not None else None


@login_required
@require_POST
def recording_create_view(request: HttpRequest, room_id: str) -> JsonResponse:
    """Start a recording: 201 with the upload and finish addresses (the mentor, both consenting)."""
    access = _access(request, room_id)
    if not access.is_open:
        return _error(access.message or "The room is closed.", 403)
    try:
        recording = recording_create(session=access.session, by=request.user, learner_id=_learner_id(access))
    except RoomError as error:
        return _error(error.message, 403)
    return JsonResponse(_urls(room_id, recording), status=201)


@login_required
@require_POST
def recording_chunk_view(request: HttpRequest, room_id: str, pk: int) -> JsonResponse:
    """Append the raw body at ``?offset=`` (the bytes the client believes are stored)."""
    access, recording = _own_upload(request, room_id, pk)
    try:
        offset = int(request.GET.get("offset", ""))
    except ValueError:
        offset = -1
    if offset < 0:
        return _error("Say where this chunk goes: ?offset=<bytes already stored>.", 400, size=recording.size_bytes)
    limit = settings.RECORDING_CHUNK_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    data = request.read(limit + 1) if declared <= limit else b""
    if declared > limit or len(data) > limit:
        return _error(f"Send at most {limit // (1024 * 1024)} MB at a time.", 413, size=recording.size_bytes)
    try:
        size = recording_chunk_append(recording=recording, offset=offset, data=data, learner_id=_learner_id(access))
    except RecordingConflict as conflict:
        return _error(conflict.message, 409, size=conflict.size)
    except RecordingFinished as finished:
        return _error(finished.message, 410, size=finished.size)
    except RecordingTooLarge as full:
        return _error(full.message, 413, size=full.size)
    except RoomError as error:
        return _error(error.message, 403, size=recording.size_bytes)
    return JsonResponse({"size": size})


@login_required
@require_POST
def recording_finish_view(request: HttpRequest, room_id: str, pk: int) -> JsonResponse:
    access, recording = _own_upload(request, room_id, pk)
    recording_finish(recording=recording, learner_id=_learner_id(access))
    return JsonResponse({"download_url": reverse("mentoring:recording-download", args=[room_id, recording.pk])})


class _AsyncFile:
    """A file read chunk by chunk in a worker thread, as an async iterator: under ASGI Django
    streams it without draining a sync iterator in a thread (and without the warning
    "StreamingHttpResponse must consume synchronous iterators"). ``close()`` closes the file
    (Django calls it when the response is done)."""

    def __init__(self, stream, chunk_size: int = FileResponse.block_size):
        self.stream = stream
        self.chunk_size = chunk_size

    def __aiter__(self):
        return self._chunks()

    async def _chunks(self):
        read = sync_to_async(self.stream.read, thread_sensitive=False)
        while chunk := await read(self.chunk_size):
            yield chunk

    def close(self) -> None:
        self.stream.close()


def private_file_response(*, stream, filename: str, content_type: str, size: int) -> StreamingHttpResponse:
    """A private file as a download: streamed asynchronously, never cached or sniffed.

    Private files live in the private storage (core/mentoring/storage.py) and reach people only
    through views like the one below, after an access check. With object storage, such a view
    would instead redirect to a short-lived signed URL of the private bucket.
    """
    response = StreamingHttpResponse(_AsyncFile(stream), content_type=content_type)
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _may_download(request: HttpRequest, access: RoomAccess) -> bool:
    """The two people of the booking; and staff who passed their second factor in this login
    (they settle disputes about the session)."""
    user = request.user
    return access.is_participant or (user.is_staff and user.is_verified())


@login_required
@require_GET
def recording_download_view(request: HttpRequest, room_id: str, pk: int) -> StreamingHttpResponse:
    """The recording, for both participants and verified staff (404 for anyone else, and while
    it is uploading)."""
    access = _access(request, room_id)
    if access.session is None or not _may_download(request, access):
        raise Http404("No such recording.")
    recording = Recording.objects.filter(
        pk=pk, session=access.session, status=RecordingStatus.COMPLETE, size_bytes__gt=0
    ).first()
    if recording is None:
        raise Http404("No such recording.")
    stream = recording.file.open("rb") if recording.file else recording_parts_open(recording=recording)
    return private_file_response(
        stream=stream,
        filename=f"peerlearn-{access.session.starts_at:%Y-%m-%d}-recording-{recording.pk}.webm",
        content_type="video/webm",
        size=recording.size_bytes,
    )


@login_required
@require_GET
def board_png_view(request: HttpRequest, room_id: str) -> HttpResponse:
    """The whiteboard as a PNG, drawn from the saved strokes (participants; during and after)."""
    access = _access(request, room_id)
    if not access.is_participant:
        raise Http404("No such board.")
    response = HttpResponse(board_png_render(session=access.session), content_type="image/png")
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = f'inline; filename="peerlearn-{access.session.starts_at:%Y-%m-%d}-board.png"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def chat_transcript_view(request: HttpRequest, room_id: str) -> HttpResponse:
    """The room's chat as a text file: who wrote what, when (in the reader's timezone); for the
    two participants, during and after the session."""
    access = _access(request, room_id)
    if not access.is_participant:
        raise Http404("No such chat.")
    response = HttpResponse(
        chat_transcript_text(session=access.session, reader=request.user), content_type="text/plain; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = f'attachment; filename="peerlearn-{access.session.starts_at:%Y-%m-%d}-chat.txt"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Feedback ------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def feedback_view(request: HttpRequest, room_id: str) -> HttpResponse:
    """The learner rates a completed session they attended, once."""
    access = _access(request, room_id)
    if not (access.is_participant and access.role == room_access.LEARNER):
        raise PermissionDenied("Only the session's learner can rate it.")
    booking = access.booking
    feedback = Feedback.objects.filter(booking=booking).first()
    refusal = "" if feedback else feedback_refusal(booking=booking, learner=request.user)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not feedback and not refusal and form.is_valid():
        try:
            feedback_submit(
                booking=booking,
                learner=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                refusal = " ".join(error.messages)
        else:
            messages.success(request, "Thank you! Your rating is saved.")
            return redirect("mentoring:feedback", room_id=room_id)
    context = {
        "session": access.session,
        "booking": booking,
        "mentor": access.session.mentor,
        "form": form,
        "feedback": feedback,
        "refusal": refusal,
        "after": booking_after_session(booking=booking, user=request.user),
    }
    return render(request, "mentoring/feedback.html", context)
