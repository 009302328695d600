"""The live room from an app: whether it is open and how to connect, its socket opened with an
access token, the mentor's recording uploads, and the recordings and whiteboard after."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient
from rest_framework_simplejwt.tokens import RefreshToken

from core.api.tests.helpers import bearer
from core.asgi import application
from core.bookings.tests.factories import book_and_pay
from core.mentoring.tests.factories import session_booked, session_make
from core.room.models import ChatMessage
from core.room.recording import recording_chunk_append, recording_consent_set, recording_create, recording_finish
from core.users.services import mentor_approve

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TIMEOUT = 10


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def test_the_room_says_where_to_connect_while_it_is_open(mentor, learner, other_learner, settings):
    settings.ICE_SERVERS = [{"urls": "stun:stun.example.org:3478"}]
    session, booking = session_booked(mentor=mentor, learner=learner)
    room = bearer(learner).get(f"/api/v1/bookings/{booking.pk}/room/").json()
    assert room["state"] == "open" and room["is_open"] is True
    assert room["socket"] == {"path": f"/ws/room/{session.room_id}/", "subprotocols": ["bearer", "<access token>"]}
    assert room["me"] == {"id": learner.pk, "name": "Asha Learner", "role": "learner"}
    assert room["peer"]["id"] == mentor.pk and room["peer"]["role"] == "mentor"
    assert room["ice_servers"] == [{"urls": "stun:stun.example.org:3478"}]
    assert room["topics"] == ["Forms", "Validation", "Formsets"]
    assert bearer(mentor).get(f"/api/v1/bookings/{booking.pk}/room/").json()["me"]["role"] == "mentor"
    assert bearer(other_learner).get(f"/api/v1/bookings/{booking.pk}/room/").status_code == 404


def test_a_booking_not_yet_accepted_has_no_room_to_join(mentor, learner):
    mentor_approve(mentor=mentor)
    waiting = book_and_pay(session_make(mentor=mentor), learner)
    room = bearer(learner).get(f"/api/v1/bookings/{waiting.pk}/room/").json()
    assert room["is_open"] is False and room["socket"] is None and room["ice_servers"] == []
    assert room["state"] == "booking_pending" and room["message"]
    assert room["me"] is None and room["peer"] is None


@database_sync_to_async
def _token(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_an_app_joins_the_room_socket_with_its_token_and_chats(mentor, learner, other_learner):
    session, _booking = await database_sync_to_async(session_booked)(mentor=mentor, learner=learner)
    path = f"/ws/room/{session.room_id}/"
    app = WebsocketCommunicator(application, path, subprotocols=["bearer", await _token(learner)])
    stranger = WebsocketCommunicator(application, path, subprotocols=["bearer", await _token(other_learner)])
    try:
        assert await app.connect(timeout=TIMEOUT) == (True, "bearer")  # no Origin, no cookie
        welcome = await app.receive_json_from(timeout=TIMEOUT)
        assert welcome["type"] == "welcome" and welcome["you"] == {"id": learner.pk, "role": "learner"}
        await app.send_json_to({"type": "chat", "text": "Hello from the app", "client_id": "c-1"})
        echoed = await app.receive_json_from(timeout=TIMEOUT)
        while echoed["type"] not in ("chat", "ack"):
            echoed = await app.receive_json_from(timeout=TIMEOUT)
        assert (
            await database_sync_to_async(ChatMessage.objects.filter(session=session, text="Hello from the app").count)()
            == 1
        )

        assert (await stranger.connect(timeout=TIMEOUT))[0] is True
        closed = await stranger.receive_output(timeout=TIMEOUT)
        assert (closed["type"], closed["code"]) == ("websocket.close", 4403)
    finally:
        await app.disconnect()
        await stranger.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_bad_token_closes_the_room_socket_with_4401(mentor, learner):
    session, _booking = await database_sync_to_async(session_booked)(mentor=mentor, learner=learner)
    communicator = WebsocketCommunicator(
        application, f"/ws/room/{session.room_id}/", subprotocols=["bearer", "not-a-token"]
    )
    try:
        assert (await communicator.connect(timeout=TIMEOUT))[0] is True
        closed = await communicator.receive_output(timeout=TIMEOUT)
        assert (closed["type"], closed["code"]) == ("websocket.close", 4401)
    finally:
        await communicator.disconnect()


def test_the_mentor_uploads_a_recording_in_chunks_and_both_download_it(mentor, learner):
    session, booking = session_booked(mentor=mentor, learner=learner)
    base = f"/api/v1/bookings/{booking.pk}/recordings/"
    refused = bearer(mentor).post(base)
    assert refused.status_code == 409  # neither has agreed to be recorded
    for person in (mentor, learner):
        recording_consent_set(session=session, user=person, is_given=True, learner_id=learner.pk)
    assert bearer(learner).post(base).status_code == 403  # the mentor records
    started = bearer(mentor).post(base)
    assert started.status_code == 201, started.json()
    chunk_url, finish_url = started.json()["chunk_url"], started.json()["finish_url"]
    mentoring = bearer(mentor)

    def send(offset, data):
        return mentoring.post(f"{chunk_url}?offset={offset}", data=data, content_type="application/octet-stream")

    assert send(0, b"first,").json() == {"size": 6}
    wrong = send(0, b"again")
    assert wrong.status_code == 409 and wrong.json()["size"] == 6 and wrong.json()["code"] == "wrong_offset"
    assert send(6, b"second").json() == {"size": 12}
    assert (
        mentoring.post(f"{chunk_url}?offset=x", data=b"z", content_type="application/octet-stream").status_code == 400
    )
    finished = mentoring.post(finish_url)
    assert finished.status_code == 200 and finished.json()["size_bytes"] == 12
    gone = send(12, b"late")
    assert gone.status_code == 410
    assert bearer(learner).post(finish_url).status_code == 404  # not the learner's upload

    token = str(RefreshToken.for_user(learner).access_token)

    async def download():
        response = await AsyncClient().get(
            f"{base}{started.json()['id']}/", headers={"Authorization": f"Bearer {token}"}
        )
        return response, b"".join([chunk async for chunk in response])

    response, body = async_to_sync(download)()
    assert response.status_code == 200 and body == b"first,second"


def test_a_chunk_over_the_limit_is_refused(mentor, learner, settings):
    settings.RECORDING_CHUNK_MAX_BYTES = 4
    session, booking = session_booked(mentor=mentor, learner=learner)
    for person in (mentor, learner):
        recording_consent_set(session=session, user=person, is_given=True, learner_id=learner.pk)
    started = bearer(mentor).post(f"/api/v1/bookings/{booking.pk}/recordings/").json()
    big = bearer(mentor).post(
        f"{started['chunk_url']}?offset=0", data=b"12345", content_type="application/octet-stream"
    )
    assert big.status_code == 413 and big.json()["size"] == 0


def _recorded(mentor, learner):
    session, booking = session_booked(mentor=mentor, learner=learner)
    for person in (mentor, learner):
        recording_consent_set(session=session, user=person, is_given=True, learner_id=learner.pk)
    recording = recording_create(session=session, by=mentor, learner_id=learner.pk)
    recording_chunk_append(recording=recording, offset=0, data=b"webm bytes", learner_id=learner.pk)
    recording_finish(recording=recording, learner_id=learner.pk)
    return booking, recording


def test_only_the_bookings_two_people_list_its_recordings(mentor, learner, other_learner):
    booking, recording = _recorded(mentor, learner)
    listed = bearer(learner).get(f"/api/v1/bookings/{booking.pk}/recordings/").json()["results"]
    assert [row["id"] for row in listed] == [recording.pk] and listed[0]["size_bytes"] == 10
    assert listed[0]["download_url"] == f"http://testserver/api/v1/bookings/{booking.pk}/recordings/{recording.pk}/"
    assert bearer(mentor).get(f"/api/v1/bookings/{booking.pk}/recordings/").json()["results"] == listed
    assert bearer(other_learner).get(f"/api/v1/bookings/{booking.pk}/recordings/").status_code == 404
    missing = bearer(learner).get(f"/api/v1/bookings/{booking.pk}/recordings/{recording.pk + 1}/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"


def test_a_booking_not_confirmed_sees_nothing_of_the_session(mentor, learner):
    mentor_approve(mentor=mentor)
    waiting = book_and_pay(session_make(mentor=mentor), learner)
    assert bearer(learner).get(f"/api/v1/bookings/{waiting.pk}/recordings/").json() == {"results": []}
    assert bearer(learner).get(f"/api/v1/bookings/{waiting.pk}/board.png").status_code == 404


def test_the_whiteboard_comes_as_a_png_to_the_bookings_two_people(mentor, learner, other_learner):
    _session, booking = session_booked(mentor=mentor, learner=learner)
    for person in (learner, mentor):
        answer = bearer(person).get(f"/api/v1/bookings/{booking.pk}/board.png", HTTP_ACCEPT="image/png")
        assert answer.status_code == 200 and answer.content.startswith(PNG_SIGNATURE)
    assert bearer(other_learner).get(f"/api/v1/bookings/{booking.pk}/board.png").status_code == 404
