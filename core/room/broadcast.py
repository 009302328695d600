"""Channel-layer groups of a room, and the after-commit broadcast every room write uses.

Each room has a group (every socket in it) and one group per participant (all of that
person's sockets there: a second tab, a reconnect), so a WebRTC signal reaches only the
other participant.

Broadcasts are best effort (docs/decisions/0013-real-time.md: the channel layer is not a record): what they carry
is saved first, and the sender hears an ``ack`` straight from its own socket, not through the
layer. So a broadcast that fails loses nothing and must not fail the write that caused it: it is
logged as a WARNING with the traceback (the room works on, late), and the sockets that missed it
recover on their own: every ``pong`` carries the room's marks (last ids), a socket that is behind
asks ``catch_up`` with the last chat id it saw, and a reconnect does the same.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

EVENT = "room.event"  # handled by RoomConsumer.room_event: sends ``payload`` as it is


def room_group(room_id: str) -> str:
    return f"room.{room_id}"


def room_user_group(room_id: str, user_id: int) -> str:
    return f"room.{room_id}.user.{user_id}"


def _send(group: str, payload: dict) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(group, {"type": EVENT, "payload": payload})
    except Exception:
        logger.warning(
            "Room broadcast of %s to %s failed; it is saved, and the sockets will catch up",
            payload.get("type"),
            group,
            exc_info=True,
        )


def room_broadcast(*, room_id: str, payload: dict, user_id: int | None = None) -> None:
    """Send ``payload`` to every socket of the room (or of one participant) once the current
    transaction commits (at once outside one)."""
    group = room_user_group(room_id, user_id) if user_id is not None else room_group(room_id)
    transaction.on_commit(lambda: _send(group, payload))
