"""Notifications through the API: the list, the unread count and "mark read"; and the notifications
socket signed in with an access token (the ``bearer`` subprotocol), as apps open it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from core.api.tests.helpers import bearer
from core.api.views.notifications import NO_IDS
from core.asgi import application
from core.realtime import services
from core.realtime.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

KIND = NotificationKind.BOOKING_REQUESTED
NOTIFICATIONS = "/api/v1/notifications/"


def _send(user, title: str) -> Notification:
    return services.notification_send(user=user, kind=KIND, title=title, body=f"{title}, in full.", url="/bookings/1/")


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_the_list_is_ones_own_newest_first_with_read_state(learner, other_learner):
    first, second = _send(learner, "One"), _send(learner, "Two")
    _send(other_learner, "Not yours")
    services.notification_mark_read(user=learner, ids=[first.pk])
    first.refresh_from_db()
    answer = bearer(learner).get(NOTIFICATIONS).json()
    assert answer == {
        "next": None,
        "previous": None,
        "results": [
            {
                "id": second.pk,
                "kind": "booking_requested",
                "title": "Two",
                "body": "Two, in full.",
                "url": "/bookings/1/",
                "created_at": _iso(second.created_at),
                "read": False,
            },
            {
                "id": first.pk,
                "kind": "booking_requested",
                "title": "One",
                "body": "One, in full.",
                "url": "/bookings/1/",
                "created_at": _iso(first.created_at),
                "read": True,
            },
        ],
    }
    assert bearer(learner).get(f"{NOTIFICATIONS}unread-count/").json() == {"unread_count": 1}
    assert bearer(other_learner).get(f"{NOTIFICATIONS}unread-count/").json() == {"unread_count": 1}


def test_pages_stay_put_while_new_ones_arrive(mentor):
    sent = [_send(mentor, f"Number {index}") for index in range(5)]
    client = bearer(mentor)
    first = client.get(NOTIFICATIONS, {"page_size": 2}).json()
    _send(mentor, "Newer")  # arrives on top: the next page does not shift
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    shown = [row["id"] for page in (first, second, third) for row in page["results"]]
    assert shown == [notification.pk for notification in reversed(sent)]
    assert third["next"] is None


def test_mark_some_then_all_read(learner, other_learner):
    mine = [_send(learner, f"Mine {index}") for index in range(3)]
    theirs = _send(other_learner, "Theirs")
    client = bearer(learner)
    answer = client.post(f"{NOTIFICATIONS}read/", {"ids": [mine[0].pk, theirs.pk]}, format="json")
    assert (answer.status_code, answer.json()) == (200, {"marked": 1})  # someone else's id is ignored
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(f"{NOTIFICATIONS}unread-count/").json() == {"unread_count": 2}
    assert client.post(f"{NOTIFICATIONS}read/", {}, format="json").json() == {"marked": 2}
    assert client.post(f"{NOTIFICATIONS}read/", {"ids": None}, format="json").json() == {"marked": 0}
    assert client.post(f"{NOTIFICATIONS}read/").json() == {"marked": 0}  # no body at all: all of them
    assert client.get(f"{NOTIFICATIONS}unread-count/").json() == {"unread_count": 0}
    assert bearer(other_learner).get(f"{NOTIFICATIONS}unread-count/").json() == {"unread_count": 1}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"ids": []}, "ids", NO_IDS),
        ({"ids": "1,2"}, "ids", 'Expected a list of items but got type "str".'),
        ({"ids": [1, "two"]}, "ids.1", "A valid integer is required."),
        ({"ids": [0]}, "ids.0", "Ensure this value is greater than or equal to 1."),
        ({"ids": [2**63]}, "ids.0", f"Ensure this value is less than or equal to {2**63 - 1}."),
        ({"ids": [True]}, "ids.0", "A valid integer is required."),
        ({"ids": list(range(1, 1002))}, "ids", "Ensure this field has no more than 1000 elements."),
        ({"ids": [{"id": 1}]}, "ids.0", "A valid integer is required."),
        ([1, 2], "", "Invalid data. Expected a dictionary, but got list."),
    ],
)
def test_bad_ids_are_a_400_and_mark_nothing(learner, body, field, message):
    notification = _send(learner, "Still unread")
    response = bearer(learner).post(f"{NOTIFICATIONS}read/", body, format="json")
    assert response.status_code == 400, response.json()
    assert [(error["field"], error["message"]) for error in response.json()["errors"]] == [(field, message)]
    notification.refresh_from_db()
    assert notification.read_at is None


def test_signed_out_is_401(learner):
    client = APIClient()
    assert client.get(NOTIFICATIONS).status_code == 401
    assert client.get(f"{NOTIFICATIONS}unread-count/").status_code == 401
    assert client.post(f"{NOTIFICATIONS}read/", {}, format="json").status_code == 401


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [NOTIFICATIONS, f"{NOTIFICATIONS}unread-count/"])
def test_the_same_queries_for_2_or_6_notifications(mentor, url):
    client = bearer(mentor)
    for index in range(2):
        _send(mentor, f"Early {index}")
    few = _queries(client, url)
    for index in range(4):
        _send(mentor, f"Late {index}")
    assert len(client.get(NOTIFICATIONS).json()["results"]) == 6
    assert _queries(client, url) == few


# --- The socket, with an access token -------------------------------------------------------------------

SOCKET = "/ws/notifications/"
ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@database_sync_to_async
def _access(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


@database_sync_to_async
def _async_send(user, title: str) -> Notification:
    return _send(user, title)


@database_sync_to_async
def _block(user) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])


# Generous: under CI's load a message can take longer than channels' default second, and a socket
# test that fails before its disconnect() leaves a task that keeps the event loop from closing.
TIMEOUT = 10


async def _refused(communicator: WebsocketCommunicator) -> tuple[bool, str | None, int]:
    """Connect; the socket is accepted with ``bearer``, then closed: (accepted, subprotocol, close code)."""
    accepted, subprotocol = await communicator.connect(timeout=TIMEOUT)
    closed = await communicator.receive_output(timeout=TIMEOUT)
    await communicator.disconnect()  # even after the server closed it, or teardown waits for ever
    assert closed["type"] == "websocket.close"
    return accepted, subprotocol, closed["code"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_an_app_signs_in_with_its_access_token_and_hears_live(learner, other_learner):
    earlier = await _async_send(learner, "Earlier")
    communicator = WebsocketCommunicator(application, SOCKET, subprotocols=["bearer", await _access(learner)])
    try:
        accepted, subprotocol = await communicator.connect(timeout=TIMEOUT)  # no Origin: apps send none
        assert (accepted, subprotocol) == (True, "bearer")
        assert await communicator.receive_json_from(timeout=TIMEOUT) == {
            "type": "hello",
            "unread": 1,
            "last_id": earlier.pk,
        }
        await _async_send(other_learner, "Not yours")
        notification = await _async_send(learner, "Live")
        payload = await communicator.receive_json_from(timeout=TIMEOUT)
        assert (payload["type"], payload["id"], payload["title"], payload["unread"]) == (
            "notification",
            notification.pk,
            "Live",
            2,
        )
        await communicator.send_json_to({"type": "catch_up", "after": 0})
        answer = await communicator.receive_json_from(timeout=TIMEOUT)
        assert [row["id"] for row in answer["notifications"]] == [earlier.pk, notification.pk]
    finally:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_same_origin_browser_may_use_a_token_too_but_not_another_site(learner):
    token = await _access(learner)
    ours = WebsocketCommunicator(application, SOCKET, headers=[ORIGIN], subprotocols=["bearer", token])
    assert await ours.connect(timeout=TIMEOUT) == (True, "bearer")
    await ours.disconnect()
    foreign = WebsocketCommunicator(
        application, SOCKET, headers=[(b"origin", b"https://evil.example.com")], subprotocols=["bearer", token]
    )
    accepted, _ = await foreign.connect(timeout=TIMEOUT)
    assert accepted is False
    await foreign.disconnect()


@pytest.mark.parametrize(
    "subprotocols",
    [
        ["bearer"],
        ["bearer", ""],
        ["bearer", "not-a-token"],
        ["bearer", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"],
        ["bearer", "\u00e9\u0000"],
        ["bearer", "a", "b"],
    ],
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_bad_token_is_closed_with_4401(learner, subprotocols):
    communicator = WebsocketCommunicator(application, SOCKET, subprotocols=subprotocols)
    assert await _refused(communicator) == (True, "bearer", 4401)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_an_expired_or_refresh_token_is_closed_with_4401(learner):
    @database_sync_to_async
    def tokens():
        expired = AccessToken.for_user(learner)
        expired.set_exp(lifetime=-timedelta(seconds=1))
        return str(expired), str(RefreshToken.for_user(learner))

    for token in await tokens():
        communicator = WebsocketCommunicator(application, SOCKET, subprotocols=["bearer", token])
        assert await _refused(communicator) == (True, "bearer", 4401)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_blocked_person_is_refused_with_4403(learner):
    token = await _access(learner)
    await _block(learner)
    communicator = WebsocketCommunicator(application, SOCKET, subprotocols=["bearer", token])
    assert await _refused(communicator) == (True, "bearer", 4403)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_blocking_closes_an_open_token_socket(learner):
    communicator = WebsocketCommunicator(application, SOCKET, subprotocols=["bearer", await _access(learner)])
    try:
        assert (await communicator.connect(timeout=TIMEOUT))[0] is True
        await communicator.receive_json_from(timeout=TIMEOUT)  # hello
        await database_sync_to_async(services.sockets_close)(user_id=learner.pk)
        closed = await communicator.receive_output(timeout=TIMEOUT)
        assert (closed["type"], closed["code"]) == ("websocket.close", 4403)
    finally:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_token_opens_the_notifications_and_room_sockets_only(learner):
    token = await _access(learner)
    for path in ("/ws/console/", "/ws/landing/", "/ws/nowhere/"):
        communicator = WebsocketCommunicator(application, path, subprotocols=["bearer", token])
        accepted, _ = await communicator.connect(timeout=TIMEOUT)
        assert accepted is False, path
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_cookie_socket_is_unchanged(learner):
    @database_sync_to_async
    def cookie() -> bytes:
        client = Client()
        client.force_login(learner)
        return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()

    signed_in = WebsocketCommunicator(application, SOCKET, headers=[ORIGIN, (b"cookie", await cookie())])
    assert await signed_in.connect(timeout=TIMEOUT) == (True, None)
    assert (await signed_in.receive_json_from(timeout=TIMEOUT))["type"] == "hello"
    await signed_in.disconnect()
    no_origin = WebsocketCommunicator(application, SOCKET, headers=[(b"cookie", await cookie())])
    assert (await no_origin.connect(timeout=TIMEOUT))[0] is False  # a cookie socket still needs our Origin
    await no_origin.disconnect()
    anonymous = WebsocketCommunicator(application, SOCKET, headers=[ORIGIN])
    assert await anonymous.connect(timeout=TIMEOUT) == (False, 4401)
    await anonymous.disconnect()
    # A cookie does not stand in for a token: the token is what counts on the bearer path.
    with_both = WebsocketCommunicator(
        application, SOCKET, headers=[ORIGIN, (b"cookie", await cookie())], subprotocols=["bearer", "x"]
    )
    assert await _refused(with_both) == (True, "bearer", 4401)
