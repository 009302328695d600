"""Checks on what people give us: uploads (size, and the file's own first bytes rather than its
name) and payout destinations (Indian bank accounts by IFSC, and UPI addresses)."""

from __future__ import annotations

import re

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


# --- Payout destinations (a mentor saves one; the withdrawal checks it again) ---------------------

IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
ACCOUNT_NUMBER = re.compile(r"^\d{9,18}$")
VPA = re.compile(r"^[a-zA-Z0-9.\-_]{2,256}@[a-zA-Z][a-zA-Z0-9]{1,63}$")


def validate_ifsc(value: str) -> None:
    if not IFSC.match(value or ""):
        raise ValidationError(
            "An IFSC has 11 characters: 4 letters, a zero, then 6 letters or digits (e.g. HDFC0001234)."
        )


def validate_account_number(value: str) -> None:
    if not ACCOUNT_NUMBER.match(value or ""):
        raise ValidationError("A bank account number has 9 to 18 digits.")


def validate_vpa(value: str) -> None:
    if not VPA.match(value or ""):
        raise ValidationError("A UPI address looks like name@bank (e.g. asha@okhdfcbank).")
