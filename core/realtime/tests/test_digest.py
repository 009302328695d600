"""The daily digest: a plugin's kind declared with ``email_digest`` is not emailed one by one but
gathered into one email a day, after ``NOTIFICATION_DIGEST_HOUR`` on each person's own clock,
leaving out what they read in the app or no longer want (``digest_send``, run by beat)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail

from core import pluginmanager
from core.realtime import kinds, services
from core.realtime.models import DigestEntry, EmailDelivery, Notification
from core.realtime.services.email import DIGEST_LISTED, digests_send
from core.realtime.tasks import notification_digests_send_task
from core.realtime.tests import digest_plugin, refusing_mail
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db

REPLY = "club.club_reply"
INVITE = "club.club_invite"
UTC = dt.UTC
# 08:30 in India (UTC+5:30): the digest hour (8) has passed there.
MORNING_IN_INDIA = dt.datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
EARLY_IN_INDIA = dt.datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 06:30 in India


@pytest.fixture
def club():
    pluginmanager.pm.register(digest_plugin, name="club")
    yield digest_plugin
    if pluginmanager.pm.is_registered(digest_plugin):
        pluginmanager.pm.unregister(digest_plugin)


def _told(user, n=1, **kwargs):
    for i in range(n):
        digest_plugin.tell(user=user, title=kwargs.get("title", f"Reply {i + 1} in Python club"), url=f"/p/club/{i}/")


def test_a_digest_kind_is_saved_in_the_app_and_waits_instead_of_emailing(
    club, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_plugin.tell(user=learner) is True
        digest_plugin.tell(user=learner, kind="club_invite", title="Join the SQL club")

    assert kinds.kind_get(REPLY).digest is True and kinds.kind_get(INVITE).digest is False
    assert [m.subject for m in mail.outbox] == [settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + "Join the SQL club"]
    entry = DigestEntry.objects.get(user=learner)
    assert (entry.kind, entry.title, entry.url) == (REPLY, "Ravi replied in Python club", "/p/club/1/")
    assert entry.notification == Notification.objects.get(user=learner, kind=REPLY)


def test_one_email_a_day_after_the_hour_on_the_persons_clock(club, learner):
    _told(learner, 2)

    assert digests_send(now=EARLY_IN_INDIA) == 0 and mail.outbox == []
    assert digests_send(now=MORNING_IN_INDIA) == 1
    (message,) = mail.outbox
    assert message.to == [learner.email] and message.subject.endswith("Your daily digest: 2 updates")
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "Reply 1 in Python club" in part and "Reply 2 in Python club" in part
        assert f"{settings.SITE_URL.rstrip('/')}/p/club/1/" in part
        assert "/notifications/" in part and "notification settings" in part
    assert "CLUB" in message.body and "Club" in html  # under the plugin's name
    assert not DigestEntry.objects.exists()

    # Later the same day: a new entry waits for tomorrow's digest, whatever runs.
    _told(learner, 1, title="A late reply")
    assert digests_send(now=MORNING_IN_INDIA + dt.timedelta(hours=10)) == 0 and len(mail.outbox) == 1
    assert digests_send(now=MORNING_IN_INDIA + dt.timedelta(days=1)) == 1
    assert "A late reply" in mail.outbox[1].body and "Reply 1" not in mail.outbox[1].body
    assert mail.outbox[1].subject.endswith("1 update")
    assert EmailDelivery.objects.filter(user=learner, kind="digest").count() == 2


def test_the_hour_is_each_persons_own(club, learner, other_learner):
    other_learner.timezone = "America/New_York"
    other_learner.save(update_fields=["timezone"])
    _told(learner)
    _told(other_learner)

    assert digests_send(now=dt.datetime(2026, 12, 7, 10, 0, tzinfo=UTC)) == 1  # 15:30 in India, 05:00 in New York
    assert [m.to for m in mail.outbox] == [[learner.email]]
    assert DigestEntry.objects.filter(user=other_learner).count() == 1
    assert digests_send(now=dt.datetime(2026, 12, 7, 13, 5, tzinfo=UTC)) == 1  # 08:05 in New York
    assert mail.outbox[1].to == [other_learner.email]


def test_what_was_read_in_the_app_is_left_out(club, learner):
    _told(learner, 2)
    first = Notification.objects.filter(user=learner).order_by("id").first()
    services.notification_mark_read(user=learner, ids=[first.pk])

    digests_send(now=MORNING_IN_INDIA)

    (message,) = mail.outbox
    assert "Reply 2" in message.body and "Reply 1" not in message.body
    assert message.subject.endswith("1 update")


def test_nothing_is_sent_when_everything_was_read_and_nothing_is_kept_for_tomorrow(club, learner):
    _told(learner, 2)
    services.notification_mark_read(user=learner)

    assert digests_send(now=MORNING_IN_INDIA) == 0
    assert mail.outbox == []
    assert not DigestEntry.objects.exists()
    assert digests_send(now=MORNING_IN_INDIA + dt.timedelta(days=1)) == 0


def test_email_without_the_app_still_comes_in_the_digest(club, learner):
    services.notification_preferences_update(user=learner, prefs={REPLY: {"in_app": False, "email": True}})
    _told(learner)

    assert not Notification.objects.filter(user=learner).exists()
    assert digests_send(now=MORNING_IN_INDIA) == 1
    assert "Reply 1 in Python club" in mail.outbox[0].body


def test_switching_the_email_off_or_the_plugin_off_leaves_the_entries_out(club, learner, other_learner):
    _told(learner)
    _told(other_learner)
    services.notification_preferences_update(user=learner, prefs={REPLY: {"email": False}})

    assert digests_send(now=MORNING_IN_INDIA) == 1
    assert [m.to for m in mail.outbox] == [[other_learner.email]]

    _told(other_learner)
    pluginmanager.pm.unregister(digest_plugin)
    assert digests_send(now=MORNING_IN_INDIA + dt.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1
    assert not DigestEntry.objects.exists()


def test_a_kind_without_the_email_switched_on_waits_for_nothing(club, learner):
    services.notification_preferences_update(user=learner, prefs={REPLY: {"email": False}})
    _told(learner)

    assert not DigestEntry.objects.exists()
    assert Notification.objects.filter(user=learner, kind=REPLY).count() == 1


def test_a_long_digest_lists_the_first_ones_and_counts_the_rest(club, learner, settings):
    # The task reads the real clock: with the digest due from midnight, it is due whatever the
    # hour in India when this runs (at 8 am, as set by default, a run before 08:00 IST sent none).
    settings.NOTIFICATION_DIGEST_HOUR = 0
    _told(learner, DIGEST_LISTED + 3)

    notification_digests_send_task.delay()  # eager here; beat runs it on a deployment

    (message,) = mail.outbox
    assert message.subject.endswith(f"{DIGEST_LISTED + 3} updates")
    assert f"Reply {DIGEST_LISTED} in" in message.body and f"Reply {DIGEST_LISTED + 1} in" not in message.body
    assert "And 3 more" in message.body


@pytest.mark.expect_error_log("core.realtime.services.email")
def test_one_refused_digest_does_not_stop_the_others_and_is_tried_again(club, learner, other_learner, settings):
    settings.EMAIL_BACKEND = refusing_mail.BACKEND  # Bilal's mail server refuses
    _told(learner)
    _told(other_learner)

    assert digests_send(now=MORNING_IN_INDIA) == 1
    assert [m.to for m in mail.outbox] == [[learner.email]]
    assert DigestEntry.objects.filter(user=other_learner).count() == 1  # kept for the next run
    assert not EmailDelivery.objects.filter(user=other_learner).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digests_send(now=MORNING_IN_INDIA + dt.timedelta(minutes=15)) == 1
    assert mail.outbox[-1].to == [other_learner.email]


def test_it_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["notification-digests"]
    assert entry["task"] == notification_digests_send_task.name
    assert entry["schedule"] <= 3600  # at least hourly: nobody's hour is skipped


def test_the_settings_say_which_emails_come_as_a_digest(client, club, learner):
    force_login_verified(client, learner)

    page = client.get("/profile/settings/").content.decode()

    reply_row = page.split("Replies in clubs", 1)[1].split("</tr>", 1)[0]
    invite_row = page.split("Club invitations", 1)[1].split("</tr>", 1)[0]
    assert "one digest a day, after 8 am your time" in reply_row
    assert "digest" not in invite_row
    assert f'name="notify_{REPLY}_email"' in reply_row
