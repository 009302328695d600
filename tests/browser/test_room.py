"""The live room in two Chromium contexts with fake cameras and microphones: both pass the
pre-call check and join; WebRTC connects and media flows both ways; chat, whiteboard and topics
sync and survive reloads; a dropped socket reconnects; the mentor ends the session, and the
learner rates it.

WebRTC, signalling and the room's state are real: static/js/room/ (ES modules) against
core/room/consumers.py and the room's services, on the live uvicorn server of conftest.py.
``window.PeerLearnRoom`` is the page's read-only hook (pc, socket, state). The page's CSP
forbids eval, and ``wait_for_function`` evals its predicate, so ``wait_until`` waits inside one
``page.evaluate`` instead: the condition is checked on every frame until it holds.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from core.bookings.services import booking_accept
from core.bookings.tests.factories import book_and_pay
from core.mentoring.models import MentoringSession, SessionStatus
from core.mentoring.tests.factories import session_make
from core.room.models import BoardStroke, ChatMessage, Feedback, Recording, RecordingStatus, TopicCheck
from core.users.services import mentor_approve
from tests.browser.waits import join_ready, wait_until

pytestmark = pytest.mark.browser

TOPICS = ["Models and the ORM", "Views", "Templates"]

CONNECTED = "() => !!window.PeerLearnRoom.pc && window.PeerLearnRoom.pc.connectionState === 'connected'"
# Bytes of audio and video received so far (inbound-rtp), as {audio, video}.
INBOUND = """async () => {
  const pc = window.PeerLearnRoom.pc;
  if (!pc) return {audio: 0, video: 0};
  const totals = {audio: 0, video: 0};
  (await pc.getStats()).forEach((s) => { if (s.type === "inbound-rtp") totals[s.kind] += s.bytesReceived || 0; });
  return totals;
}"""
# How many pixels of the whiteboard canvas are drawn on (not transparent).
INKED = """() => {
  const canvas = document.querySelector("[data-board]");
  if (!canvas.width || !canvas.height) return -1;
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked += 1;
  return inked;
}"""


def _room_session(mentor, learner, minutes_left: float = 59.5) -> MentoringSession:
    """A confirmed booking for a session that starts now, made the way people make it: the
    mentor publishes, the learner books and pays (test mode), the mentor accepts; then the clock
    is moved to the start (services only publish future sessions)."""
    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor, title="Intro to Django", hours_from_now=3, topics=TOPICS)
    booking_accept(booking=book_and_pay(session, learner), mentor=mentor)
    now = timezone.now()
    MentoringSession.objects.filter(pk=session.pk).update(
        starts_at=now - timedelta(seconds=30), ends_at=now + timedelta(minutes=minutes_left)
    )
    session.refresh_from_db()
    return session


def _participant(browser, server_url, user, problems: list, width: int = 1440):
    """A tab signed in as ``user`` with camera and microphone allowed; page errors go to ``problems``."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=server_url,
        viewport={"width": width, "height": 800 if width < 768 else 900},
        permissions=["camera", "microphone"],
    )
    context.set_default_timeout(15_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": server_url}])
    tab = context.new_page()
    name = user.name

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"{name} console: {message.text}")

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{name}: {response.status} for {response.request.resource_type} {response.url}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: problems.append(f"{name} uncaught: {error}"))
    tab.on("response", on_response)
    return context, tab


def _join(tab, url: str) -> None:
    """Open the room, pass the pre-call check (camera and microphone found) and join."""
    tab.goto(url)
    join = join_ready(tab)
    expect(tab.locator("#camera-select")).to_be_enabled()
    expect(tab.locator("#mic-select")).to_be_enabled()
    join.click()
    expect(tab.locator("[data-screen-part=call]")).to_be_visible()
    wait_until(tab, "() => window.PeerLearnRoom.state.socket === 'open'", what="the room socket")


def _media_flows(tab, who: str) -> None:
    """The peer connection is up and both audio and video bytes keep arriving."""
    wait_until(tab, CONNECTED, timeout=30, what=f"{who}'s RTCPeerConnection to connect")
    flowing = "async () => {{ const t = await ({})(); return t.video > {} && t.audio > {} && t; }}"
    first = wait_until(tab, flowing.format(INBOUND, 0, 0), what=f"{who}: the first audio and video bytes")
    # ...and keep coming: both counters grow past what they were.
    wait_until(tab, flowing.format(INBOUND, first["video"], first["audio"]), what=f"{who}: more bytes than {first}")


def _open_panel(tab, name: str) -> None:
    panel = tab.locator("#room-panel")
    if not panel.is_visible():
        tab.locator(f'.controls [data-action="{name}"], .call-top [data-action="{name}"]').first.click()
    tab.locator(f'[data-tab="{"board" if name == "board" else name}"]').click()
    expect(tab.locator(f'[data-pane="{name}"]')).to_be_visible()


def _send_chat(tab, text: str) -> None:
    _open_panel(tab, "chat")
    tab.get_by_label(re.compile("^Message to")).fill(text)
    tab.get_by_label(re.compile("^Message to")).press("Enter")


def _draw(tab) -> None:
    """A pen stroke across the top left of the board."""
    _open_panel(tab, "board")
    box = tab.locator("[data-board]").bounding_box()
    x, y = box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.15
    tab.mouse.move(x, y)
    tab.mouse.down()
    for step in range(1, 25):
        tab.mouse.move(x + step * box["width"] * 0.02, y + step * box["height"] * 0.012)
    tab.mouse.up()


def test_two_people_meet_talk_draw_and_finish(media_browser, server_url, snap, learner, mentor):
    session = _room_session(mentor, learner)
    url = f"/session/{session.room_id}/"
    problems: list[str] = []
    mentoring, mentor_tab = _participant(media_browser, server_url, mentor, problems)
    learning, learner_tab = _participant(media_browser, server_url, learner, problems)
    try:
        # Pre-call check: camera and microphone pickers, a preview, then Join.
        mentor_tab.goto(url)
        expect(mentor_tab.get_by_role("heading", name="Intro to Django")).to_be_visible()
        join_ready(mentor_tab)
        expect(mentor_tab.locator("[data-preview]")).to_have_class(re.compile("has-video"))
        snap(mentor_tab, "room-precall")
        _join(mentor_tab, url)
        expect(mentor_tab.locator("[data-peer-status]")).to_have_text("Waiting for Asha Learner…")
        _join(learner_tab, url)

        # WebRTC: both connect, and audio and video arrive on both sides.
        _media_flows(mentor_tab, "the mentor")
        _media_flows(learner_tab, "the learner")
        expect(mentor_tab.locator('[data-tile="peer"]')).to_have_class(re.compile("has-video"))
        expect(learner_tab.locator('[data-tile="peer"]')).to_have_class(re.compile("has-video"))
        snap(mentor_tab, "room-call")

        # Chat both ways, with the unread badge while the panel is closed; text is text.
        _send_chat(mentor_tab, "Namaste Asha, shall we start with the ORM?")
        expect(learner_tab.get_by_role("button", name="Chat, 1 New")).to_be_visible()
        expect(learner_tab.locator("[data-chat-unread]")).to_have_text("1 New")
        _send_chat(learner_tab, "<b>Yes</b> please!")
        expect(learner_tab.locator("[data-chat-unread]")).to_be_hidden()
        expect(mentor_tab.locator(".msg--theirs .msg__text")).to_have_text("<b>Yes</b> please!")
        assert mentor_tab.locator(".chat__list b").count() == 0

        # The chat survives a reload.
        _join(learner_tab, url)
        _open_panel(learner_tab, "chat")
        expect(learner_tab.locator(".msg__text")).to_have_text(
            ["Namaste Asha, shall we start with the ORM?", "<b>Yes</b> please!"]
        )
        wait_until(learner_tab, CONNECTED, timeout=30, what="the call after the learner's reload")
        snap(learner_tab, "room-chat")

        # A whiteboard stroke appears on the other side, and again after both rejoin.
        _draw(learner_tab)
        _open_panel(mentor_tab, "board")
        wait_until(mentor_tab, "() => window.PeerLearnRoom.state.strokes.length === 1", what="the stroke")
        assert mentor_tab.evaluate(INKED) > 50
        snap(mentor_tab, "room-whiteboard")
        for tab in (mentor_tab, learner_tab):
            _join(tab, url)
        for tab in (mentor_tab, learner_tab):
            _open_panel(tab, "board")
            wait_until(tab, "() => window.PeerLearnRoom.state.strokes.length === 1", what="the stroke after rejoining")
            wait_until(tab, f"() => ({INKED})() > 50", what="the stroke drawn after rejoining")
            wait_until(tab, CONNECTED, timeout=30, what="the call after both rejoined")

        # A topic tick syncs, and is still there after a reload.
        _open_panel(mentor_tab, "topics")
        mentor_tab.get_by_label("Models and the ORM").check()
        _open_panel(learner_tab, "topics")
        expect(learner_tab.get_by_label("Models and the ORM")).to_be_checked()
        expect(learner_tab.locator("[data-topics-progress]")).to_have_text("1 of 3 topics covered")
        _join(learner_tab, url)
        _open_panel(learner_tab, "topics")
        expect(learner_tab.get_by_label("Models and the ORM")).to_be_checked()
        expect(learner_tab.get_by_label("Views")).not_to_be_checked()

        # The learner's socket drops and the network stays away until "Reconnecting…" shows (the
        # banner's hidden template says it already: it must become visible); then it is back on its
        # own, the banner goes, and the room goes on.
        wait_until(learner_tab, CONNECTED, timeout=30, what="the call before the drop")
        offline = {"on": True}
        learner_tab.route_web_socket(
            re.compile(r"/ws/room/"), lambda ws: ws.close() if offline["on"] else ws.connect_to_server()
        )
        learner_tab.evaluate("() => window.PeerLearnRoom.socket.close()")
        banner = learner_tab.locator("[data-banner]")
        expect(banner).to_be_visible()
        expect(banner.locator("[data-banner-text]")).to_have_text(re.compile(r"^Reconnecting… \(try [1-3] of 3\)$"))
        offline["on"] = False
        expect(banner).to_be_hidden(timeout=15_000)  # the next try (after at most 4 s) gets through
        wait_until(learner_tab, "() => window.PeerLearnRoom.state.socket === 'open'", what="the socket to come back")
        _send_chat(learner_tab, "Still here after the blip")
        expect(mentor_tab.locator(".msg--theirs .msg__text").last).to_have_text("Still here after the blip")
        _send_chat(mentor_tab, "Good, I can see you")
        expect(learner_tab.locator(".msg--theirs .msg__text").last).to_have_text("Good, I can see you")
        _media_flows(learner_tab, "the learner after reconnecting")

        # The mentor ends: the session is completed and the learner is asked for feedback.
        mentor_tab.get_by_role("button", name="End", exact=True).click()
        mentor_tab.get_by_role("button", name="End for both").click()
        expect(mentor_tab.get_by_role("heading", name="Session complete")).to_be_visible()
        expect(learner_tab.get_by_role("heading", name="Session complete")).to_be_visible()
        feedback = learner_tab.get_by_role("link", name="Rate your session with Meera Mentor")
        expect(feedback).to_be_visible()
        # "ended" is broadcast once the end is committed, so the learner's page showing it means saved.
        assert MentoringSession.objects.get(pk=session.pk).status == SessionStatus.COMPLETED
        snap(learner_tab, "room-end")

        feedback.click()
        expect(learner_tab).to_have_url(re.compile(re.escape(f"/session/{session.room_id}/feedback/")))
        learner_tab.get_by_label("5 — Excellent").check()
        learner_tab.get_by_label("Anything to add?").fill("Clear and patient. Thank you!")
        learner_tab.get_by_role("button", name="Send feedback").click()
        expect(learner_tab.get_by_test_id("feedback-saved")).to_be_visible()
        saved = Feedback.objects.get(booking__session=session)
        assert (saved.rating, saved.comment) == (5, "Clear and patient. Thank you!")
    finally:
        mentoring.close()
        learning.close()
    assert not problems, "The browsers reported problems:\n" + "\n".join(problems)


def test_what_is_sent_while_the_socket_is_down_arrives_once_after_reconnect(media_browser, server_url, learner, mentor):
    """A chat line, a stroke and a tick made while the learner's socket is down wait in the
    outbox ("Sending…"), go out when it is back, and are saved and shown exactly once. A
    broadcast lost on the way to the mentor (the channel layer delivers at most once) comes back
    through the next ping: its pong shows the room is ahead, and the page catches up."""
    session = _room_session(mentor, learner)
    url = f"/session/{session.room_id}/"
    problems: list[str] = []
    mentoring, mentor_tab = _participant(media_browser, server_url, mentor, problems)
    learning, learner_tab = _participant(media_browser, server_url, learner, problems)
    # The learner's room sockets pass through to the server, except while ``down`` is set:
    # then each one is closed as soon as it opens (the network is gone).
    down = {"on": False}

    def room_socket(ws):
        if down["on"]:
            ws.close(code=4000, reason="offline")
        else:
            ws.connect_to_server()

    learner_tab.route_web_socket(re.compile(r"/ws/room/"), room_socket)
    # The mentor's room socket loses the first broadcast of the line "Lost on the way".
    lost: list[str] = []

    def mentor_socket(ws):
        server = ws.connect_to_server()

        def from_server(message):
            data = json.loads(message)
            if not lost and data.get("type") == "chat" and data["message"]["text"] == "Lost on the way":
                lost.append(message)
                return
            ws.send(message)

        server.on_message(from_server)

    mentor_tab.route_web_socket(re.compile(r"/ws/room/"), mentor_socket)
    try:
        _join(mentor_tab, url)
        _join(learner_tab, url)
        _open_panel(mentor_tab, "chat")
        _send_chat(learner_tab, "Before the drop")
        expect(mentor_tab.locator(".msg--theirs .msg__text")).to_have_text(["Before the drop"])
        wait_until(learner_tab, "() => window.PeerLearnRoom.state.outbox === 0", what="the first line's ack")

        down["on"] = True
        learner_tab.evaluate("() => window.PeerLearnRoom.socket.close()")
        wait_until(learner_tab, "() => window.PeerLearnRoom.state.socket !== 'open'", what="the socket to drop")
        _send_chat(learner_tab, "Typed while offline")
        pending = learner_tab.locator(".msg--pending")
        expect(pending).to_have_count(1)
        expect(pending).to_contain_text("Sending…")
        _open_panel(learner_tab, "topics")
        learner_tab.get_by_label("Views").check()
        _draw(learner_tab)
        assert learner_tab.evaluate("() => window.PeerLearnRoom.state.outbox") == 3
        assert not ChatMessage.objects.filter(text="Typed while offline").exists()

        down["on"] = False
        learner_tab.evaluate("() => window.dispatchEvent(new Event('online'))")  # the network is back
        wait_until(learner_tab, "() => window.PeerLearnRoom.state.outbox === 0", what="the outbox to empty")
        _open_panel(learner_tab, "chat")
        expect(learner_tab.locator(".msg--pending")).to_have_count(0)
        expect(learner_tab.locator(".msg--mine .msg__text")).to_have_text(["Before the drop", "Typed while offline"])
        expect(mentor_tab.locator(".msg--theirs .msg__text")).to_have_text(["Before the drop", "Typed while offline"])
        wait_until(mentor_tab, "() => window.PeerLearnRoom.state.topics[1].done", what="the tick")
        wait_until(mentor_tab, "() => window.PeerLearnRoom.state.strokes.length === 1", what="the stroke")
        assert learner_tab.evaluate("() => window.PeerLearnRoom.state.pendingStrokes") == 0
        assert ChatMessage.objects.filter(session=session, text="Typed while offline").count() == 1
        assert BoardStroke.objects.filter(session=session).count() == 1
        assert TopicCheck.objects.get(session=session, index=1).is_done
        # A broadcast the mentor's socket never got: the next ping's marks reveal it.
        mentor_tab.evaluate(
            """() => { window.heard = [];
                       window.PeerLearnRoom.socket.addEventListener("message", (e) => window.heard.push(e.data)); }"""
        )
        _open_panel(learner_tab, "chat")
        _send_chat(learner_tab, "Lost on the way")
        wait_until(learner_tab, "() => window.PeerLearnRoom.state.outbox === 0", what="the ack")
        # A sentinel after it on the same road (a signal addressed to no page, which pages ignore):
        # once the mentor's page has it, the route has seen, and dropped, the broadcast before it.
        learner_tab.evaluate(
            """() => window.PeerLearnRoom.socket.send(
                 JSON.stringify({type: "signal", data: {to: "no-such-tab", sentinel: true}}))"""
        )
        wait_until(mentor_tab, "() => window.heard.some((m) => m.includes('no-such-tab'))", what="the sentinel")
        assert len(lost) == 1, "the broadcast never reached the mentor's socket"
        # The page pings on its own every 20 s, so its own ping may have caught up already (CI
        # once saw that), and two pings' catch-ups may overlap; ours makes sure one has. The line
        # comes only in catch-ups' welcomes, never as a broadcast, and shows once.
        mentor_tab.evaluate("() => window.PeerLearnRoom.socket.send(JSON.stringify({type: 'ping'}))")
        expect(mentor_tab.locator(".msg--theirs .msg__text")).to_have_text(
            ["Before the drop", "Typed while offline", "Lost on the way"]
        )
        carried = mentor_tab.evaluate(
            """() => window.heard.map((m) => JSON.parse(m))
                 .filter((m) => JSON.stringify(m).includes("Lost on the way")).map((m) => m.type)"""
        )
        assert carried and set(carried) == {"welcome"}, carried
        # Each line arrived once: the mentor's page still shows each once after a reload.
        _join(mentor_tab, url)
        _open_panel(mentor_tab, "chat")
        expect(mentor_tab.locator(".msg__text")).to_have_text(
            ["Before the drop", "Typed while offline", "Lost on the way"]
        )
    finally:
        mentoring.close()
        learning.close()
    assert not problems, "The browsers reported problems:\n" + "\n".join(problems)


def test_a_line_whose_ack_was_lost_is_sent_once_more_after_reconnecting(media_browser, server_url, learner, mentor):
    """The server saves a chat line, but its answers to the learner (the ack and the broadcast)
    are lost on the way: the line stays in the outbox ("Sending…"). After the socket reconnects
    the page sends it once more with the same client id; the server saves nothing new and
    answers again, so the line is saved once and shown once on both sides."""
    session = _room_session(mentor, learner)
    url = f"/session/{session.room_id}/"
    problems: list[str] = []
    mentoring, mentor_tab = _participant(media_browser, server_url, mentor, problems)
    learning, learner_tab = _participant(media_browser, server_url, learner, problems)
    text = "Did you get this?"
    lose_answers = {"on": True}
    sent: list[dict] = []  # what the learner's page sent with that text

    def learner_socket(ws):
        server = ws.connect_to_server()

        def from_page(message):
            data = json.loads(message)
            if data.get("type") == "chat" and data.get("text") == text:
                sent.append(data)
            server.send(message)

        def from_server(message):
            data = json.loads(message)
            line = data.get("chat") or data.get("message") or {}
            if lose_answers["on"] and isinstance(line, dict) and line.get("text") == text:
                return  # the ack and the broadcast of the line never arrive
            ws.send(message)

        ws.on_message(from_page)
        server.on_message(from_server)

    learner_tab.route_web_socket(re.compile(r"/ws/room/"), learner_socket)
    try:
        _join(mentor_tab, url)
        _join(learner_tab, url)
        _open_panel(mentor_tab, "chat")
        _send_chat(learner_tab, text)
        expect(mentor_tab.locator(".msg--theirs .msg__text")).to_have_text([text])  # saved and broadcast
        pending = learner_tab.locator(".msg--pending")
        expect(pending).to_contain_text("Sending…")
        assert learner_tab.evaluate("() => window.PeerLearnRoom.state.outbox") == 1
        assert len(sent) == 1

        lose_answers["on"] = False
        learner_tab.evaluate("() => window.PeerLearnRoom.socket.close()")
        wait_until(learner_tab, "() => window.PeerLearnRoom.state.outbox === 0", what="the ack after reconnecting")
        expect(learner_tab.locator(".msg--pending")).to_have_count(0)
        expect(learner_tab.locator(".msg--mine .msg__text")).to_have_text([text])
        expect(mentor_tab.locator(".msg--theirs .msg__text")).to_have_text([text])
        assert len(sent) == 2, sent  # the first send, and exactly one resend
        assert sent[0]["client_id"] == sent[1]["client_id"]
        assert ChatMessage.objects.filter(session=session, text=text).count() == 1
    finally:
        mentoring.close()
        learning.close()
    assert not problems, "The browsers reported problems:\n" + "\n".join(problems)


def test_recording_needs_both_and_a_lost_connection_offers_rejoin(media_browser, server_url, learner, mentor):
    session = _room_session(mentor, learner)
    url = f"/session/{session.room_id}/"
    problems: list[str] = []
    mentoring, mentor_tab = _participant(media_browser, server_url, mentor, problems)
    learning, learner_tab = _participant(media_browser, server_url, learner, problems)
    try:
        _join(mentor_tab, url)
        _join(learner_tab, url)
        wait_until(mentor_tab, CONNECTED, timeout=30, what="the mentor's call")
        wait_until(learner_tab, CONNECTED, timeout=30, what="the learner's call")

        # Microphone and camera: the other side sees the change.
        peer_tile = mentor_tab.locator('[data-tile="peer"]')
        expect(peer_tile).to_have_class(re.compile("has-video"))
        learner_tab.get_by_role("button", name="Mute", exact=True).click()
        expect(peer_tile).to_have_class(re.compile("is-muted"))
        learner_tab.get_by_role("button", name="Stop video").click()
        expect(mentor_tab.locator("[data-peer-status]")).to_have_text("Asha Learner has the camera off")
        learner_tab.get_by_role("button", name="Start video").click()
        learner_tab.get_by_role("button", name="Unmute").click()
        expect(peer_tile).to_have_class(re.compile("has-video"))
        expect(peer_tile).not_to_have_class(re.compile("is-muted"))

        # Screen share replaces the camera on the same sender, and the camera comes back after.
        sent_video = (
            "() => window.PeerLearnRoom.pc.getSenders().find((s) => s.track && s.track.kind === 'video').track.label"
        )
        camera_label = learner_tab.evaluate(sent_video)
        learner_tab.get_by_role("button", name="Share screen").click()
        expect(peer_tile).to_have_class(re.compile("is-screen"))
        assert learner_tab.evaluate(sent_video).startswith("screen")
        learner_tab.get_by_role("button", name="Stop sharing").click()
        expect(peer_tile).not_to_have_class(re.compile("is-screen"))
        expect(peer_tile).to_have_class(re.compile("has-video"))
        assert learner_tab.evaluate(sent_video) == camera_label

        # Recording needs both switches; the mentor's browser records and uploads chunks.
        record = mentor_tab.get_by_role("button", name="Record", exact=True)
        expect(record).to_be_disabled()
        mentor_tab.get_by_role("switch", name="Allow recording").click()
        expect(learner_tab.locator("[data-consent-state]")).to_have_text("Meera Mentor: agreed")
        expect(record).to_be_disabled()
        learner_tab.get_by_role("switch", name="Allow recording").click()
        expect(record).to_be_enabled()
        record.click()
        for tab in (mentor_tab, learner_tab):
            expect(tab.locator("[data-rec-badge]")).to_be_visible()
        uploaded = "() => (window.PeerLearnRoom.state.upload || {}).acked > 20000"
        wait_until(mentor_tab, uploaded, timeout=20, what="the first chunks")
        mentor_tab.get_by_role("button", name="Stop recording").click()
        wait_until(mentor_tab, "() => (window.PeerLearnRoom.state.upload || {}).done", timeout=20, what="the finish")
        expect(learner_tab.locator("[data-rec-badge]")).to_be_hidden()
        recording = Recording.objects.get(session=session)
        assert recording.status == RecordingStatus.COMPLETE
        assert recording.size_bytes == mentor_tab.evaluate("() => window.PeerLearnRoom.state.upload.acked") > 20000
        head = learner_tab.evaluate(
            """async (url) => {
              const response = await fetch(url);
              const bytes = new Uint8Array(await response.arrayBuffer());
              return {status: response.status, magic: Array.from(bytes.slice(0, 4)), size: bytes.length};
            }""",
            mentor_tab.evaluate("() => window.PeerLearnRoom.state.upload.downloadUrl"),
        )
        assert head == {"status": 200, "magic": [0x1A, 0x45, 0xDF, 0xA3], "size": recording.size_bytes}  # WebM

        # The network stays down: three tries (1, 2, 4 s), then "Rejoin?"; Rejoin gets back in.
        blocked = {"on": True}
        learner_tab.route_web_socket(
            re.compile(r"/ws/room/"), lambda ws: ws.close() if blocked["on"] else ws.connect_to_server()
        )
        learner_tab.evaluate("() => window.PeerLearnRoom.socket.close()")
        banner = learner_tab.locator("[data-banner]")
        banner_text = banner.locator("[data-banner-text]")
        expect(banner).to_be_visible()  # its hidden template says "Reconnecting…" already
        expect(banner_text).to_have_text(re.compile(r"^Reconnecting… \(try [1-3] of 3\)$"))
        rejoin = banner.get_by_role("button", name="Rejoin")
        expect(rejoin).to_be_visible(timeout=15_000)
        expect(banner).to_be_visible()
        expect(banner_text).to_have_text("Connection lost. Check your internet, then rejoin.")
        blocked["on"] = False
        rejoin.click()
        expect(banner).to_be_hidden()
        _send_chat(learner_tab, "Back again")
        expect(mentor_tab.locator(".msg--theirs .msg__text").last).to_have_text("Back again")
    finally:
        mentoring.close()
        learning.close()
    assert not problems, "The browsers reported problems:\n" + "\n".join(problems)


# What Chrome answers when the person refused the prompt (NotAllowedError) or another app holds
# the device (NotReadableError); the fake-media Chromium answers every prompt with yes.
REFUSE = """(() => {
  const refuse = %s;
  const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => {
    for (const kind of ["video", "audio"]) {
      if (constraints && constraints[kind] && refuse[kind]) {
        return Promise.reject(new DOMException("refused in the test", refuse[kind]));
      }
    }
    return real(constraints);
  };
})();"""


def _pre_call_problem(
    chromium, server_url, learner, url, problems, refuse, title, join_label, mic_label, session_ends_soon=False
):
    """Open the room with ``refuse`` ({kind: error name}) failing getUserMedia, check what the
    pre-call check says, and join anyway."""
    context, tab = _participant(chromium, server_url, learner, problems, width=360)
    if refuse:
        context.add_init_script(REFUSE % json.dumps(refuse))
    try:
        tab.goto(url)
        problem = tab.locator("[data-precall-problem]")
        expect(problem.locator("[data-problem-title]")).to_have_text(title)
        expect(problem.get_by_role("button", name="Try again")).to_be_visible()
        join_ready(tab, join_label).click()
        expect(tab.locator('.controls [data-action="mic"]')).to_have_text(mic_label)
        expect(tab.get_by_role("button", name="No camera")).to_be_disabled()
        wait_until(tab, "() => window.PeerLearnRoom.state.socket === 'open'", what="the socket")
        if session_ends_soon:
            expect(tab.locator("[data-timer]")).to_have_class(re.compile("is-warning"))
            expect(tab.locator("[data-toasts]")).to_contain_text("5 minutes left in this session.")
    finally:
        context.close()


def test_a_refused_or_busy_camera_means_audio_only(media_browser, server_url, learner, mentor):
    session = _room_session(mentor, learner)
    url = f"/session/{session.room_id}/"
    problems: list[str] = []
    audio_only = "Join with audio only"
    for refuse, title, join_label, mic_label in (
        (
            {"video": "NotAllowedError", "audio": "NotAllowedError"},
            "Camera and microphone are blocked",
            "Join without camera and mic",
            "No mic",
        ),
        ({"video": "NotAllowedError"}, "The camera is blocked", audio_only, "Mute"),
        ({"video": "NotReadableError"}, "Your camera is in use by another app", audio_only, "Mute"),
    ):
        _pre_call_problem(media_browser, server_url, learner, url, problems, refuse, title, join_label, mic_label)
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


def test_no_camera_or_microphone_still_lets_one_join(browser, server_url, learner, mentor):
    """Plain Chromium has no devices at all. (The session has 4 minutes left: the timer warns.)"""
    session = _room_session(mentor, learner, minutes_left=4)
    url = f"/session/{session.room_id}/"
    problems: list[str] = []
    title = "No camera or microphone found"
    _pre_call_problem(
        browser, server_url, learner, url, problems, None, title, "Join without camera and mic", "No mic", True
    )
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)
