"""An uploaded picture appears wherever its person does: the header and the dashboard sidebar
(their own), session and mentor cards (landing, browse), the session preview (mentor and the
reviewers), and the live room (both tiles); people without one get their initials."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from core.bookings.tests.factories import book_and_pay
from core.mentoring.models import MentoringSession
from core.mentoring.tests.factories import session_booked, session_make
from core.room.attendance import session_complete
from core.room.models import Feedback
from core.users.services import mentor_approve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _with_picture(user):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 87, 52)).save(buffer, format="PNG")
    user.avatar.save("me.png", ContentFile(buffer.getvalue()), save=True)
    return user


def _pictures(page: str, user) -> int:
    return len(re.findall(rf'<img class="[^"]*avatar--photo" src="{re.escape(user.avatar.url)}"', page))


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_picture_appears_wherever_its_person_does(client, mentor, learner, other_learner):
    _with_picture(mentor)
    _with_picture(other_learner)
    mentor_approve(mentor=mentor)
    # A past session other_learner attended and reviewed, and one coming up.
    past, booking = session_booked(mentor=mentor, learner=other_learner, starts_in=-timedelta(hours=3))
    session_complete(session=past)
    Feedback.objects.create(booking=booking, rating=5, comment="Clear and patient.")
    upcoming = session_make(mentor=mentor, title="Async Python", hours_from_now=30)

    landing = _page(client, "/")
    assert _pictures(landing, mentor) >= 2  # on the session card and on the mentor card

    client.force_login(learner)  # no picture of her own: her initial
    preview = _page(client, f"/sessions/{upcoming.pk}/")
    assert _pictures(preview, mentor) == 1 and _pictures(preview, other_learner) == 1  # mentor, reviewer
    assert _pictures(_page(client, "/dashboard/learner/browse/"), mentor) >= 1
    home = _page(client, "/dashboard/learner/")
    assert re.search(r'<span class="avatar" aria-hidden="true">A</span>', home)  # sidebar: Asha's initial
    assert '<span class="avatar avatar--sm" aria-hidden="true">A</span>' in home  # header

    client.force_login(mentor)
    own = _page(client, "/dashboard/mentor/")
    assert _pictures(own, mentor) == 2  # header and sidebar
    book_and_pay(session_make(mentor=mentor, title="Requested", hours_from_now=60), other_learner)
    assert _pictures(_page(client, "/dashboard/mentor/"), other_learner) == 1  # in the pending requests


def test_both_tiles_of_the_room_show_the_pictures(client, mentor, learner):
    _with_picture(mentor)
    session, _booking = session_booked(mentor=mentor, learner=learner, starts_in=timedelta(minutes=5))
    client.force_login(learner)
    room = _page(client, f"/session/{session.room_id}/")
    assert re.search(
        rf'<img class="tile__avatar tile__avatar--lg avatar--photo" src="{re.escape(mentor.avatar.url)}"', room
    )
    assert '<span class="tile__avatar" aria-hidden="true">A</span>' in room  # her own tile: her initial
    client.force_login(mentor)
    room = _page(client, f"/session/{session.room_id}/")
    assert len(re.findall(rf'<img class="tile__avatar avatar--photo" src="{re.escape(mentor.avatar.url)}"', room)) == 2


def test_cards_with_pictures_cost_no_extra_query(client, mentor, django_assert_max_num_queries):
    _with_picture(mentor)
    mentor_approve(mentor=mentor)
    session_make(mentor=mentor, title="First", hours_from_now=30)
    with CaptureQueriesContext(connection) as few:
        client.get("/live/")
    for index in range(20):
        session_make(mentor=mentor, title=f"More {index}", hours_from_now=40 + 2 * index)
    cache.clear()  # outside the on-commit callbacks that would have dropped it
    with django_assert_max_num_queries(len(few)):
        payload = client.get("/live/").json()
    assert _pictures(payload["sessions_html"], mentor) == 10 and _pictures(payload["mentors_html"], mentor) == 1
    assert MentoringSession.objects.count() == 21
