"""Files through the API: a picture and an intro video up (checked as the Profile tab checks them),
the earnings CSV down (to the mentor only), and the mentor's analytics. (Recordings and the
whiteboard: test_room.py.)"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.api.tests.helpers import bearer
from core.mentoring.tests.factories import session_booked
from core.users.models import MentorProfile

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def png(size=(8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, "PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


def test_a_profile_picture_goes_up_and_comes_off(learner):
    client = bearer(learner)
    put = client.put("/api/v1/me/avatar/", {"file": png()}, format="multipart")
    assert put.status_code == 200, put.json()
    assert put.json()["avatar_url"].startswith("/media/") and put.json()["avatar_url"].endswith(".png")
    learner.refresh_from_db()
    assert learner.avatar
    assert client.delete("/api/v1/me/avatar/").status_code == 204
    learner.refresh_from_db()
    assert not learner.avatar and client.get("/api/v1/me/").json()["avatar_url"] == ""


def test_a_picture_that_is_not_one_is_refused_with_the_webs_checks(learner, settings):
    client = bearer(learner)
    text = SimpleUploadedFile("me.png", b"not a picture", content_type="image/png")
    refused = client.put("/api/v1/me/avatar/", {"file": text}, format="multipart")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "file"
    settings.MAX_AVATAR_BYTES = 10
    big = client.put("/api/v1/me/avatar/", {"file": png()}, format="multipart")
    assert big.status_code == 400 and "larger than" in big.json()["errors"][0]["message"]
    as_json = client.put("/api/v1/me/avatar/", {"file": "x"}, format="json")
    assert as_json.status_code == 415
    learner.refresh_from_db()
    assert not learner.avatar


def test_a_mentor_uploads_an_intro_video_and_a_learner_has_none(mentor, learner):
    client = bearer(mentor)
    video = SimpleUploadedFile("hello.mp4", MP4_HEAD, content_type="video/mp4")
    put = client.put("/api/v1/me/intro-video/", {"file": video}, format="multipart")
    assert put.status_code == 200, put.json()
    assert put.json()["intro_video_url"].endswith(".mp4")
    assert MentorProfile.objects.get(user=mentor).intro_video
    fake = SimpleUploadedFile("hello.mp4", b"plain text, not a video", content_type="video/mp4")
    refused = client.put("/api/v1/me/intro-video/", {"file": fake}, format="multipart")
    assert refused.status_code == 400 and refused.json()["errors"][0]["message"] == (
        "This file is not an MP4, WebM or MOV video."
    )
    assert client.get("/api/v1/me/intro-video/").json()["intro_video_url"] == put.json()["intro_video_url"]
    assert client.delete("/api/v1/me/intro-video/").status_code == 204
    assert not MentorProfile.objects.get(user=mentor).intro_video
    assert bearer(learner).put("/api/v1/me/intro-video/", {"file": video}, format="multipart").status_code == 403


def test_a_mentors_statement_comes_as_the_websites_csv(mentor, learner):
    session_booked(mentor=mentor, learner=learner, price_paise=100000)
    answer = bearer(mentor).get("/api/v1/mentor/earnings/statement.csv", HTTP_ACCEPT="text/csv")
    assert answer.status_code == 200 and answer["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[0] == ["Date", "Booking", "Session", "Learner", "Gross (INR)", "Fee (INR)", "Net (INR)", "Status"]
    assert len(rows) == 2 and rows[1][3] == "Asha Learner" and rows[1][6] == "900.00"
    refused = bearer(learner).get("/api/v1/mentor/earnings/statement.csv", HTTP_ACCEPT="text/csv")
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"


def test_a_mentors_analytics_count_what_was_paid(mentor, learner):
    empty = bearer(mentor).get("/api/v1/mentor/analytics/").json()
    assert len(empty["weeks"]) == 12 and empty["total_bookings"] == 0 and empty["busiest_hours"] == [0] * 24
    session_booked(mentor=mentor, learner=learner, price_paise=100000)
    analytics = bearer(mentor).get("/api/v1/mentor/analytics/").json()
    assert analytics["total_bookings"] == 1 and analytics["total_earnings_paise"] == 90000
    assert analytics["weeks"][-1]["bookings"] == 1 and analytics["weeks"][-1]["rating_average"] is None
    assert sum(analytics["busiest_hours"]) == 1
    assert bearer(learner).get("/api/v1/mentor/analytics/").status_code == 403
