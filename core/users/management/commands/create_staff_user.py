"""Create a staff user with a TOTP device and print how to add it to an authenticator app."""

from __future__ import annotations

import getpass
import os

import qrcode
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.hooks import STAFF_ROLES
from core.users import services
from core.users.models import User


class Command(BaseCommand):
    help = (
        "Create (or reset) a staff user for /admin/ and print the TOTP provisioning URI and a QR code "
        "to scan with an authenticator app. The password comes from --password, the "
        "STAFF_PASSWORD environment variable, or a prompt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--password", default=None)
        parser.add_argument("--no-superuser", action="store_true", help="Staff without every permission.")
        parser.add_argument(
            "--role",
            action="append",
            default=[],
            choices=list(STAFF_ROLES),
            help="A staff role to join (repeat for several); implies --no-superuser.",
        )
        parser.add_argument("--no-qr", action="store_true", help="Print only the URI.")

    def handle(self, *args, email, name, password, no_superuser, no_qr, role, **options):
        password = password or os.environ.get("STAFF_PASSWORD") or self._prompt_password()
        try:
            # With the user, the similarity check refuses a password like the address or name.
            validate_password(password, user=User(email=email.strip().lower(), name=name))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user, device = services.staff_user_create(
            email=email, name=name, password=password, superuser=not (no_superuser or role), roles=tuple(role)
        )
        self.stdout.write(self.style.SUCCESS(f"Staff user {user.email} is ready."))
        self.stdout.write("Add this to an authenticator app (Google Authenticator, Aegis, 1Password…):")
        self.stdout.write(device.config_url)
        if not no_qr:
            qr = qrcode.QRCode(border=1)
            qr.add_data(device.config_url)
            qr.print_ascii(out=self.stdout, invert=True)
        self.stdout.write("Then log in at /admin/ with the email, the password and the 6-digit code.")
        self.stdout.write("Recovery codes (each works once in place of the code if the phone is lost; keep them safe):")
        for code in services.recovery_codes_generate(user=user):
            self.stdout.write(f"  {code}")

    def _prompt_password(self) -> str:
        if not os.isatty(0):
            raise CommandError("Give --password or STAFF_PASSWORD when not running in a terminal.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords differ.")
        return first
