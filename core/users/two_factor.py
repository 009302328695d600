"""How an authenticator app learns a TOTP secret: the otpauth:// URI, its QR code, the typed key.

Reads only; the writes (start, confirm, remove a device) are in ``core/users/services.py``.
"""

from __future__ import annotations

import base64
from base64 import b32encode
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django_otp.plugins.otp_totp.models import TOTPDevice

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
