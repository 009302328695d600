"""Recording: consent, resumable chunk uploads, size limits, downloads, retention, privacy."""

from __future__ import annotations

import os
import warnings
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import AsyncClient
from django.urls import include, path, re_path
from django.utils import timezone
from django.views.static import serve

from core.mentoring.tests.factories import session_booked
from core.room.models import Recording, RecordingChunk, RecordingStatus
from core.room.recording import (
    recording_chunk_append,
    recording_consent_set,
    recording_create,
    recording_finish,
    recordings_delete_older_than,
)
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The private root, where recordings live; MEDIA_ROOT (public uploads) is beside it."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path / "private"


def _download(client, url: str):
    """GET ``url`` with ``client``'s login through Django's async request path, reading the body
    the way an ASGI server does (``async for``): ``(response, body)``."""
    async_client = AsyncClient()
    async_client.cookies = client.cookies

    async def get():
        response = await async_client.get(url)
        body = b"".join([chunk async for chunk in response]) if response.streaming else response.content
        return response, body

    return async_to_sync(get)()


@pytest.fixture
def booked(mentor, learner):
    return session_booked(mentor=mentor, learner=learner)


def _consent(session, mentor, learner, *, mentor_says=True, learner_says=True):
    recording_consent_set(session=session, user=mentor, is_given=mentor_says, learner_id=learner.pk)
    recording_consent_set(session=session, user=learner, is_given=learner_says, learner_id=learner.pk)


def _chunk(client, url, offset, data: bytes):
    return client.post(f"{url}?offset={offset}", data=data, content_type="video/webm")


def _files(root) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(folder, name), root) for folder, _, names in os.walk(root) for name in names
    )


def test_recording_needs_both_consents_and_the_mentor(client, booked, mentor, learner):
    session, _ = booked
    url = f"/session/{session.room_id}/recordings/"
    client.force_login(mentor)
    assert client.post(url).status_code == 403  # nobody agreed yet
    _consent(session, mentor, learner, learner_says=False)
    response = client.post(url)
    assert response.status_code == 403
    assert "both of you" in response.json()["error"]
    _consent(session, mentor, learner)
    client.force_login(learner)
    assert client.post(url).status_code == 403  # the mentor's browser records
    client.force_login(mentor)
    response = client.post(url)
    assert response.status_code == 201
    recording = Recording.objects.get()
    assert response.json() == {
        "id": recording.pk,
        "upload_url": f"/session/{session.room_id}/recordings/{recording.pk}/chunk/",
        "finish_url": f"/session/{session.room_id}/recordings/{recording.pk}/finish/",
    }
    assert (recording.has_mentor_consent, recording.has_learner_consent) == (True, True)


def test_chunks_resume_from_the_stored_size_and_join_into_one_file(client, booked, mentor, learner, media):
    session, _ = booked
    _consent(session, mentor, learner)
    client.force_login(mentor)
    urls = client.post(f"/session/{session.room_id}/recordings/").json()
    assert _chunk(client, urls["upload_url"], 0, b"A" * 10).json() == {"size": 10}
    again = _chunk(client, urls["upload_url"], 0, b"A" * 10)  # the answer was lost; the client resends
    assert again.status_code == 409 and again.json()["size"] == 10
    assert _chunk(client, urls["upload_url"], 10, b"B" * 5).json() == {"size": 15}
    ahead = _chunk(client, urls["upload_url"], 99, b"C")
    assert ahead.status_code == 409 and ahead.json()["size"] == 15
    assert _chunk(client, urls["upload_url"], "x", b"C").status_code == 400
    assert RecordingChunk.objects.count() == 2
    finished = client.post(urls["finish_url"])
    assert finished.status_code == 200
    download_url = finished.json()["download_url"]
    assert download_url == f"/session/{session.room_id}/recordings/{urls['id']}/"
    assert client.post(urls["finish_url"]).json() == {"download_url": download_url}  # twice is fine
    recording = Recording.objects.get()
    assert recording.status == RecordingStatus.COMPLETE and recording.size_bytes == 15
    assert recording.file.name.startswith(f"recordings/{session.room_id}/") and recording.file.name.endswith(".webm")
    assert not RecordingChunk.objects.exists()
    assert _files(media) == [recording.file.name]  # the parts are gone
    late = _chunk(client, urls["upload_url"], 15, b"D")
    assert late.status_code == 410 and "finished" in late.json()["error"]

    client.force_login(learner)
    response, body = _download(client, download_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "video/webm"
    assert "attachment" in response["Content-Disposition"]
    assert body == b"A" * 10 + b"B" * 5


def test_downloads_and_uploads_are_for_the_participants_only(
    client, booked, mentor, learner, other_learner, other_mentor, staff
):
    session, _ = booked
    _consent(session, mentor, learner)
    client.force_login(mentor)
    urls = client.post(f"/session/{session.room_id}/recordings/").json()
    _chunk(client, urls["upload_url"], 0, b"video")
    download_url = client.post(urls["finish_url"]).json()["download_url"]
    for person in (other_learner, other_mentor):
        client.force_login(person)
        assert client.get(download_url).status_code == 404
        assert _chunk(client, urls["upload_url"], 5, b"x").status_code == 404
    force_login_verified(client, staff)  # staff may download (disputes), never upload
    assert _chunk(client, urls["upload_url"], 5, b"x").status_code == 404
    client.force_login(learner)
    assert _chunk(client, urls["upload_url"], 5, b"x").status_code == 404  # only the mentor uploads
    client.logout()
    assert client.get(download_url).status_code == 302


def test_a_recording_stops_at_the_size_limit(client, booked, mentor, learner, settings):
    settings.RECORDING_MAX_BYTES = 12
    settings.RECORDING_CHUNK_MAX_BYTES = 8
    session, _ = booked
    _consent(session, mentor, learner)
    client.force_login(mentor)
    urls = client.post(f"/session/{session.room_id}/recordings/").json()
    big = _chunk(client, urls["upload_url"], 0, b"x" * 9)
    assert big.status_code == 413 and big.json()["size"] == 0  # one request carries at most 8 bytes here
    assert _chunk(client, urls["upload_url"], 0, b"x" * 8).json() == {"size": 8}
    full = _chunk(client, urls["upload_url"], 8, b"x" * 5)
    assert full.status_code == 413
    assert full.json()["size"] == 8 and "at most" in full.json()["error"]


def test_withdrawing_consent_stops_the_recording_and_keeps_what_was_uploaded(client, booked, mentor, learner):
    session, _ = booked
    _consent(session, mentor, learner)
    client.force_login(mentor)
    urls = client.post(f"/session/{session.room_id}/recordings/").json()
    _chunk(client, urls["upload_url"], 0, b"first part")
    recording_consent_set(session=session, user=learner, is_given=False, learner_id=learner.pk)
    recording = Recording.objects.get()
    assert recording.status == RecordingStatus.COMPLETE
    assert recording.file.read() == b"first part"
    refused = _chunk(client, urls["upload_url"], 10, b"more")
    assert refused.status_code == 403 and "consent" in refused.json()["error"]
    assert client.post(f"/session/{session.room_id}/recordings/").status_code == 403


def test_the_last_chunks_arrive_after_the_mentor_ended(client, booked, mentor, learner):
    from core.room.attendance import session_complete

    session, _ = booked
    _consent(session, mentor, learner)
    client.force_login(mentor)
    urls = client.post(f"/session/{session.room_id}/recordings/").json()
    session_complete(session=session)
    assert _chunk(client, urls["upload_url"], 0, b"tail").json() == {"size": 4}
    assert client.post(urls["finish_url"]).status_code == 200


def test_a_recording_whose_parts_were_not_joined_still_downloads(client, booked, mentor, learner):
    session, _ = booked
    _consent(session, mentor, learner)
    recording = recording_create(session=session, by=mentor, learner_id=learner.pk)
    recording_chunk_append(recording=recording, offset=0, data=b"one,", learner_id=learner.pk)
    recording_chunk_append(recording=recording, offset=4, data=b"two", learner_id=learner.pk)
    Recording.objects.filter(pk=recording.pk).update(status=RecordingStatus.COMPLETE)  # as if joining had failed
    client.force_login(learner)
    assert _download(client, f"/session/{session.room_id}/recordings/{recording.pk}/")[1] == b"one,two"


def test_retention_deletes_old_recordings_with_their_files(booked, mentor, learner, media):
    session, _ = booked
    _consent(session, mentor, learner)
    old = recording_create(session=session, by=mentor, learner_id=learner.pk)
    recording_chunk_append(recording=old, offset=0, data=b"old", learner_id=learner.pk)
    from core.room.recording import recording_finish

    recording_finish(recording=old, learner_id=learner.pk)
    uploading_old = recording_create(session=session, by=mentor, learner_id=learner.pk)
    recording_chunk_append(recording=uploading_old, offset=0, data=b"part", learner_id=learner.pk)
    new = recording_create(session=session, by=mentor, learner_id=learner.pk)  # finishes the one uploading
    recording_chunk_append(recording=new, offset=0, data=b"new", learner_id=learner.pk)
    Recording.objects.filter(pk__in=[old.pk, uploading_old.pk]).update(created_at=timezone.now() - timedelta(days=31))
    assert recordings_delete_older_than(days=30) == 2
    assert list(Recording.objects.values_list("pk", flat=True)) == [new.pk]
    assert all(f"/parts/{new.pk}/" in name for name in _files(media))  # only the new one's part is left


def test_the_retention_task_reads_the_setting(booked, mentor, learner, settings):
    from core.room.tasks import recordings_delete_older_than_task

    settings.RECORDING_RETENTION_DAYS = 7
    session, _ = booked
    _consent(session, mentor, learner)
    recording = recording_create(session=session, by=mentor, learner_id=learner.pk)
    Recording.objects.filter(pk=recording.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert recordings_delete_older_than_task.delay().get() == 1


# --- Private: stored outside MEDIA_ROOT, served only through the checking view ------------------------


def _media_as_debug_serves_it(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# What core/urls.py mounts with DEBUG (django.conf.urls.static), checked here whatever DEBUG is.
urlpatterns = [re_path(r"^media/(?P<path>.*)$", _media_as_debug_serves_it), path("", include("core.urls"))]


def _finished(session, mentor, learner, data: bytes = b"private video") -> Recording:
    _consent(session, mentor, learner)
    recording = recording_create(session=session, by=mentor, learner_id=learner.pk)
    recording_chunk_append(recording=recording, offset=0, data=data, learner_id=learner.pk)
    return recording_finish(recording=recording, learner_id=learner.pk)


@pytest.mark.urls(__name__)
def test_a_recording_lives_outside_media_and_no_media_path_serves_it(client, booked, mentor, learner, media):
    session, _ = booked
    _consent(session, mentor, learner)
    recording = recording_create(session=session, by=mentor, learner_id=learner.pk)
    recording_chunk_append(recording=recording, offset=0, data=b"part", learner_id=learner.pk)
    part = RecordingChunk.objects.get().name
    recording = _finished(session, mentor, learner)
    assert (media / recording.file.name).read_bytes() == b"private video"
    assert not os.path.exists(os.path.join(settings.MEDIA_ROOT, recording.file.name))
    client.force_login(learner)  # even a participant: never at a public address
    for name in (recording.file.name, part):
        assert client.get(f"/media/{name}").status_code == 404
    climbing = client.get(f"/media/../private/{recording.file.name}")
    assert climbing.status_code == 400 and b"private video" not in climbing.content  # suspicious path
    with pytest.raises(ValueError):
        _ = recording.file.url  # no template can link it


def test_the_download_streams_asynchronously_with_safe_headers(client, booked, mentor, learner):
    session, _ = booked
    recording = _finished(session, mentor, learner, data=b"x" * 200_000)  # several chunks
    client.force_login(mentor)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response, body = _download(client, f"/session/{session.room_id}/recordings/{recording.pk}/")
    assert [str(w.message) for w in caught if "StreamingHttpResponse" in str(w.message)] == []
    assert response.status_code == 200 and body == b"x" * 200_000
    assert response["Content-Length"] == "200000"
    assert response["Content-Disposition"] == (
        f'attachment; filename="peerlearn-{session.starts_at:%Y-%m-%d}-recording-{recording.pk}.webm"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_only_the_two_of_the_booking_and_verified_staff_get_the_bytes(
    client, booked, mentor, learner, other_learner, other_mentor, staff
):
    session, _ = booked
    recording = _finished(session, mentor, learner)
    url = f"/session/{session.room_id}/recordings/{recording.pk}/"
    anonymous, _ = _download(client, url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for person in (other_learner, other_mentor):
        client.force_login(person)
        refused, body = _download(client, url)
        assert refused.status_code == 404 and b"private video" not in body
    client.force_login(staff)  # staff without the second factor are sent to type their code
    refused, body = _download(client, url)
    assert refused.status_code == 302 and "/accounts/two-factor/" in refused["Location"]
    assert b"private video" not in body
    wrong_room = f"/session/no-such-room/recordings/{recording.pk}/"
    client.force_login(learner)
    assert _download(client, wrong_room)[0].status_code == 404
    for person in (mentor, learner):
        client.force_login(person)
        assert _download(client, url)[1] == b"private video"
    force_login_verified(client, staff)
    assert _download(client, url)[1] == b"private video"


def test_the_migration_moves_recordings_out_of_media(booked, mentor, learner, media):
    from importlib import import_module

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    move = import_module("core.mentoring.migrations.0005_recordings_in_private_storage").move_recordings_out_of_media
    # The models as that migration saw them (Recording was the mentoring app's then).
    apps = MigrationLoader(connection).project_state(("mentoring", "0005_recordings_in_private_storage")).apps
    session, _ = booked
    recording = _finished(session, mentor, learner, data=b"old place")
    name = recording.file.name
    (media / name).unlink()  # as it was before: under MEDIA_ROOT
    default_storage.save(name, ContentFile(b"old place"))
    move(apps, None)
    assert (media / name).read_bytes() == b"old place"
    assert not default_storage.exists(name)
    move(apps, None)  # twice changes nothing
    assert (media / name).read_bytes() == b"old place"
