"""The profile's Settings tab: notification choices for the events each role is told about,
saved with the timezone and payout destination, or not at all."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.realtime.selectors import wants
from core.realtime.services import notification_settings_update
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db

SETTINGS = "/profile/settings/"


def _texts(response) -> str:
    return response.content.decode()


def _bank(**overrides) -> dict:
    data = {
        "timezone": "Asia/Kolkata",
        "payout_kind": "bank_account",
        "payout_account_name": "Meera Rao",
        "payout_ifsc": "hdfc0001234",
        "payout_account_number": "5010 0123 4567 89",
        "payout_vpa": "",
    }
    data.update(overrides)
    return data


def _wants(user, kind: str, channel: str) -> bool:
    return wants(user, kind, channel)


def test_each_role_chooses_for_the_events_it_is_told_about(client, learner, mentor):
    client.force_login(mentor)
    mentor_page = _texts(client.get(SETTINGS))
    client.force_login(learner)
    learner_page = _texts(client.get(SETTINGS))

    assert 'name="notify_booking_requested_email"' in mentor_page
    assert 'name="notify_earnings_updated_in_app"' in mentor_page
    assert "notify_payment_captured" not in mentor_page
    assert 'name="notify_payment_captured_email"' in learner_page
    assert "notify_booking_requested" not in learner_page
    # In-app only kinds have no email switch.
    assert 'name="notify_chat_message_in_app"' in learner_page and "notify_chat_message_email" not in learner_page
    assert 'name="notify_booking_confirmed_email" id="id_notify_booking_confirmed_email" checked' in learner_page


def test_a_mentor_turns_off_booking_request_emails(client, mentor):
    client.force_login(mentor)
    on = {
        "notify_booking_requested_in_app": "on",
        "notify_earnings_updated_in_app": "on",
        "notify_session_starting_in_app": "on",
        "notify_chat_message_in_app": "on",
    }

    response = client.post(SETTINGS, {"timezone": "Asia/Kolkata", "notifications_shown": "1", **on})

    assert response.status_code == 302
    assert not _wants(mentor, "booking_requested", "email")
    assert _wants(mentor, "booking_requested", "in_app")
    page = _texts(client.get(SETTINGS))
    assert 'name="notify_booking_requested_email" id="id_notify_booking_requested_email">' in page
    assert 'name="notify_booking_requested_in_app" id="id_notify_booking_requested_in_app" checked' in page


def test_a_post_without_the_switches_changes_no_notification_choice(client, learner):
    client.force_login(learner)

    assert client.post(SETTINGS, {"timezone": "Asia/Kolkata"}).status_code == 302

    assert _wants(learner, "payment_captured", "email") and _wants(learner, "chat_message", "in_app")


def test_notification_choices_are_not_saved_when_the_payout_is_refused(client, mentor):
    client.force_login(mentor)

    response = client.post(SETTINGS, {**_bank(payout_ifsc="nope"), "notifications_shown": "1"})

    assert response.status_code == 200
    assert _wants(mentor, "booking_requested", "email") and _wants(mentor, "booking_requested", "in_app")


def test_staff_have_no_notification_choices(client, staff):
    force_login_verified(client, staff)

    assert "notify_" not in _texts(client.get(SETTINGS))


def test_the_service_saves_nothing_when_the_payout_is_refused(mentor):
    with pytest.raises(ValidationError):
        notification_settings_update(
            user=mentor,
            timezone_name="Europe/London",
            payout={"kind": "vpa", "account_name": "Meera", "ifsc": "", "account_number": "", "vpa": "nope"},
            notifications={"booking_requested": {"email": False}},
        )

    mentor.refresh_from_db()
    assert mentor.timezone != "Europe/London"
    assert _wants(mentor, "booking_requested", "email")
