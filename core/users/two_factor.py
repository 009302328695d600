"""How an authenticator app learns a TOTP secret: the otpauth:// URI, its QR code, the typed key;
and who must show the second factor before anything opens (``second_factor_gate``).

Reads only; the writes (start, confirm, remove a device) are in ``core/users/services/two_factor.py``.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import re
from base64 import b32encode
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.users.models import Role

ISSUER = "PeerLearn"


def provisioning_uri(device: TOTPDevice, *, account: str) -> str:
    """``otpauth://totp/PeerLearn:<account>?secret=…&issuer=PeerLearn``, which authenticator apps read."""
    params = urlencode(
        {
            "secret": secret_base32(device, grouped=False),
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{quote(ISSUER)}:{quote(account)}?{params}"


def secret_base32(device: TOTPDevice, *, grouped: bool = True) -> str:
    """The secret as people type it into an app: base32 without padding, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) if grouped else secret


def qr_code_data_uri(text: str) -> str:
    """``text`` as a QR code: an SVG (drawn here, on the server) in a ``data:`` URI for an ``<img>``."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


# --- Who must show the second factor, and what a session still owes -----------------------------

# Set at a password login by someone with a confirmed device; lifted by the right code.
SECOND_FACTOR_PENDING = "peerlearn_second_factor_pending"
CMS_PREFIX = "/cms/"  # the Wagtail admin (core/urls.py)


class Gate(enum.Enum):
    """What a signed-in session may open (``second_factor_gate``)."""

    OPEN = "open"  # anything its role allows
    CODE_DUE = "code_due"  # only the code page: a device exists, no code typed in this session
    SETUP_DUE = "setup_due"  # only the Security tab: this person must set up an app first


def second_factor_required(user) -> bool:
    """Whether ``user`` must pass a TOTP check before anything opens: anyone who can reach the
    Django admin or a staff page (staff, superusers) and the admin-role people who edit pages in
    the Wagtail admin (the "CMS editors"). Attributes only, so no query on every request;
    ``second_factor_gate`` also asks Wagtail's own permission on ``/cms/``."""
    return bool(user.is_staff or user.is_superuser or getattr(user, "role", "") == Role.ADMIN)


def second_factor_gate(*, user, session, is_verified: bool, path: str = "") -> Gate:
    """The one rule for pages (``core.middleware.SecondFactorMiddleware``) and sockets
    (``core.realtime.middleware.SecondFactorSocketGate``).

    A session that passed a code in this session is open. One whose code is pending
    (``SECOND_FACTOR_PENDING``, set at a password login) may open nothing else. Someone
    who must show the second factor (``second_factor_required``, or anyone whom Wagtail lets
    into ``/cms/``) and has not in this session owes a code, or first a device when they have
    none. ``is_verified``: the session passed a code (django-otp's ``user.is_verified()``).
    """
    if not user.is_authenticated or is_verified:
        return Gate.OPEN
    if session.get(SECOND_FACTOR_PENDING):
        return Gate.CODE_DUE
    required = second_factor_required(user) or (
        path.startswith(CMS_PREFIX) and user.has_perm("wagtailadmin.access_admin")
    )
    if not required:
        return Gate.OPEN
    return Gate.CODE_DUE if user_has_device(user, confirmed=True) else Gate.SETUP_DUE


# --- Recovery codes ----------------------------------------------------------------------------------


def recovery_code_normalize(text: str) -> str:
    """A recovery code as stored (django-otp's ``StaticToken``: 8 lowercase base32 characters), from
    what people type: any case, with or without the dash and spaces. "" when it cannot be one."""
    code = "".join(ch for ch in str(text).lower() if ch not in " -\t")
    return code if re.fullmatch(r"[a-z2-7]{8}", code) else ""


def recovery_code_format(code: str) -> str:
    """``abcdefgh`` as shown on the Security tab: ``abcd-efgh``."""
    return f"{code[:4]}-{code[4:]}"


def recovery_code_digest(code: str) -> str:
    """What ``RecoveryCodeUse`` keeps of a used code."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()
