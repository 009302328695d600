"""Sockets obey the pages' second-factor gate (core/realtime/middleware.py), and an unknown
socket path is refused cleanly. Everything goes through ``core.asgi.application`` with a real
login cookie, as a browser's socket does."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.asgi import application
from core.mentoring.tests.factories import session_booked
from core.users.tests.factories import PASSWORD
from core.users.tests.helpers import force_login_verified

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


def _cookie(client: Client) -> bytes:
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@database_sync_to_async
def _password_login(user) -> Client:
    """Signed in at /accounts/login/ with the password only."""
    client = Client()
    assert client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code == 302
    return client


async def _connects(client: Client | None, path: str) -> bool:
    headers = [ORIGIN] + ([(b"cookie", _cookie(client))] if client is not None else [])
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    if connected:
        await communicator.disconnect()
    else:
        await _ended(communicator)
    return connected


async def _ended(communicator: WebsocketCommunicator) -> None:
    """The refused application has returned: nothing is left running (a consumer such as
    channels' WebsocketDenier would linger, waiting for a disconnect, and time out here)."""
    try:
        await asyncio.wait_for(asyncio.shield(communicator.future), timeout=5)
    finally:
        communicator.future.cancel()


async def test_a_pending_second_factor_opens_no_socket(learner, mentor):
    device = await database_sync_to_async(TOTPDevice.objects.create)(user=learner, name="phone", confirmed=True)
    session, _booking = await database_sync_to_async(session_booked)(mentor=mentor, learner=learner)
    client = await _password_login(learner)

    assert await _connects(client, "/ws/notifications/") is False
    assert await _connects(client, f"/ws/room/{session.room_id}/") is False

    response = await database_sync_to_async(client.post)("/accounts/two-factor/", {"totp-token": _code(device)})
    assert response.status_code == 302
    assert await _connects(client, "/ws/notifications/") is True
    assert await _connects(client, f"/ws/room/{session.room_id}/") is True


async def test_staff_without_a_code_in_this_session_open_no_socket(staff):
    client = await _password_login(staff)
    assert await _connects(client, "/ws/notifications/") is False

    verified = Client()
    await database_sync_to_async(force_login_verified)(verified, staff)
    assert await _connects(verified, "/ws/notifications/") is True


async def test_a_learner_without_an_app_is_not_held_up(learner):
    client = await _password_login(learner)
    assert await _connects(client, "/ws/notifications/") is True


@pytest.mark.parametrize("path", ["/ws/nowhere/", "/ws/", "/", "/ws/room/", "/ws/notifications/extra/"])
async def test_an_unknown_socket_path_is_refused_cleanly(learner, path):
    client = await _password_login(learner)
    communicator = WebsocketCommunicator(application, path, headers=[ORIGIN, (b"cookie", _cookie(client))])
    connected, _ = await communicator.connect()  # an unhandled "No route found" would raise here
    assert connected is False
    await _ended(communicator)
    anonymous = WebsocketCommunicator(application, path, headers=[ORIGIN])
    assert (await anonymous.connect())[0] is False
    await _ended(anonymous)
