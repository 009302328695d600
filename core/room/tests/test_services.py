"""The room's writes: presence, chat, whiteboard, topics, and the board as a PNG."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from core import hooks
from core.mentoring.tests.factories import session_booked
from core.room.access import RoomError
from core.room.board import board_clear, board_png_render, stroke_add, stroke_clean, stroke_undo
from core.room.chat import chat_send
from core.room.models import BoardStroke, ChatMessage, RoomPresence, SessionAttendance, TopicCheck, TopicTick
from core.room.presence import presence_join, presence_leave, presence_touch
from core.room.selectors import board_strokes, presence_is_live, room_marks_get, room_state_get
from core.room.topics import topic_set

pytestmark = pytest.mark.django_db

PEN = {"tool": "pen", "color": "#1D4ED8", "width": 4, "points": [[0.1, 0.1], [0.5, 0.5]]}


@pytest.fixture
def room(mentor, learner):
    session, _booking = session_booked(mentor=mentor, learner=learner)
    return session


# --- Presence ------------------------------------------------------------------------------------


def test_two_sockets_of_one_person_are_one_participant(room, learner):
    first, arrived = presence_join(session=room, user=learner, channel_name="a")
    assert arrived is True
    second, arrived_again = presence_join(session=room, user=learner, channel_name="b")
    assert arrived_again is False  # a second tab or a reconnect: no second "joined"
    assert presence_leave(presence_id=first.pk) is False  # still there in the other tab
    assert presence_is_live(session=room, user_id=learner.pk)
    assert presence_leave(presence_id=second.pk) is True  # the last socket: "left"
    assert presence_leave(presence_id=second.pk) is False  # closing twice changes nothing
    assert not presence_is_live(session=room, user_id=learner.pk)
    rows = RoomPresence.objects.filter(session=room, user=learner)
    assert rows.count() == 2 and all(row.left_at for row in rows)


def test_a_socket_that_died_without_closing_stops_counting(room, learner):
    long_ago = timezone.now() - timedelta(minutes=5)
    ghost, _ = presence_join(session=room, user=learner, channel_name="dead", now=long_ago)
    assert not presence_is_live(session=room, user_id=learner.pk)  # no heartbeat for 5 minutes
    _, arrived = presence_join(session=room, user=learner, channel_name="new")
    assert arrived is True  # back after a server restart: joins again, no ghost
    ghost.refresh_from_db()
    assert ghost.left_at == ghost.seen_at  # closed for the record at its last heartbeat


def test_the_heartbeat_keeps_a_socket_live(room, learner):
    start = timezone.now() - timedelta(minutes=5)
    presence, _ = presence_join(session=room, user=learner, now=start)
    assert presence_touch(presence_id=presence.pk) is True
    assert presence_is_live(session=room, user_id=learner.pk)


def test_the_first_join_starts_the_session_once(room, mentor, learner, django_capture_on_commit_callbacks):
    started = []

    def receiver(sender, session, **kwargs):
        started.append(session.pk)

    hooks.session_started.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            presence_join(session=room, user=mentor)
            presence_join(session=room, user=learner)
            presence_join(session=room, user=mentor)
    finally:
        hooks.session_started.disconnect(receiver)
    assert started == [room.pk]
    assert SessionAttendance.objects.get(session=room).started_at is not None


# --- Chat ------------------------------------------------------------------------------------------


def test_chat_is_trimmed_saved_and_plain(room, learner):
    message = chat_send(session=room, sender=learner, text="  <b>Hello</b>\r\nthere\x00  ")
    assert message.text == "<b>Hello</b>\nthere"  # stored as typed; pages escape it
    state = room_state_get(session=room, learner_id=learner.pk)
    assert state["chat"][0]["text"] == "<b>Hello</b>\nthere"
    assert state["chat"][0]["sender_name"] == "Asha Learner"
    assert state["chat"][0]["created_at"].endswith("Z")


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "invalid"), ("   \n ", "invalid"), (None, "invalid"), (5, "invalid"), ("x" * 2001, "too_long")],
)
def test_chat_refuses_empty_and_long_messages(room, learner, text, code):
    with pytest.raises(RoomError) as error:
        chat_send(session=room, sender=learner, text=text)
    assert error.value.code == code
    assert not ChatMessage.objects.exists()


def test_chat_takes_2000_characters(room, learner):
    assert len(chat_send(session=room, sender=learner, text="x" * 2000).text) == 2000


def test_chat_allows_ten_messages_in_ten_seconds(room, learner, mentor):
    now = timezone.now()
    for number in range(10):
        chat_send(session=room, sender=learner, text=f"m{number}", now=now)
    with pytest.raises(RoomError) as error:
        chat_send(session=room, sender=learner, text="one more", now=now)
    assert error.value.code == "rate_limited"
    chat_send(session=room, sender=mentor, text="the mentor is not limited by the learner", now=now)
    chat_send(session=room, sender=learner, text="later", now=now + timedelta(seconds=11))
    assert ChatMessage.objects.filter(sender=learner).count() == 11


def test_welcome_carries_the_last_200_messages_oldest_first(room, learner):
    ChatMessage.objects.bulk_create(
        ChatMessage(session=room, sender=learner, text=f"m{number}", created_at=timezone.now()) for number in range(205)
    )
    chat = room_state_get(session=room, learner_id=learner.pk)["chat"]
    assert len(chat) == 200
    assert chat[0]["text"] == "m5" and chat[-1]["text"] == "m204"
    assert [line["id"] for line in chat] == sorted(line["id"] for line in chat)


# --- Whiteboard -------------------------------------------------------------------------------------


def test_a_stroke_is_cleaned_and_saved(room, learner):
    stroke = stroke_add(
        session=room, sender=learner, stroke={**PEN, "points": [[0.123456, 1], [0, 0.5]], "extra": "dropped"}
    )
    assert stroke.data == {"tool": "pen", "color": "#1d4ed8", "width": 4, "points": [[0.1235, 1.0], [0.0, 0.5]]}
    assert stroke.point_count == 2


@pytest.mark.parametrize(
    "change",
    [
        {"tool": "laser"},
        {"color": "blue"},
        {"color": "#12345"},
        {"width": 0},
        {"width": 41},
        {"width": True},
        {"width": "4"},
        {"points": []},
        {"points": [[0.1, 0.1]] * 2001},
        {"points": [[0.1]]},
        {"points": [[0.1, 1.01]]},
        {"points": [[-0.01, 0.5]]},
        {"points": [[float("nan"), 0.5]]},
        {"points": [["0.1", 0.5]]},
        {"points": "0.1,0.5"},
    ],
)
def test_a_bad_stroke_is_refused(change):
    with pytest.raises(RoomError) as error:
        stroke_clean({**PEN, **change})
    assert error.value.code == "invalid"


def test_a_stroke_may_have_one_to_2000_points():
    assert len(stroke_clean({**PEN, "points": [[0.5, 0.5]]})["points"]) == 1
    assert len(stroke_clean({**PEN, "points": [[0.5, 0.5]] * 2000})["points"]) == 2000


def test_undo_takes_back_ones_own_last_stroke(room, mentor, learner):
    first = stroke_add(session=room, sender=learner, stroke=PEN)
    second = stroke_add(session=room, sender=learner, stroke=PEN)
    theirs = stroke_add(session=room, sender=mentor, stroke=PEN)
    assert stroke_undo(session=room, sender=learner) == second.pk
    assert stroke_undo(session=room, sender=learner) == first.pk
    with pytest.raises(RoomError):
        stroke_undo(session=room, sender=learner)
    assert [stroke.pk for stroke in board_strokes(session=room)] == [theirs.pk]


def test_clear_empties_the_board_and_drawing_goes_on(room, mentor, learner):
    stroke_add(session=room, sender=learner, stroke=PEN)
    stroke_add(session=room, sender=mentor, stroke=PEN)
    assert board_clear(session=room, by=mentor) == 2
    assert room_state_get(session=room, learner_id=learner.pk)["strokes"] == []
    after = stroke_add(session=room, sender=learner, stroke=PEN)
    with pytest.raises(RoomError):  # what was cleared cannot be undone into view again
        stroke_undo(session=room, sender=mentor)
    assert [stroke["id"] for stroke in room_state_get(session=room, learner_id=learner.pk)["strokes"]] == [after.pk]
    assert BoardStroke.objects.filter(session=room).count() == 3  # kept for the record


def test_a_full_board_asks_for_a_clear(room, learner, monkeypatch):
    from core.room import board

    monkeypatch.setattr(board, "BOARD_POINTS_MAX", 3)
    stroke_add(session=room, sender=learner, stroke=PEN)
    with pytest.raises(RoomError, match="full"):
        stroke_add(session=room, sender=learner, stroke=PEN)


def test_strokes_are_rate_limited(room, learner, monkeypatch):
    from core.room import board

    monkeypatch.setattr(board, "RATE_COUNT", 2)
    now = timezone.now()
    stroke_add(session=room, sender=learner, stroke=PEN, now=now)
    stroke_add(session=room, sender=learner, stroke=PEN, now=now)
    with pytest.raises(RoomError) as error:
        stroke_add(session=room, sender=learner, stroke=PEN, now=now)
    assert error.value.code == "rate_limited"


def test_the_board_renders_as_a_png_from_the_saved_strokes(room, learner):
    empty = Image.open(io.BytesIO(board_png_render(session=room)))
    assert empty.format == "PNG" and empty.size == (1600, 1200)
    assert empty.getextrema() == ((255, 255), (255, 255), (255, 255))  # all white
    stroke_add(
        session=room,
        sender=learner,
        stroke={"tool": "pen", "color": "#ff0000", "width": 10, "points": [[0.1, 0.5], [0.9, 0.5]]},
    )
    stroke_add(
        session=room, sender=learner, stroke={"tool": "pen", "color": "#0000ff", "width": 20, "points": [[0.5, 0.2]]}
    )
    stroke_add(
        session=room,
        sender=learner,
        stroke={"tool": "eraser", "color": "#000000", "width": 30, "points": [[0.8, 0.4], [0.8, 0.6]]},
    )
    image = Image.open(io.BytesIO(board_png_render(session=room))).convert("RGB")
    red = image.getpixel((800, 600))
    assert red[0] > 200 and red[1] < 60 and red[2] < 60  # on the red line
    blue = image.getpixel((800, 240))
    assert blue[2] > 200 and blue[0] < 60  # the dot
    assert image.getpixel((1280, 600)) == (255, 255, 255)  # rubbed out by the eraser
    assert image.getpixel((800, 900)) == (255, 255, 255)  # nothing drawn there


# --- Topics --------------------------------------------------------------------------------------------


def test_a_topic_tick_saves_once_per_topic(room, mentor, learner):
    topic_set(session=room, index=1, is_done=True, by=learner)
    topic_set(session=room, index=1, is_done=False, by=mentor)
    topic_set(session=room, index=0, is_done=True, by=mentor)
    check = TopicCheck.objects.get(session=room, index=1)
    assert (check.is_done, check.checked_by) == (False, mentor)
    assert room_state_get(session=room, learner_id=learner.pk)["topics"] == [
        {"index": 0, "title": "Forms", "done": True},
        {"index": 1, "title": "Validation", "done": False},
        {"index": 2, "title": "Formsets", "done": False},
    ]


@pytest.mark.parametrize(("index", "done"), [(3, True), (-1, True), ("0", True), (True, True), (0, "yes")])
def test_a_bad_topic_tick_is_refused(room, learner, index, done):
    with pytest.raises(RoomError) as error:
        topic_set(session=room, index=index, is_done=done, by=learner)
    assert error.value.code == "invalid"


# --- Client ids: a resend is saved once ---------------------------------------------------------------

CLIENT_ID = "0b6f7c1e-5d2a-4f0e-8c3b-9a1d2e3f4a5b"  # what crypto.randomUUID() makes


def test_a_resent_chat_line_is_saved_and_broadcast_once(room, mentor, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as sent:
        first = chat_send(session=room, sender=learner, text="Hello", client_id=CLIENT_ID)
    assert sent  # the broadcast (and the absent mentor's notification)
    with django_capture_on_commit_callbacks() as sent_again:
        again = chat_send(session=room, sender=learner, text="Hello", client_id=CLIENT_ID)
    assert again.pk == first.pk and ChatMessage.objects.count() == 1
    assert sent_again == []
    # The id is the sender's own: the other participant's same id is another message.
    theirs = chat_send(session=room, sender=mentor, text="Hello too", client_id=CLIENT_ID)
    assert theirs.pk != first.pk and ChatMessage.objects.count() == 2


def test_two_sockets_sending_one_id_at_once_save_it_once(room, learner):
    from core.room.chat import saved_once

    lookup = {"session": room, "sender": learner, "client_id": CLIENT_ID}
    first = chat_send(session=room, sender=learner, text="Hello", client_id=CLIENT_ID)
    # The other socket looked before the first insert and now tries its own: the constraint
    # refuses it, and it answers with the first one's row.
    row, is_new = saved_once(
        ChatMessage,
        lookup=lookup,
        create=lambda: ChatMessage.objects.create(**lookup, text="Hello", created_at=timezone.now()),
    )
    assert (row.pk, is_new) == (first.pk, False) and ChatMessage.objects.count() == 1


def test_a_resend_is_not_rate_limited_or_checked_again(room, learner):
    now = timezone.now()
    for number in range(10):
        chat_send(session=room, sender=learner, text=f"m{number}", client_id=f"id-{number}", now=now)
    # The tenth line's acknowledgement was lost: its resend is answered, not refused.
    assert chat_send(session=room, sender=learner, text="m9", client_id="id-9", now=now).text == "m9"
    with pytest.raises(RoomError):
        chat_send(session=room, sender=learner, text="m10", client_id="id-10", now=now)


@pytest.mark.parametrize("client_id", ["", None, 7, "x" * 65, "a b", "a\x00", "é"])
def test_a_missing_or_odd_client_id_is_no_client_id(room, learner, client_id):
    chat_send(session=room, sender=learner, text="one", client_id=client_id)
    chat_send(session=room, sender=learner, text="two", client_id=client_id)
    assert list(ChatMessage.objects.values_list("client_id", flat=True)) == ["", ""]


def test_a_resent_stroke_is_saved_once(room, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as broadcasts:
        first = stroke_add(session=room, sender=learner, stroke=PEN, client_id=CLIENT_ID)
        again = stroke_add(session=room, sender=learner, stroke=PEN, client_id=CLIENT_ID)
    assert again.pk == first.pk and BoardStroke.objects.count() == 1 and len(broadcasts) == 1


def test_a_resent_tick_does_not_undo_a_later_untick(room, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as broadcasts:
        tick = topic_set(session=room, index=1, is_done=True, by=learner, client_id="tick")
        untick = topic_set(session=room, index=1, is_done=False, by=learner, client_id="untick")
        again = topic_set(session=room, index=1, is_done=True, by=learner, client_id="tick")
    assert again.pk == tick.pk and untick.pk > tick.pk
    assert TopicCheck.objects.get(session=room, index=1).is_done is False
    assert TopicTick.objects.count() == 2 and len(broadcasts) == 2


# --- Catch-up: what a reconnecting socket missed ---------------------------------------------------------


def test_a_catch_up_carries_the_chat_after_the_last_id_seen(room, mentor, learner, monkeypatch):
    lines = [chat_send(session=room, sender=learner, text=f"line {n}", client_id=f"c{n}") for n in range(5)]
    state = room_state_get(session=room, learner_id=learner.pk, chat_after=lines[1].pk)
    assert [line["text"] for line in state["chat"]] == ["line 2", "line 3", "line 4"]
    assert state["since"] == lines[1].pk and state["chat_more"] is False
    monkeypatch.setattr("core.room.selectors.CATCH_UP_CHAT", 2)
    state = room_state_get(session=room, learner_id=learner.pk, chat_after=0)
    assert [line["text"] for line in state["chat"]] == ["line 0", "line 1"] and state["chat_more"] is True
    assert room_state_get(session=room, learner_id=learner.pk)["since"] is None


def test_the_marks_change_with_every_saved_change(room, mentor, learner):
    assert room_marks_get(session=room) == {"chat": 0, "stroke": 0, "board": 0, "topic": 0}
    line = chat_send(session=room, sender=learner, text="hi")
    first = stroke_add(session=room, sender=learner, stroke=PEN)
    second = stroke_add(session=room, sender=mentor, stroke=PEN)
    tick = topic_set(session=room, index=0, is_done=True, by=mentor)
    assert room_marks_get(session=room) == {"chat": line.pk, "stroke": second.pk, "board": 2, "topic": tick.pk}
    stroke_undo(session=room, sender=learner)  # an undo changes the count, not the last id
    assert room_marks_get(session=room)["board"] == 1 and room_marks_get(session=room)["stroke"] == second.pk
    board_clear(session=room, by=mentor)
    assert room_marks_get(session=room)["board"] == 0 and first.pk < second.pk


# --- The hot path: what one socket message costs -------------------------------------------------------


def test_a_chat_message_with_its_access_check_takes_five_queries(room, mentor, learner, django_assert_num_queries):
    from core.room.access import room_access_get

    presence_join(session=room, user=mentor)  # the usual case: the partner is in the room
    with django_assert_num_queries(5):  # session, booking, rate count, insert, is the partner here?
        access = room_access_get(user=learner, room_id=room.room_id)
        chat_send(session=access.session, sender=learner, text="hi")


def test_a_chat_message_with_a_client_id_takes_three_more(room, mentor, learner, django_assert_num_queries):
    from core.room.access import room_access_get

    presence_join(session=room, user=mentor)
    # session, booking, "is this id saved already?", rate count, savepoint, insert, release, partner
    with django_assert_num_queries(8):
        access = room_access_get(user=learner, room_id=room.room_id)
        chat_send(session=access.session, sender=learner, text="hi", client_id=CLIENT_ID)
    with django_assert_num_queries(3):  # a resend: session, booking, the saved message
        access = room_access_get(user=learner, room_id=room.room_id)
        again = chat_send(session=access.session, sender=learner, text="hi", client_id=CLIENT_ID)
    assert again.text == "hi"


def test_a_stroke_with_its_access_check_takes_five_queries(room, learner, django_assert_num_queries):
    from core.room.access import room_access_get

    with django_assert_num_queries(5):  # session, booking, rate count, board size, insert
        access = room_access_get(user=learner, room_id=room.room_id)
        stroke_add(session=access.session, sender=learner, stroke=PEN)


def test_a_message_to_an_absent_partner_notifies_them_once_until_read(room, mentor, learner):
    from core.realtime.models import Notification, NotificationKind
    from core.realtime.services import notification_mark_read

    presence_join(session=room, user=learner)  # the learner is in the room, the mentor is not
    chat_send(session=room, sender=learner, text="I'm here, see you soon")
    chat_send(session=room, sender=learner, text="Starting with recursion?")
    notes = Notification.objects.filter(user=mentor, kind=NotificationKind.CHAT_MESSAGE)
    assert [(n.title, n.body, n.url) for n in notes] == [
        ("New message from Asha Learner", "I'm here, see you soon", f"/session/{room.room_id}/")
    ]
    notification_mark_read(user=mentor)
    presence_join(session=room, user=mentor)
    chat_send(session=room, sender=learner, text="Great, you're in")  # the mentor is present now
    assert notes.count() == 1
    chat_send(session=room, sender=mentor, text="Hello!")  # and the learner is present: no notification
    assert not Notification.objects.filter(user=learner, kind=NotificationKind.CHAT_MESSAGE).exists()
