"""Who may use a room, and when: ``room_access_get`` and the room page."""

from __future__ import annotations

import json
import zoneinfo
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from core.bookings.models import BookingStatus
from core.bookings.services import booking_checkout_start, booking_reject
from core.bookings.tests.factories import book_and_pay
from core.mentoring.models import MentoringSession
from core.mentoring.tests.factories import session_booked, session_make
from core.room.access import room_access_get
from core.room.attendance import session_complete
from core.room.models import RoomPresence
from core.room.presence import presence_join

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(mentor, learner):
    return session_booked(mentor=mentor, learner=learner)


def _shift(session, *, starts_in: timedelta, minutes: int = 60) -> MentoringSession:
    start = timezone.now() + starts_in
    MentoringSession.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(minutes=minutes))
    session.refresh_from_db()
    return session


def test_the_mentor_and_the_confirmed_learner_may_enter(booked, mentor, learner):
    session, booking = booked
    for user, role, peer in ((mentor, "mentor", learner), (learner, "learner", mentor)):
        access = room_access_get(user=user, room_id=session.room_id)
        assert (access.state, access.role, access.peer, access.booking) == ("open", role, peer, booking)
        assert access.is_participant


def test_strangers_staff_and_anonymous_are_refused(booked, other_learner, other_mentor, staff):
    session, _ = booked
    for user in (other_learner, other_mentor, staff):
        access = room_access_get(user=user, room_id=session.room_id)
        assert access.state == "stranger" and not access.is_participant
    assert room_access_get(user=None, room_id=session.room_id).state == "anonymous"
    assert room_access_get(user=other_learner, room_id="no-such-room").state == "not_found"


def test_a_learner_whose_booking_is_not_confirmed_is_told_why(mentor, learner, other_learner):
    from core.users.services import mentor_approve

    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor)
    booking_checkout_start(session=session, learner=learner)
    assert room_access_get(user=learner, room_id=session.room_id).state == "booking_unpaid"
    other = session_make(mentor=mentor, hours_from_now=48)
    pending = book_and_pay(other, other_learner)
    access = room_access_get(user=other_learner, room_id=other.room_id)
    assert access.state == "booking_pending"
    assert "waiting for the mentor" in access.message
    booking_reject(booking=pending, mentor=mentor, reason="I am away that week.")
    access = room_access_get(user=other_learner, room_id=other.room_id)
    assert access.state == "booking_rejected"
    assert access.message == "Your booking was rejected: I am away that week."


def test_the_window_opens_ten_minutes_early_and_closes_after_the_grace(booked, mentor, learner):
    session, _ = booked
    _shift(session, starts_in=timedelta(minutes=30))
    now = timezone.now()
    assert room_access_get(user=mentor, room_id=session.room_id, now=now).state == "too_early"
    assert room_access_get(user=mentor, room_id=session.room_id, now=now + timedelta(minutes=20, seconds=1)).is_open
    presence_join(session=session, user=mentor, now=now + timedelta(minutes=21))
    presence_join(session=session, user=learner, now=now + timedelta(minutes=22))
    after_end = session.ends_at + timedelta(minutes=15)
    assert room_access_get(user=learner, room_id=session.room_id, now=after_end).is_open  # the grace period
    late = after_end + timedelta(seconds=1)
    assert room_access_get(user=learner, room_id=session.room_id, now=late).state == "ended"


def test_completed_and_cancelled_sessions_are_closed(booked, mentor, learner):
    session, _ = booked
    session_complete(session=session)
    access = room_access_get(user=learner, room_id=session.room_id)
    assert access.state == "ended" and access.is_participant  # may still fetch the board and recordings
    MentoringSession.objects.filter(pk=session.pk).update(status="cancelled")
    assert room_access_get(user=mentor, room_id=session.room_id).state == "cancelled"


def test_whoever_has_not_joined_by_the_no_show_deadline_cannot_join_later(booked, mentor, learner):
    session, _ = booked
    _shift(session, starts_in=-timedelta(minutes=11))
    RoomPresence.objects.create(
        session=session, user=mentor, joined_at=session.starts_at, seen_at=timezone.now()
    )  # the mentor came on time
    assert room_access_get(user=mentor, room_id=session.room_id).is_open
    late = room_access_get(user=learner, room_id=session.room_id)
    assert late.state == "missed"
    assert "counts as held" in late.message


def test_a_mentor_without_a_confirmed_learner_has_no_room(mentor):
    from core.users.services import mentor_approve

    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor)
    assert room_access_get(user=mentor, room_id=session.room_id).state == "no_learner"


# --- The page -----------------------------------------------------------------------------------------


@override_settings(ICE_SERVERS=[{"urls": "stun:stun.example.org:3478"}])
def test_the_room_page_gives_the_browser_its_config(client, booked, mentor, learner):
    session, booking = booked
    client.force_login(learner)
    response = client.get(f"/session/{session.room_id}/")
    assert response.status_code == 200
    assert "mentoring/room.html" in [template.name for template in response.templates]
    assert response.context["booking"] == booking and response.context["me_role"] == "learner"
    config = response.context["room_config"]
    page_config = json.loads(
        response.content.decode().split('id="room-config" type="application/json">')[1].split("</script>")[0]
    )
    assert page_config == config
    assert config["room_id"] == session.room_id
    assert config["ws_url"] == f"/ws/room/{session.room_id}/"
    assert config["me"] == {"id": learner.pk, "name": "Asha Learner", "role": "learner"}
    assert config["peer"] == {"id": mentor.pk, "name": "Meera Mentor", "role": "mentor"}
    assert config["title"] == session.title
    assert config["topics"] == ["Forms", "Validation", "Formsets"]
    assert config["starts_at"].endswith("Z") and config["ends_at"].endswith("Z")
    assert config["ice_servers"] == [{"urls": "stun:stun.example.org:3478"}]
    assert config["recording_upload_url"] == f"/session/{session.room_id}/recordings/"
    assert config["feedback_url"] == f"/session/{session.room_id}/feedback/"
    assert config["board_url"] == f"/session/{session.room_id}/board.png"
    assert config["max_chat_length"] == 2000
    assert response["Cache-Control"].startswith("max-age=0")


def test_anonymous_visitors_go_to_the_login(client, booked):
    session, _ = booked
    response = client.get(f"/session/{session.room_id}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/session/")


def test_a_stranger_gets_403_with_the_reason(client, booked, other_learner):
    session, _ = booked
    client.force_login(other_learner)
    response = client.get(f"/session/{session.room_id}/")
    assert response.status_code == 403
    assert "mentoring/room_closed.html" in [template.name for template in response.templates]
    assert "only for the session&#x27;s mentor and its learner" in response.content.decode()


def test_a_waiting_learner_reads_that_the_mentor_has_not_answered(client, mentor, other_learner):
    from core.users.services import mentor_approve

    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor)
    book_and_pay(session, other_learner)
    client.force_login(other_learner)
    response = client.get(f"/session/{session.room_id}/")
    assert response.status_code == 403
    assert "Your booking is waiting for the mentor" in response.content.decode()


def test_too_early_says_when_the_room_opens_in_the_viewers_zone(client, booked, learner):
    session, _ = booked
    _shift(session, starts_in=timedelta(hours=3))
    learner.timezone = "Asia/Kolkata"
    learner.save(update_fields=["timezone"])
    client.force_login(learner)
    response = client.get(f"/session/{session.room_id}/")
    assert response.status_code == 200
    page = response.content.decode()
    opens = timezone.localtime(session.starts_at - timedelta(minutes=10), timezone=zoneinfo.ZoneInfo("Asia/Kolkata"))
    assert "The room opens at" in page
    assert opens.strftime("%-I:%M") in page and "Asia/Kolkata" in page


def test_after_the_session_the_page_links_feedback_and_the_board(client, booked, mentor, learner):
    session, _ = booked
    presence_join(session=session, user=learner)
    session_complete(session=session)
    client.force_login(learner)
    page = client.get(f"/session/{session.room_id}/").content.decode()
    assert "This session has ended" in page
    assert f"/session/{session.room_id}/feedback/" in page
    assert f"/session/{session.room_id}/board.png" in page
    client.force_login(mentor)
    page = client.get(f"/session/{session.room_id}/").content.decode()
    assert "/feedback/" not in page and "board.png" in page


def test_an_unknown_room_is_404(client, learner):
    client.force_login(learner)
    assert client.get("/session/not-a-room/").status_code == 404


def test_a_cancelled_booking_is_explained(client, booked, learner):
    session, booking = booked
    type(booking).objects.filter(pk=booking.pk).update(
        status=BookingStatus.CANCELLED, status_reason="Cancelled by the learner."
    )
    client.force_login(learner)
    response = client.get(f"/session/{session.room_id}/")
    assert response.status_code == 403
    assert "Your booking was cancelled: Cancelled by the learner." in response.content.decode()


def test_the_board_png_is_for_the_participants_during_and_after(client, booked, mentor, learner, other_learner):
    from core.room.board import stroke_add

    session, _ = booked
    stroke_add(
        session=session,
        sender=learner,
        stroke={"tool": "pen", "color": "#000000", "width": 5, "points": [[0, 0], [1, 1]]},
    )
    url = f"/session/{session.room_id}/board.png"
    for person in (mentor, learner):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")
    session_complete(session=session)
    assert client.get(url).status_code == 200
    client.force_login(other_learner)
    assert client.get(url).status_code == 404
