"""Upload checks: size, and the file's own first bytes rather than its name."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# Container signatures. MP4 and QuickTime carry "ftyp" at offset 4; WebM is EBML.
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def _head(file, size: int = 16) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(size)
    file.seek(position)
    return head


def sniff_video(head: bytes) -> str | None:
    """Name the container of a video from its first bytes, or None if it is not one we take."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "quicktime" if head[8:10] == b"qt" else "mp4"
    if head.startswith(_EBML_MAGIC):
        return "webm"
    return None


def validate_intro_video(file) -> None:
    limit = settings.MAX_INTRO_VIDEO_BYTES
    if file.size > limit:
        raise ValidationError(
            f"The video is larger than {filesizeformat(limit)}, the limit. Please upload a shorter one."
        )
    if sniff_video(_head(file)) is None:
        raise ValidationError("This file is not an MP4, WebM or MOV video.")


def validate_avatar(file) -> None:
    limit = settings.MAX_AVATAR_BYTES
    if file.size > limit:
        raise ValidationError(
            f"The picture is larger than {filesizeformat(limit)}, the limit. Please upload a smaller one."
        )
