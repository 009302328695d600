"""The shared whiteboard: strokes saved one by one, undo, clear, and the board as a PNG.

A stroke is ``{"tool": "pen"|"eraser", "color": "#rrggbb", "width": 1..40, "points": [[x, y], ...]}``
with x and y fractions (0..1) of a board that keeps a 4:3 shape, and ``width`` in pixels of a
board 1000 px wide (static/js/room/whiteboard.js draws it the same way at any size).
"""

from __future__ import annotations

import io
import math
import re
from datetime import datetime, timedelta

from django.utils import timezone
from PIL import Image, ImageDraw

from core.mentoring.models import MentoringSession
from core.room.access import RoomError
from core.room.broadcast import room_broadcast
from core.room.chat import client_id_clean, saved_once
from core.room.models import BoardStroke
from core.room.selectors import board_point_count, board_strokes, stroke_payload
from core.users.models import User

TOOLS = ("pen", "eraser")
COLOR = re.compile(r"#[0-9a-fA-F]{6}")
WIDTH_MIN, WIDTH_MAX = 1, 40
POINTS_MAX = 2000  # in one stroke
BOARD_POINTS_MAX = 200_000  # on the board since the last clear (~4 MB of JSON on welcome)
RATE_COUNT = 100  # strokes in RATE_SECONDS per person (long strokes arrive in pieces)
RATE_SECONDS = 10
REFERENCE_WIDTH = 1000
PNG_SIZE = (1600, 1200)  # 4:3, like the board
BACKGROUND = "#ffffff"


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def stroke_clean(raw) -> dict:
    """The stroke as it will be stored, or ``RoomError("invalid")`` saying what is wrong."""
    if not isinstance(raw, dict):
        raise RoomError("invalid", "A stroke needs a tool, a colour, a width and points.")
    tool, color, width, points = raw.get("tool"), raw.get("color"), raw.get("width"), raw.get("points")
    if tool not in TOOLS:
        raise RoomError("invalid", "Draw with the pen or the eraser.")
    if not isinstance(color, str) or not COLOR.fullmatch(color):
        raise RoomError("invalid", "A colour is written #rrggbb.")
    if not _number(width) or not WIDTH_MIN <= width <= WIDTH_MAX:
        raise RoomError("invalid", f"A stroke is {WIDTH_MIN} to {WIDTH_MAX} pixels wide.")
    if not isinstance(points, list) or not 1 <= len(points) <= POINTS_MAX:
        raise RoomError("invalid", f"A stroke has 1 to {POINTS_MAX:,} points.")
    clean = []
    for point in points:
        if not (isinstance(point, list | tuple) and len(point) == 2 and all(_number(v) and 0 <= v <= 1 for v in point)):
            raise RoomError("invalid", "Each point is [x, y] with x and y between 0 and 1.")
        clean.append([round(float(point[0]), 4), round(float(point[1]), 4)])
    width = int(width) if float(width).is_integer() else round(float(width), 1)
    return {"tool": tool, "color": color.lower(), "width": width, "points": clean}


def stroke_add(
    *, session: MentoringSession, sender: User, stroke, client_id: str = "", now: datetime | None = None
) -> BoardStroke:
    """Validate and save a stroke, then broadcast it (with ``client_id`` if given). A
    ``client_id`` this sender already used in this room returns that stroke, saving and
    broadcasting nothing (a resend)."""
    now = now or timezone.now()
    client_id = client_id_clean(client_id)
    lookup = {"session": session, "sender": sender, "client_id": client_id}
    if client_id and (saved := BoardStroke.objects.filter(**lookup).first()):
        return saved
    data = stroke_clean(stroke)
    recent = BoardStroke.objects.filter(
        session=session, sender=sender, created_at__gt=now - timedelta(seconds=RATE_SECONDS)
    ).count()
    if recent >= RATE_COUNT:
        raise RoomError("rate_limited", "You are drawing faster than the board can keep up. Wait a moment.")
    if board_point_count(session=session) + len(data["points"]) > BOARD_POINTS_MAX:
        raise RoomError("invalid", "The whiteboard is full. Clear it to keep drawing.")
    saved, is_new = saved_once(
        BoardStroke,
        lookup=lookup,
        create=lambda: BoardStroke.objects.create(**lookup, data=data, point_count=len(data["points"]), created_at=now),
    )
    if not is_new:
        return saved
    payload = {"type": "stroke", "stroke": stroke_payload(saved)}
    if client_id:
        payload["client_id"] = client_id
    room_broadcast(room_id=session.room_id, payload=payload)
    return saved


def stroke_undo(*, session: MentoringSession, sender: User) -> int:
    """Take back the sender's last stroke still on the board; returns its id."""
    last = board_strokes(session=session).filter(sender=sender).order_by("-id").first()
    if last is None or not BoardStroke.objects.filter(pk=last.pk, is_undone=False).update(is_undone=True):
        raise RoomError("invalid", "There is nothing of yours on the board to undo.")
    room_broadcast(room_id=session.room_id, payload={"type": "undo", "stroke_id": last.pk})
    return last.pk


def board_clear(*, session: MentoringSession, by: User) -> int:
    """Empty the board for both; returns how many strokes were on it."""
    cleared = BoardStroke.objects.filter(session=session, is_cleared=False).update(is_cleared=True)
    room_broadcast(room_id=session.room_id, payload={"type": "clear", "by": by.pk})
    return cleared


def board_png_render(*, session: MentoringSession, size: tuple[int, int] = PNG_SIZE) -> bytes:
    """The board as it stands, drawn from the saved strokes: a PNG of ``size``.

    Drawn at twice the size and scaled down, so lines come out smooth. Eraser strokes paint
    the background colour, which is what the person saw.
    """
    factor = 2
    width, height = size[0] * factor, size[1] * factor
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for stroke in board_strokes(session=session).only("data").iterator():
        data = stroke.data
        color = BACKGROUND if data["tool"] == "eraser" else data["color"]
        line = max(1, round(float(data["width"]) * width / REFERENCE_WIDTH))
        points = [(x * width, y * height) for x, y in data["points"]]
        if len(points) > 1:
            draw.line(points, fill=color, width=line, joint="curve")
        radius = line / 2
        for x, y in {points[0], points[-1]}:  # round caps
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=color)
    image = image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
