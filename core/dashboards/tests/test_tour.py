"""The welcome tour: on the first visit to one's dashboard, for one's role; gone for good once
finished or closed."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from core.users.models import Role
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db


def _steps(html: str) -> list[dict] | None:
    match = re.search(r'<script id="welcome-tour-steps" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)) if match else None


@pytest.mark.parametrize(
    ("role", "home", "pointed_at"),
    [
        (Role.LEARNER, "core:dashboard-learner", ["", "browse", "bookings", "[data-notifications]", "profile"]),
        (Role.MENTOR, "core:dashboard-mentor", ["", "create", "bookings", "earnings", "profile"]),
    ],
)
def test_a_first_visit_gets_the_tour_of_its_role_until_it_is_done(client, role, home, pointed_at):
    person = user_make(email=f"new-{role}@example.com", name="Kiran Rao", role=role, toured=False)
    client.force_login(person)

    steps = _steps(client.get(reverse(home)).content.decode())
    assert steps[0]["title"] == "Welcome to PeerLearn, Kiran"
    assert [re.sub(r'^\[data-section="(\w+)"\]$', r"\1", step["target"]) for step in steps] == pointed_at
    assert _steps(client.get("/profile/").content.decode()) is None  # the home page only

    assert client.post(reverse("users:welcome-tour-done")).status_code == 204
    assert _steps(client.get(reverse(home)).content.decode()) is None
    assert client.post(reverse("users:welcome-tour-done")).status_code == 204  # twice is harmless
    person.refresh_from_db()
    assert person.welcome_tour_done_at is not None


def test_the_tour_needs_a_signed_in_post(client):
    answer = client.post(reverse("users:welcome-tour-done"))
    assert answer.status_code == 302 and answer.url.startswith("/accounts/login/")
