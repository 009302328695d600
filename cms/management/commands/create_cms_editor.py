"""Create a person who edits the landing and content pages in /cms/ (not Django admin)."""

from __future__ import annotations

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cms.services import editor_create
from core.users.models import User


class Command(BaseCommand):
    help = "Create a CMS editor. The password comes from --password, EDITOR_PASSWORD, or a prompt."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--password", default=None)

    def handle(self, *args, email, name, password, **options):
        if User.objects.filter(email=email.strip().lower()).exists():
            raise CommandError(f"{email} already has an account.")
        password = password or os.environ.get("EDITOR_PASSWORD")
        if not password:
            if not os.isatty(0):
                raise CommandError("Give --password or EDITOR_PASSWORD when not running in a terminal.")
            password = getpass.getpass("Password: ")
        try:
            validate_password(password, User(email=email, name=name))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user = editor_create(email=email.strip().lower(), name=name, password=password)
        self.stdout.write(self.style.SUCCESS(f"{user.email} can now edit pages at /cms/."))
