"""``core/users/validators.py``: upload checks by size and by the file's own first bytes."""

from __future__ import annotations

import tempfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile

from core.users.models import MentorProfile
from core.users.validators import sniff_video, validate_avatar, validate_intro_video

MB = 1024 * 1024
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
MOV_HEAD = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  "
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01"


def _plain(messages: list[str]) -> list[str]:
    """Messages with filesizeformat's non-breaking spaces made plain."""
    return [message.replace("\xa0", " ") for message in messages]


def _upload(name: str, content: bytes, *, size: int | None = None) -> SimpleUploadedFile:
    upload = SimpleUploadedFile(name, content)
    if size is not None:
        upload.size = size
    return upload


@pytest.mark.parametrize(("head", "kind"), [(MP4_HEAD, "mp4"), (MOV_HEAD, "quicktime"), (WEBM_HEAD, "webm")])
def test_sniff_video_knows_the_containers(head, kind):
    assert sniff_video(head) == kind


@pytest.mark.parametrize("head", [b"", b"hello world, not a video", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", b"ftyp"])
def test_sniff_video_refuses_other_bytes(head):
    assert sniff_video(head) is None


@pytest.mark.parametrize(
    ("name", "head"), [("intro.mp4", MP4_HEAD), ("intro.mov", MOV_HEAD), ("intro.webm", WEBM_HEAD)]
)
def test_real_video_heads_pass(name, head):
    validate_intro_video(_upload(name, head + b"\x00" * 1000))


def test_validation_leaves_the_file_position_alone():
    upload = _upload("intro.mp4", MP4_HEAD + b"\x00" * 100)
    upload.seek(7)

    validate_intro_video(upload)

    assert upload.tell() == 7


def test_text_file_renamed_mp4_fails():
    upload = _upload("intro.mp4", b"just some notes, definitely not a video\n" * 10)

    with pytest.raises(ValidationError) as error:
        validate_intro_video(upload)

    assert error.value.messages == ["This file is not an MP4, WebM or MOV video."]


def test_video_over_50_mb_fails():
    upload = _upload("intro.mp4", MP4_HEAD, size=50 * MB + 1)

    with pytest.raises(ValidationError) as error:
        validate_intro_video(upload)

    assert _plain(error.value.messages) == ["The video is larger than 50.0 MB, the limit. Please upload a shorter one."]


def test_video_of_exactly_50_mb_passes():
    validate_intro_video(_upload("intro.mp4", MP4_HEAD, size=50 * MB))


def test_real_file_on_disk_over_50_mb_fails():
    with tempfile.TemporaryFile() as handle:
        handle.write(MP4_HEAD)
        handle.seek(50 * MB)  # sparse: no 50 MB of real writing
        handle.write(b"\x00")
        handle.flush()
        handle.seek(0)

        with pytest.raises(ValidationError) as error:
            validate_intro_video(File(handle, name="intro.mp4"))

    assert _plain(error.value.messages) == ["The video is larger than 50.0 MB, the limit. Please upload a shorter one."]


def test_avatar_over_5_mb_fails():
    upload = _upload("me.png", b"\x89PNG\r\n\x1a\n", size=5 * MB + 1)

    with pytest.raises(ValidationError) as error:
        validate_avatar(upload)

    assert _plain(error.value.messages) == [
        "The picture is larger than 5.0 MB, the limit. Please upload a smaller one."
    ]


def test_avatar_of_5_mb_passes():
    validate_avatar(_upload("me.png", b"\x89PNG\r\n\x1a\n", size=5 * MB))


@pytest.mark.django_db
def test_model_field_runs_the_checks(mentor):
    profile = mentor.mentor_profile
    profile.intro_video = _upload("intro.txt", MP4_HEAD)
    with pytest.raises(ValidationError) as error:
        profile.full_clean()
    assert "intro_video" in error.value.message_dict

    profile.intro_video = _upload("intro.mp4", b"not a video at all")
    with pytest.raises(ValidationError) as error:
        profile.full_clean()
    assert error.value.message_dict["intro_video"] == ["This file is not an MP4, WebM or MOV video."]

    profile.intro_video = _upload("intro.mp4", MP4_HEAD + b"\x00" * 100)
    profile.full_clean()
    assert isinstance(profile, MentorProfile)


@pytest.mark.django_db
def test_timezone_must_be_known(learner):
    learner.timezone = "Mars/Olympus"
    with pytest.raises(ValidationError) as error:
        learner.full_clean()
    assert error.value.message_dict["timezone"] == [
        "“Mars/Olympus” is not a timezone we know, for example Asia/Kolkata."
    ]

    learner.timezone = "Asia/Kolkata"
    learner.full_clean()
