"""After a session: its page keeps the topics covered, the chat as a transcript, the whiteboard and
recordings, and the learner's rating; the learner's past bookings link to it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from core.mentoring.tests.factories import approved_mentor, session_booked
from core.room.attendance import session_complete
from core.room.chat import chat_send
from core.room.feedback import feedback_submit
from core.room.presence import presence_join
from core.room.topics import topic_set
from core.users.models import Role
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(learner):
    guru = approved_mentor()
    session, booking = session_booked(
        mentor=guru, learner=learner, starts_in=timedelta(minutes=-5), topics=["Forms", "Validation", "Formsets"]
    )
    presence_join(session=session, user=guru)
    presence_join(session=session, user=learner)
    chat_send(session=session, sender=learner, text="How do formsets validate?")
    chat_send(session=session, sender=guru, text="Each form, then clean() on the set.")
    topic_set(session=session, index=0, is_done=True, by=guru)
    topic_set(session=session, index=2, is_done=True, by=guru)
    session_complete(session=session)
    return guru, session, booking


def test_the_page_after_the_session_keeps_what_it_left(client, learner, held):
    guru, session, booking = held
    feedback_submit(booking=booking, learner=learner, rating=5, comment="Clear.")
    client.force_login(learner)
    page = client.get(reverse("mentoring:room", args=[session.room_id])).content.decode()

    assert 'data-testid="topics-covered"' in page
    assert '<span class="visually-hidden">Covered: </span>Forms' in page
    assert '<span class="visually-hidden">Not covered: </span>Validation' in page
    assert '<span class="visually-hidden">Covered: </span>Formsets' in page
    assert f'href="/session/{session.room_id}/chat.txt"' in page
    assert "You rated it <strong>5 out of 5</strong>: “Clear.”" in page

    client.force_login(guru)
    assert (
        "The learner rated it <strong>5 out of 5</strong>"
        in client.get(reverse("mentoring:room", args=[session.room_id])).content.decode()
    )


def test_the_chat_transcript_is_for_the_two_people_only(client, learner, held):
    _guru, session, _booking = held
    url = reverse("mentoring:chat-transcript", args=[session.room_id])
    client.force_login(learner)
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "text/plain; charset=utf-8"
    assert answer["Content-Disposition"].startswith("attachment;")
    text = answer.content.decode()
    lines = text.splitlines()
    assert lines[0] == "PeerLearn · Django forms, live"
    assert lines[-2].endswith(f"{learner.name}: How do formsets validate?")
    assert lines[-1].endswith("Guru Mentor: Each form, then clean() on the set.")
    client.force_login(user_make(email="other@example.com", role=Role.LEARNER))
    assert client.get(url).status_code == 404


def test_past_bookings_link_to_what_the_session_left(client, learner, held):
    _guru, session, _booking = held
    client.force_login(learner)
    page = client.get(reverse("core:learner-bookings")).content.decode()
    label = "Recording, board, chat: what Django forms, live left"
    assert f'href="/session/{session.room_id}/" aria-label="{label}"' in page
