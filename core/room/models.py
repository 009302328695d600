"""The live room's records: presence, attendance, chat, whiteboard, topics, recordings and feedback.

Their tables were created by the mentoring app and keep their names (``mentoring_…``): the models
moved here with state-only migrations, so an existing database keeps every row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.mentoring.models import MentoringSession
from core.mentoring.storage import private_storage, recording_upload_to

# --- The live room (issue 7) --------------------------------------------------------------
# Everything two participants do in a session's room is saved here *before* it is broadcast
# (docs/decisions/0013-real-time.md: the channel layer is not a record), so a reconnect or a server restart loses
# nothing. Writes go through this app's services; the socket is ``core.room.consumers``.

CHAT_MAX_LENGTH = 2000
CLIENT_ID_MAX_LENGTH = 64


def _client_id_once(name: str, author: str) -> models.UniqueConstraint:
    """A browser's id for what it sent is unique per room and author, so a resend after a lost
    acknowledgement finds the saved row instead of saving it twice (empty: an old client)."""
    return models.UniqueConstraint(fields=["session", author, "client_id"], condition=~Q(client_id=""), name=name)


def _client_id_field() -> models.CharField:
    return models.CharField(
        max_length=CLIENT_ID_MAX_LENGTH, blank=True, default="", help_text="The sender's browser's id for it."
    )


class RoomPresence(models.Model):
    """One open socket of a participant in a session's room: when it opened, when it was last
    heard from (a heartbeat), and when it closed.

    A participant is present while one of their sockets is open and fresh, so a second tab or a
    reconnect is the same participant, and a socket that died with its server (no close ever
    recorded) stops counting once its heartbeat goes stale. The no-show rule reads ``joined_at``.
    """

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel_name = models.CharField(max_length=200, blank=True)
    joined_at = models.DateTimeField()
    seen_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "mentoring_roompresence"  # created by the mentoring app, kept on the move
        indexes = [models.Index(fields=["session", "user", "joined_at"], name="mentoring_presence_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.session_id} from {self.joined_at:%H:%M:%S}"


class AttendanceOutcome(models.TextChoices):
    ATTENDED = "attended", "Both joined"
    MENTOR_ABSENT = "mentor_absent", "The mentor did not join"
    LEARNER_ABSENT = "learner_absent", "The learner did not join"


class SessionAttendance(models.Model):
    """What the room knows about a session as a whole: when its first participant joined, and
    the no-show rule's decision (made once, ten minutes after the start; the actions that follow
    it — a refund or a completion — are idempotent and retried until done)."""

    session = models.OneToOneField(MentoringSession, on_delete=models.CASCADE, related_name="attendance")
    started_at = models.DateTimeField(null=True, blank=True, help_text="When the first participant joined.")
    outcome = models.CharField(max_length=16, choices=AttendanceOutcome.choices, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "mentoring_sessionattendance"  # created by the mentoring app, kept on the move

    def __str__(self) -> str:
        return f"Attendance of {self.session_id}: {self.outcome or 'not checked'}"


class ChatMessage(models.Model):
    """A chat line. Plain text: pages render it escaped, the room with ``textContent``."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="chat_messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=CHAT_MAX_LENGTH)
    client_id = _client_id_field()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "mentoring_chatmessage"  # created by the mentoring app, kept on the move
        ordering = ["id"]
        indexes = [
            models.Index(fields=["session", "id"], name="mentoring_chat_session_idx"),
            models.Index(fields=["sender", "created_at"], name="mentoring_chat_rate_idx"),
        ]
        constraints = [_client_id_once("mentoring_chat_client_id_once", "sender")]

    def __str__(self) -> str:
        return f"{self.sender_id}: {self.text[:40]}"


class BoardStroke(models.Model):
    """One whiteboard stroke: ``data`` is ``{"tool", "color", "width", "points": [[x, y], ...]}``
    with x and y fractions (0..1) of the board. The board is the strokes neither undone nor
    cleared, in id order."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="board_strokes")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField()
    point_count = models.PositiveIntegerField()
    is_undone = models.BooleanField(default=False)
    is_cleared = models.BooleanField(default=False)
    client_id = _client_id_field()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "mentoring_boardstroke"  # created by the mentoring app, kept on the move
        ordering = ["id"]
        indexes = [models.Index(fields=["session", "is_cleared", "id"], name="mentoring_stroke_board_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(point_count__gte=1), name="mentoring_stroke_has_points"),
            _client_id_once("mentoring_stroke_client_id_once", "sender"),
        ]

    def __str__(self) -> str:
        return f"Stroke {self.pk} by {self.sender_id}"


class TopicCheck(models.Model):
    """A tick on one of the session's topics (``index`` into ``MentoringSession.topics``)."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="topic_checks")
    index = models.PositiveSmallIntegerField()
    is_done = models.BooleanField(default=False)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "mentoring_topiccheck"  # created by the mentoring app, kept on the move
        constraints = [models.UniqueConstraint(fields=["session", "index"], name="mentoring_topic_check_once")]

    def __str__(self) -> str:
        return f"Topic {self.index} of {self.session_id}: {'done' if self.is_done else 'open'}"


class TopicTick(models.Model):
    """Every tick and untick as it was sent, in order (``TopicCheck`` holds where each topic
    stands now). Its increasing id tells a socket whether it missed one, and its ``client_id``
    makes a resent tick a no-op instead of undoing a later untick."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="topic_ticks")
    index = models.PositiveSmallIntegerField()
    is_done = models.BooleanField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    client_id = _client_id_field()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "mentoring_topictick"  # created by the mentoring app, kept on the move
        ordering = ["id"]
        constraints = [_client_id_once("mentoring_tick_client_id_once", "by")]

    def __str__(self) -> str:
        return f"Topic {self.index} of {self.session_id} {'ticked' if self.is_done else 'unticked'} by {self.by_id}"


class RecordingConsent(models.Model):
    """A participant's recording switch in a session's room (on or off, as they last set it)."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="recording_consents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_given = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "mentoring_recordingconsent"  # created by the mentoring app, kept on the move
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="mentoring_consent_once")]

    def __str__(self) -> str:
        return f"Consent of {self.user_id} in {self.session_id}: {self.is_given}"


class RecordingStatus(models.TextChoices):
    UPLOADING = "uploading", "Uploading"
    COMPLETE = "complete", "Complete"


class Recording(models.Model):
    """A recording made in the mentor's browser and uploaded in chunks (resumable).

    It can only exist with both participants' consent: the flags are a snapshot taken when it
    started, and a constraint refuses a row without both. While ``uploading`` the bytes live in
    ``RecordingChunk`` parts; finishing joins them into ``file`` (through Django's storage API,
    so an object storage works as well as the disk).
    """

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="recordings")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=recording_upload_to, storage=private_storage, max_length=255, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    has_mentor_consent = models.BooleanField()
    has_learner_consent = models.BooleanField()
    status = models.CharField(max_length=10, choices=RecordingStatus.choices, default=RecordingStatus.UPLOADING)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "mentoring_recording"  # created by the mentoring app, kept on the move
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "created_at"], name="mentoring_recording_age_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(has_mentor_consent=True, has_learner_consent=True), name="mentoring_recording_consented"
            )
        ]

    def __str__(self) -> str:
        return f"Recording {self.pk} of {self.session_id} ({self.size_bytes} bytes, {self.status})"


class RecordingChunk(models.Model):
    """One uploaded piece of a recording, stored as its own file until the recording is finished."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="chunks")
    offset = models.PositiveBigIntegerField()
    size_bytes = models.PositiveIntegerField()
    name = models.CharField(max_length=255, help_text="The part's name in the private storage.")

    class Meta:
        db_table = "mentoring_recordingchunk"  # created by the mentoring app, kept on the move
        ordering = ["offset"]
        constraints = [models.UniqueConstraint(fields=["recording", "offset"], name="mentoring_chunk_offset_once")]

    def __str__(self) -> str:
        return f"{self.size_bytes} bytes at {self.offset} of recording {self.recording_id}"


class Feedback(models.Model):
    """A learner's rating of a completed session they attended (at most one per booking)."""

    booking = models.OneToOneField("bookings.Booking", on_delete=models.PROTECT, related_name="feedback")
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "mentoring_feedback"  # created by the mentoring app, kept on the move
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="mentoring_feedback_rating_1_to_5")
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 for booking {self.booking_id}"
