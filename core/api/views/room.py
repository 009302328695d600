"""The live room from an app: where and when to connect, the room's socket with a bearer token
(``core/routing.py``; the protocol is the room consumer's docstring, ``core/room/consumers.py``),
the mentor's recording uploads, and what stays after: the recordings and the whiteboard image.

The room's own rule decides who is in (``core.room.access.room_access_get``): the session's mentor
and the learner of its confirmed booking, from 10 minutes before the start until shortly after
the end. The booking in the path must be that confirmed booking: the learner of a cancelled one
sees nothing of a session someone else may have had.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import Instant
from core.api.problems import PROBLEM_CONTENT_TYPE, Conflict, problem
from core.api.views.bookings import viewable_booking
from core.api.views.media import FileAnswer
from core.room import access as room_access
from core.room.access import RoomAccess, RoomError, room_access_get
from core.room.board import board_png_render
from core.room.models import CHAT_MAX_LENGTH, Recording, RecordingStatus
from core.room.recording import (
    RecordingConflict,
    RecordingFinished,
    RecordingTooLarge,
    recording_chunk_append,
    recording_create,
    recording_finish,
    recording_parts_open,
)
from core.room.selectors import display_name, recording_list_complete
from core.room.tasks import session_no_show_check_task
from core.room.views import private_file_response

NO_RECORDING = "No such recording."


def _access(request, booking) -> RoomAccess:
    """The room's answer for the caller, as the room page asks it (a missed no-show deadline is
    decided first, then asked again)."""
    room_id = booking.session.room_id
    access = room_access_get(user=request.user, room_id=room_id)
    if access.state == room_access.MISSED:
        session_no_show_check_task.delay(access.session.pk)
        access = room_access_get(user=request.user, room_id=room_id)
    return access


def _is_this_bookings_participant(access: RoomAccess, booking) -> bool:
    return access.is_participant and access.booking is not None and access.booking.pk == booking.pk


def _participants_booking(request, pk: int):
    """``(booking, access)`` when the caller is one of the two people of ``pk``, the confirmed
    booking of its session; ``(None, access)`` for a booking of theirs that is not (yet) it.
    404 for anyone else's booking."""
    booking = viewable_booking(request, pk)
    access = _access(request, booking)
    return (booking if _is_this_bookings_participant(access, booking) else None), access


# --- Where and when ------------------------------------------------------------------------------


class RoomPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=[room_access.MENTOR, room_access.LEARNER])


class RoomSocketSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="Open it on this host: `wss://<host><path>`.")
    subprotocols = serializers.ListField(
        child=serializers.CharField(),
        help_text='Offer `["bearer", <your access token>]`; the server picks `bearer`. Close code 4401: '
        "refresh the token and connect again; 4403: you may not be in the room (now).",
    )


class RecordingLimitsSerializer(serializers.Serializer):
    chunk_max_bytes = serializers.IntegerField(help_text="Send a recording in chunks of at most this.")
    max_bytes = serializers.IntegerField(help_text="A recording stops at this size.")


class RoomSerializer(serializers.Serializer):
    state = serializers.CharField(
        help_text="`open`, or why not: `too_early`, `ended`, `cancelled`, `missed`, `booking_pending`, "
        "`booking_unpaid`, `booking_rejected`, `booking_cancelled`, `no_learner`."
    )
    message = serializers.CharField(allow_blank=True, help_text="Why the room is closed, for a person.")
    is_open = serializers.BooleanField()
    opens_at = Instant(allow_null=True)
    closes_at = Instant(allow_null=True)
    title = serializers.CharField()
    starts_at = Instant()
    ends_at = Instant()
    topics = serializers.ListField(child=serializers.CharField(), help_text="The checklist, in order.")
    me = RoomPersonSerializer(allow_null=True)
    peer = RoomPersonSerializer(allow_null=True)
    socket = RoomSocketSerializer(allow_null=True, help_text="While the room is open.")
    ice_servers = serializers.ListField(
        child=serializers.DictField(), help_text="`RTCIceServer` objects for the call (STUN and TURN)."
    )
    max_chat_length = serializers.IntegerField()
    recording = RecordingLimitsSerializer()


def _person(user, role: str) -> dict:
    return {"id": user.pk, "name": display_name(user), "role": role}


class RoomView(APIView):
    """``GET /api/v1/bookings/{id}/room/``."""

    @extend_schema(
        operation_id="booking_room",
        summary="The live room: whether it is open, and how to connect",
        description="While it is open, `socket` says where to connect the room's WebSocket with your access "
        "token; the messages on it are those the website's room sends and hears (signalling for the call, "
        "chat, whiteboard, topics, presence).",
        responses={200: RoomSerializer},
        tags=["bookings"],
    )
    def get(self, request, pk: int):
        booking = viewable_booking(request, pk)
        access = _access(request, booking)
        session = booking.session
        participant = _is_this_bookings_participant(access, booking)
        is_open = participant and access.is_open
        peer_role = room_access.LEARNER if access.role == room_access.MENTOR else room_access.MENTOR
        body = {
            "state": access.state,
            "message": access.message,
            "is_open": is_open,
            "opens_at": access.opens_at,
            "closes_at": access.closes_at,
            "title": session.title,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "topics": [str(topic) for topic in session.topics],
            "me": _person(request.user, access.role) if participant else None,
            "peer": _person(access.peer, peer_role) if participant and access.peer is not None else None,
            "socket": {"path": f"/ws/room/{session.room_id}/", "subprotocols": ["bearer", "<access token>"]}
            if is_open
            else None,
            "ice_servers": settings.ICE_SERVERS if is_open else [],
            "max_chat_length": CHAT_MAX_LENGTH,
            "recording": {
                "chunk_max_bytes": settings.RECORDING_CHUNK_MAX_BYTES,
                "max_bytes": settings.RECORDING_MAX_BYTES,
            },
        }
        return Response(RoomSerializer(body).data)


# --- Recordings: the mentor uploads, both download -------------------------------------------------


class RecordingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = Instant()
    completed_at = Instant(allow_null=True)
    size_bytes = serializers.IntegerField()
    download_url = serializers.CharField(help_text="GET it with your token: the WebM file.")


class RecordingListSerializer(serializers.Serializer):
    results = RecordingSerializer(many=True)


class RecordingStartedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    chunk_url = serializers.CharField(help_text="POST the bytes here, `?offset=<bytes stored>`.")
    finish_url = serializers.CharField(help_text="POST here once every chunk is stored.")


class ChunkStoredSerializer(serializers.Serializer):
    size = serializers.IntegerField(help_text="Bytes stored so far: the next chunk's offset.")


def _learner_id(access: RoomAccess) -> int | None:
    return access.booking.learner_id if access.booking is not None else None


def _mentors_upload(request, pk: int, recording: int) -> tuple[RoomAccess, Recording]:
    """The mentor's own recording of the session of booking ``pk`` (404 for anyone else). The
    session may have ended meanwhile: the last chunks arrive after the mentor pressed End."""
    booking, access = _participants_booking(request, pk)
    if booking is None or access.role != room_access.MENTOR:
        raise Http404(NO_RECORDING)
    found = Recording.objects.filter(pk=recording, session=booking.session, started_by=request.user).first()
    if found is None:
        raise Http404(NO_RECORDING)
    return access, found


def _upload_problem(request, status_code: int, code: str, detail: str, size: int) -> Response:
    body = problem(status_code=status_code, detail=detail, code=code, instance=request.path, size=size)
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


class RecordingList(APIView):
    """``GET``/``POST /api/v1/bookings/{id}/recordings/``."""

    problem_statuses = {"POST": (409,)}

    @extend_schema(
        operation_id="booking_recordings",
        summary="The session's recordings",
        description="Recordings both people agreed to, once uploaded; empty before the session or without one.",
        responses={200: RecordingListSerializer},
        tags=["bookings"],
    )
    def get(self, request, pk: int):
        booking, _ = _participants_booking(request, pk)
        recordings = recording_list_complete(session=booking.session) if booking is not None else []
        rows = [
            {
                "id": recording.pk,
                "created_at": recording.created_at,
                "completed_at": recording.completed_at,
                "size_bytes": recording.size_bytes,
                "download_url": request.build_absolute_uri(f"/api/v1/bookings/{pk}/recordings/{recording.pk}/"),
            }
            for recording in recordings
        ]
        return Response({"results": RecordingSerializer(rows, many=True).data})

    @extend_schema(
        operation_id="booking_recording_start",
        summary="Start a recording (the mentor, while the room is open)",
        description="Both people must have switched recording consent on in the room (its socket's `consent` "
        "message); 409 otherwise. Upload the WebM in chunks to `chunk_url`, then POST `finish_url`.",
        request=None,
        responses={201: RecordingStartedSerializer},
        tags=["bookings"],
    )
    def post(self, request, pk: int):
        booking, access = _participants_booking(request, pk)
        if booking is None or access.role != room_access.MENTOR:
            raise PermissionDenied("Only the session's mentor records it.")
        if not access.is_open:
            raise Conflict(access.message or "The room is closed.", code="room_closed")
        try:
            recording = recording_create(session=booking.session, by=request.user, learner_id=_learner_id(access))
        except RoomError as error:
            raise Conflict(error.message, code=error.code) from None
        base = request.build_absolute_uri(f"/api/v1/bookings/{pk}/recordings/{recording.pk}/")
        body = {"id": recording.pk, "chunk_url": f"{base}chunks/", "finish_url": f"{base}finish/"}
        return Response(RecordingStartedSerializer(body).data, status=status.HTTP_201_CREATED)


class RawBytes(BaseParser):
    """Declares ``application/octet-stream`` bodies; the view reads them itself, bounded."""

    media_type = "application/octet-stream"

    def parse(self, stream, media_type=None, parser_context=None):
        return {}


class RecordingChunk(APIView):
    """``POST /api/v1/bookings/{id}/recordings/{recording}/chunks/?offset=n``."""

    parser_classes = [RawBytes]
    problem_statuses = {"POST": (409, 410, 413)}

    @extend_schema(
        operation_id="booking_recording_chunk",
        summary="Upload the next chunk of a recording",
        description="The raw bytes as the body (`application/octet-stream`), at most `chunk_max_bytes`, with "
        "`offset` the bytes already stored. A wrong offset is a 409 whose `size` says where to resume; a "
        "finished recording 410; past the size limit 413 (the recording stops there).",
        parameters=[OpenApiParameter("offset", int, required=True, description="Bytes already stored.")],
        request={"application/octet-stream": OpenApiTypes.BINARY},
        responses={200: ChunkStoredSerializer},
        tags=["bookings"],
    )
    def post(self, request, pk: int, recording: int):
        access, found = _mentors_upload(request, pk, recording)
        raw = request.query_params.get("offset", "")
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 15):
            message = "Say where this chunk goes: ?offset=<bytes already stored>."
            return _upload_problem(request, 400, "invalid", message, found.size_bytes)
        limit = settings.RECORDING_CHUNK_MAX_BYTES
        django_request = request._request
        try:
            declared = int(django_request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        data = django_request.read(limit + 1) if declared <= limit else b""
        if declared > limit or len(data) > limit:
            message = f"Send at most {limit // (1024 * 1024)} MB at a time."
            return _upload_problem(request, 413, "too_large", message, found.size_bytes)
        try:
            size = recording_chunk_append(recording=found, offset=int(raw), data=data, learner_id=_learner_id(access))
        except RecordingConflict as conflict:
            return _upload_problem(request, 409, "wrong_offset", conflict.message, conflict.size)
        except RecordingFinished as finished:
            return _upload_problem(request, 410, "finished", finished.message, finished.size)
        except RecordingTooLarge as full:
            return _upload_problem(request, 413, "too_large", full.message, full.size)
        except RoomError as error:
            return _upload_problem(request, 409, error.code, error.message, found.size_bytes)
        return Response({"size": size})


class RecordingFinish(APIView):
    """``POST /api/v1/bookings/{id}/recordings/{recording}/finish/``."""

    @extend_schema(
        operation_id="booking_recording_finish",
        summary="Finish a recording: both people can download it",
        request=None,
        responses={200: RecordingSerializer},
        tags=["bookings"],
    )
    def post(self, request, pk: int, recording: int):
        access, found = _mentors_upload(request, pk, recording)
        recording_finish(recording=found, learner_id=_learner_id(access))
        found.refresh_from_db()
        body = {
            "id": found.pk,
            "created_at": found.created_at,
            "completed_at": found.completed_at,
            "size_bytes": found.size_bytes,
            "download_url": request.build_absolute_uri(f"/api/v1/bookings/{pk}/recordings/{found.pk}/"),
        }
        return Response(RecordingSerializer(body).data)


class RecordingDownload(FileAnswer, APIView):
    """``GET /api/v1/bookings/{id}/recordings/{recording}/``."""

    @extend_schema(
        operation_id="booking_recording_download",
        summary="Download a recording (WebM)",
        responses={(200, "video/webm"): OpenApiTypes.BINARY},
        tags=["bookings"],
    )
    def get(self, request, pk: int, recording: int):
        booking, _ = _participants_booking(request, pk)
        found = (
            Recording.objects.filter(
                pk=recording, session=booking.session, status=RecordingStatus.COMPLETE, size_bytes__gt=0
            ).first()
            if booking is not None
            else None
        )
        if found is None:
            raise Http404(NO_RECORDING)
        stream = found.file.open("rb") if found.file else recording_parts_open(recording=found)
        return private_file_response(
            stream=stream,
            filename=f"peerlearn-{booking.session.starts_at:%Y-%m-%d}-recording-{found.pk}.webm",
            content_type="video/webm",
            size=found.size_bytes,
        )


class BoardImage(FileAnswer, APIView):
    """``GET /api/v1/bookings/{id}/board.png``."""

    @extend_schema(
        operation_id="booking_board_image",
        summary="The whiteboard as a PNG",
        description="Drawn from the saved strokes, during the session and after. 404 until the booking is confirmed.",
        responses={(200, "image/png"): OpenApiTypes.BINARY},
        tags=["bookings"],
    )
    def get(self, request, pk: int):
        booking, _ = _participants_booking(request, pk)
        if booking is None:
            raise Http404("No board: this booking is not confirmed.")
        response = HttpResponse(board_png_render(session=booking.session), content_type="image/png")
        response["Cache-Control"] = "private, no-cache"
        response["Content-Disposition"] = f'inline; filename="peerlearn-{booking.session.starts_at:%Y-%m-%d}-board.png"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


urlpatterns = [
    path("bookings/<int:pk>/room/", RoomView.as_view(), name="booking-room"),
    path("bookings/<int:pk>/recordings/", RecordingList.as_view(), name="booking-recordings"),
    path(
        "bookings/<int:pk>/recordings/<int:recording>/", RecordingDownload.as_view(), name="booking-recording-download"
    ),
    path(
        "bookings/<int:pk>/recordings/<int:recording>/chunks/",
        RecordingChunk.as_view(),
        name="booking-recording-chunk",
    ),
    path(
        "bookings/<int:pk>/recordings/<int:recording>/finish/",
        RecordingFinish.as_view(),
        name="booking-recording-finish",
    ),
    path("bookings/<int:pk>/board.png", BoardImage.as_view(), name="booking-board"),
]
