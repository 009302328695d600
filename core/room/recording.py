"""Recording: only with both participants' consent, uploaded in resumable chunks by the
mentor's browser, joined into one file in the private storage (core/mentoring/storage.py, never
under MEDIA_ROOT), downloadable by both, deleted after ``RECORDING_RETENTION_DAYS``.

Each chunk is stored as its own part (storages such as S3 cannot append) and accepted only at
the offset the server already holds, so a client that lost its connection asks again and
resumes from the stored size. Finishing joins the parts into ``Recording.file`` by streaming,
never holding the whole recording in memory.
"""

from __future__ import annotations

import io
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone

from core.mentoring.models import MentoringSession
from core.room.access import RoomError
from core.room.broadcast import room_broadcast
from core.room.models import Recording, RecordingChunk, RecordingConsent, RecordingStatus
from core.room.selectors import recording_consents, recording_state
from core.users.models import User

logger = logging.getLogger(__name__)

STALE_UPLOAD = timedelta(hours=1)  # an upload silent this long is finished with what it has


class RecordingConflict(Exception):
    """The chunk's offset is not the stored size: the client resumes from ``size``."""

    def __init__(self, size: int, message: str = "Resume from the stored size."):
        super().__init__(message)
        self.size = size
        self.message = message


class RecordingFinished(Exception):
    """Chunks for a recording that is complete already (the client starts a new one)."""

    def __init__(self, size: int, message: str = "This recording is finished; start a new one."):
        super().__init__(message)
        self.size = size
        self.message = message


class RecordingTooLarge(Exception):
    def __init__(self, size: int, message: str):
        super().__init__(message)
        self.size = size
        self.message = message


def _storage():
    return Recording._meta.get_field("file").storage


def _broadcast_state(session: MentoringSession, learner_id: int | None) -> None:
    room_broadcast(room_id=session.room_id, payload=recording_state(session=session, learner_id=learner_id))


def recording_consent_set(
    *, session: MentoringSession, user: User, is_given, learner_id: int | None, now: datetime | None = None
) -> dict[str, bool]:
    """A participant turns their recording switch on or off. Turning it off stops a recording
    in progress (what was uploaded so far is kept: both had agreed to it)."""
    if not isinstance(is_given, bool):
        raise RoomError("invalid", "Consent is on or off.")
    now = now or timezone.now()
    RecordingConsent.objects.update_or_create(
        session=session, user=user, defaults={"is_given": is_given, "updated_at": now}
    )
    if not is_given:
        for recording in Recording.objects.filter(session=session, status=RecordingStatus.UPLOADING):
            recording_finish(recording=recording, learner_id=learner_id, now=now)
    _broadcast_state(session, learner_id)
    return recording_consents(session=session, learner_id=learner_id)


def recording_create(
    *, session: MentoringSession, by: User, learner_id: int | None, now: datetime | None = None
) -> Recording:
    """The mentor starts recording. Both switches must be on. A recording still uploading
    (a reloaded page) is finished first: a new MediaRecorder starts a new file."""
    now = now or timezone.now()
    if by.pk != session.mentor_id:
        raise RoomError("forbidden", "Only the mentor's browser records the session.")
    consent = recording_consents(session=session, learner_id=learner_id)
    if not (consent["mentor"] and consent["learner"]):
        raise RoomError("forbidden", "Recording needs both of you to switch “Allow recording” on.")
    for old in Recording.objects.filter(session=session, status=RecordingStatus.UPLOADING):
        recording_finish(recording=old, learner_id=learner_id, now=now)
    recording = Recording.objects.create(
        session=session,
        started_by=by,
        has_mentor_consent=True,
        has_learner_consent=True,
        created_at=now,
        updated_at=now,
    )
    _broadcast_state(session, learner_id)
    return recording


def recording_chunk_append(
    *, recording: Recording, offset: int, data: bytes, learner_id: int | None, now: datetime | None = None
) -> int:
    """Store ``data`` at ``offset`` and return the new stored size.

    ``RecordingConflict`` when ``offset`` is not the stored size (the answer carries the size to
    resume from); ``RecordingTooLarge`` beyond ``RECORDING_MAX_BYTES``; ``RoomError`` when a
    participant withdrew consent; ``RecordingFinished`` when the recording is complete.
    """
    now = now or timezone.now()
    recording.refresh_from_db()
    consent = recording_consents(session=recording.session, learner_id=learner_id)
    if not (consent["mentor"] and consent["learner"]):
        raise RoomError("forbidden", "Recording stopped: a participant switched consent off.")
    if recording.status != RecordingStatus.UPLOADING:
        raise RecordingFinished(recording.size_bytes)
    if offset != recording.size_bytes:
        raise RecordingConflict(recording.size_bytes)
    if not data:
        return recording.size_bytes
    limit = settings.RECORDING_MAX_BYTES
    if offset + len(data) > limit:
        raise RecordingTooLarge(
            recording.size_bytes, f"A recording can be at most {limit // (1024 * 1024):,} MB; this one is full."
        )
    storage = _storage()
    part = f"recordings/{recording.session.room_id}/parts/{recording.pk}/{offset:012d}.part"
    name = storage.save(part, ContentFile(data))
    with transaction.atomic():
        moved = Recording.objects.filter(pk=recording.pk, status=RecordingStatus.UPLOADING, size_bytes=offset).update(
            size_bytes=offset + len(data), updated_at=now
        )
        if moved:
            RecordingChunk.objects.create(recording=recording, offset=offset, size_bytes=len(data), name=name)
    if not moved:  # the same chunk, sent twice at once: the other copy won
        storage.delete(name)
        recording.refresh_from_db()
        raise RecordingConflict(recording.size_bytes)
    return offset + len(data)


class _Parts(io.RawIOBase):
    """The parts of a recording read one after the other, as one stream."""

    def __init__(self, storage, names: list[str]):
        super().__init__()
        self._storage = storage
        self._names = list(names)
        self._current = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            if self._current is None:
                if not self._names:
                    return 0
                self._current = self._storage.open(self._names.pop(0), "rb")
            data = self._current.read(len(buffer))
            if data:
                buffer[: len(data)] = data
                return len(data)
            self._current.close()
            self._current = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        super().close()


def recording_parts_open(*, recording: Recording) -> io.RawIOBase:
    """The uploaded bytes of a recording whose parts are not joined yet, as one stream."""
    names = list(recording.chunks.order_by("offset").values_list("name", flat=True))
    return _Parts(_storage(), names)


def _join_parts(recording: Recording) -> None:
    chunks = list(recording.chunks.order_by("offset"))
    if not chunks:
        return
    expected = 0
    for chunk in chunks:
        if chunk.offset != expected:
            logger.error("Recording %s has a gap at %s; keeping its parts", recording.pk, expected)
            return
        expected += chunk.size_bytes
    storage = _storage()
    content = File(_Parts(storage, [chunk.name for chunk in chunks]), name="recording.webm")
    content.size = expected
    recording.file.save(f"{recording.pk}-{secrets.token_hex(8)}.webm", content, save=False)
    Recording.objects.filter(pk=recording.pk).update(file=recording.file.name)
    for chunk in chunks:
        storage.delete(chunk.name)
    RecordingChunk.objects.filter(pk__in=[chunk.pk for chunk in chunks]).delete()


def recording_finish(*, recording: Recording, learner_id: int | None, now: datetime | None = None) -> Recording:
    """Mark a recording complete and join its parts into one file. Finishing twice (the
    mentor's browser and a consent switch at once) joins once."""
    now = now or timezone.now()
    finished = Recording.objects.filter(pk=recording.pk, status=RecordingStatus.UPLOADING).update(
        status=RecordingStatus.COMPLETE, completed_at=now, updated_at=now
    )
    recording.refresh_from_db()
    if finished:
        try:
            _join_parts(recording)
        except Exception:  # the parts stay; downloads stream them and the sweep tries again
            logger.exception("Could not join the parts of recording %s", recording.pk)
        recording.refresh_from_db()
        _broadcast_state(recording.session, learner_id)
    return recording


def recordings_finish_stale(*, now: datetime | None = None) -> int:
    """Finish uploads that went silent (the mentor's tab closed mid-recording), and join the
    parts of finished recordings whose joining failed."""
    now = now or timezone.now()
    count = 0
    for recording in Recording.objects.filter(
        status=RecordingStatus.UPLOADING, updated_at__lt=now - STALE_UPLOAD
    ).select_related("session"):
        learner_id = recording.session.bookings.filter(status="confirmed").values_list("learner_id", flat=True).first()
        recording_finish(recording=recording, learner_id=learner_id, now=now)
        count += 1
    for recording in Recording.objects.filter(status=RecordingStatus.COMPLETE, chunks__isnull=False).distinct():
        _join_parts(recording)
    return count


def recordings_delete_older_than(*, days: int, now: datetime | None = None) -> int:
    """Delete recordings made more than ``days`` days ago: their files, parts and rows."""
    now = now or timezone.now()
    storage = _storage()
    deleted = 0
    for recording in Recording.objects.filter(created_at__lt=now - timedelta(days=days)):
        for name in recording.chunks.values_list("name", flat=True):
            storage.delete(name)
        if recording.file:
            recording.file.delete(save=False)
        recording.delete()
        deleted += 1
    return deleted
