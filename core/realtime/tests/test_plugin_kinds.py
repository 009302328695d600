"""Plugins' notification kinds: declared through ``notification_kinds``, shown in each person's
settings for their role under the plugin's name, and sent with ``plugin_api.notify`` through
core's own path (saved, pushed to the bell, emailed) under the person's choices.

The throwaway plugins (``gifts_plugin`` here and core's sample plugin) are registered with the
real plugin manager for each test, as ``core/tests/test_plugin_contributions.py`` does.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.core import mail

from core import plugin_api, pluginmanager
from core.hooks import NotificationType, hookimpl
from core.realtime import kinds, selectors, services
from core.realtime.consumers import NotificationConsumer, user_group
from core.realtime.models import EmailDelivery, Notification, NotificationPreference
from core.realtime.selectors import catch_up_payload
from core.realtime.services.email import plugin_notification_email_send
from core.realtime.tests import gifts_plugin
from core.tests.sample_plugin import hooks as sample_hooks
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db

SETTINGS = "/profile/settings/"
GIFT = "gifts.gift_received"  # mentors; offers email (off until chosen)
THANKS = "gifts.gift_thanked"  # learners; in the app only


@pytest.fixture
def gifts():
    pluginmanager.pm.register(gifts_plugin, name="gifts")
    yield gifts_plugin
    if pluginmanager.pm.is_registered(gifts_plugin):
        pluginmanager.pm.unregister(gifts_plugin)


@pytest.fixture
def sample():
    pluginmanager.pm.register(sample_hooks, name="sample")
    yield sample_hooks
    pluginmanager.pm.unregister(sample_hooks)


_loop: asyncio.AbstractEventLoop | None = None


@pytest.fixture
def listen():
    """``listen(user)``: a channel in the person's group, as an open tab has; ``received(channel)``
    reads what was pushed to it (None after a short wait)."""
    global _loop
    _loop = asyncio.new_event_loop()

    def _listen(user) -> str:
        layer = get_channel_layer()
        channel = _loop.run_until_complete(layer.new_channel())
        _loop.run_until_complete(layer.group_add(user_group(user.pk), channel))
        return channel

    yield _listen
    _loop.close()
    _loop = None


def _received(channel: str, timeout: float = 0.2) -> dict | None:
    async def receive():
        try:
            return await asyncio.wait_for(get_channel_layer().receive(channel), timeout)
        except TimeoutError:
            return None

    return _loop.run_until_complete(receive())


def _page(client) -> str:
    response = client.get(SETTINGS)
    assert response.status_code == 200
    return response.content.decode()


def _switches_on(page: str) -> dict[str, str]:
    """The notification switches checked on the page, as the browser would post them."""
    return {name: "on" for name in re.findall(r'name="(notify_[^"]+)" id="[^"]+" checked', page)}


def _post(client, **changes) -> int:
    """Save the settings as shown, with ``changes`` ("notify_<kind>_<channel>": "on" or None)."""
    data = {"timezone": "Asia/Kolkata", "notifications_shown": "1", **_switches_on(_page(client))}
    for name, value in changes.items():
        data.pop(name, None)
        if value is not None:
            data[name] = value
    return client.post(SETTINGS, data).status_code


# --- The registry ---------------------------------------------------------------------------------


def test_a_plugins_kinds_are_namespaced_by_its_label_beside_cores(gifts):
    gift = kinds.kind_get(GIFT)
    assert (gift.label, gift.plugin, gift.group, gift.roles) == ("Tips you are sent", "gifts", "Gifts", ("mentor",))
    assert gift.email_template == "plugin_notification" and kinds.kind_get(THANKS).email_template is None
    assert (gift.in_app_default, gift.email_default) == (True, False)
    assert kinds.kind_get("gift_received") is None  # only the namespaced key is stored
    assert gift.refreshes == ("earnings_updated",)  # core's kind kept, an unknown name dropped
    assert kinds.refreshes_of(THANKS) == ("recommended_sessions",)  # a live part of core's pages kept
    core_kind = kinds.kind_get("booking_requested")
    assert (core_kind.plugin, core_kind.email_template) == ("", "booking_requested")
    listed = kinds.kinds_all()
    assert [info.key for info in listed if info.plugin == "gifts"] == [GIFT, THANKS]
    plugins_from = min(index for index, info in enumerate(listed) if info.plugin)
    assert all(not info.plugin for info in listed[:plugins_from])  # core's kinds first, then the plugins'
    assert all(info.plugin for info in listed[plugins_from:])


def test_without_the_plugin_its_kinds_are_unknown():
    assert kinds.kind_get(GIFT) is None
    assert GIFT not in [info.key for info in kinds.kinds_all()]


class Sloppy:
    """A plugin whose declarations are wrong in every way core must survive."""

    @hookimpl
    def notification_kinds(self):
        return [
            NotificationType(key="Bad Key!", label="Bad"),
            "not a NotificationType",
            NotificationType(key="staff_only", label="For staff", roles=("admin",)),
            NotificationType(key="x" * 41, label="Too long"),
            NotificationType(key="sloppy.fine", label="  Fine\x00 one "),
            NotificationType(key="fine", label="Declared twice"),
        ]


def test_malformed_declarations_are_ignored_with_a_warning(caplog):
    sloppy = Sloppy()
    pluginmanager.pm.register(sloppy, name="sloppy")
    try:
        declared = [info for info in kinds.plugin_kinds() if info.plugin == "sloppy"]
    finally:
        pluginmanager.pm.unregister(sloppy)
    assert [(info.key, info.label) for info in declared] == [("sloppy.fine", "Fine\x00 one")]
    assert caplog.text.count("Plugin sloppy declared a notification kind") == 4


# --- The settings page ----------------------------------------------------------------------------


def test_a_kind_shows_in_the_settings_of_its_role_only_under_the_plugins_name(client, gifts, mentor, learner, staff):
    client.force_login(mentor)
    mentor_page = _page(client)
    client.force_login(learner)
    learner_page = _page(client)
    force_login_verified(client, staff)
    staff_page = _page(client)

    gifts_group = mentor_page.split('<th scope="rowgroup" colspan="3">Gifts</th>')[1].split("</tbody>")[0]
    assert "Tips you are sent" in gifts_group
    assert f'name="notify_{GIFT}_in_app" id="id_notify_{GIFT}_in_app" checked' in gifts_group
    assert f'name="notify_{GIFT}_email" id="id_notify_{GIFT}_email">' in gifts_group  # email off by default
    assert "notify_booking_requested_in_app" in mentor_page and THANKS not in mentor_page
    assert f'name="notify_{THANKS}_in_app"' in learner_page and f"notify_{THANKS}_email" not in learner_page
    assert GIFT not in learner_page
    assert "notify_" not in staff_page


def test_saving_a_plugins_kind_off_stops_notify_from_storing_or_pushing_it(client, gifts, mentor, listen):
    client.force_login(mentor)
    assert _post(client, **{f"notify_{GIFT}_in_app": None}) == 302
    assert NotificationPreference.objects.get(user=mentor, kind=GIFT).in_app is False
    assert selectors.wants(mentor, "booking_requested", "in_app")  # core's kinds as they were
    channel = listen(mentor)

    assert gifts.tell(user=mentor) is False

    assert not Notification.objects.filter(user=mentor).exists()
    assert _received(channel) is None
    assert mail.outbox == []
    assert f'name="notify_{GIFT}_in_app" id="id_notify_{GIFT}_in_app">' in _page(client)


def test_notify_stores_and_pushes_it_like_cores_own(gifts, mentor, listen, django_capture_on_commit_callbacks):
    channel = listen(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        assert gifts.tell(user=mentor, title="A gift for you", body="Asha sent you ₹100.", url="/p/gifts/7/")

    notification = Notification.objects.get(user=mentor)
    assert (notification.kind, notification.title, notification.body, notification.url) == (
        GIFT,
        "A gift for you",
        "Asha sent you ₹100.",
        "/p/gifts/7/",
    )
    pushed = _received(channel)
    assert pushed["type"] == "notify"
    assert pushed["payload"] == notification.to_payload(unread=1, refreshes=("earnings_updated",))
    assert pushed["payload"]["refreshes"] == ["earnings_updated"]  # the mentor's balances refresh too
    assert mail.outbox == []  # the kind offers email, off until the person turns it on
    caught_up = catch_up_payload(user=mentor, after=0)["notifications"]
    assert [item["refreshes"] for item in caught_up] == [["earnings_updated"]]


def test_an_email_goes_out_when_the_person_turned_it_on(client, gifts, mentor, django_capture_on_commit_callbacks):
    client.force_login(mentor)
    assert _post(client, **{f"notify_{GIFT}_email": "on"}) == 302

    with django_capture_on_commit_callbacks(execute=True):
        assert gifts.tell(user=mentor, title="A gift for you", body="Asha sent you ₹100.", url="/p/gifts/7/")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [mentor.email] and message.subject.endswith("A gift for you")
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "Asha sent you ₹100." in part and "/p/gifts/7/" in part and "Gifts" in part
        assert "/profile/" in part and "notification settings" in part  # the footer every notification email has
    assert EmailDelivery.objects.get(user=mentor).kind == GIFT


def test_email_without_the_app_still_sends_the_email_only(client, gifts, mentor, django_capture_on_commit_callbacks):
    client.force_login(mentor)
    _post(client, **{f"notify_{GIFT}_email": "on", f"notify_{GIFT}_in_app": None})

    with django_capture_on_commit_callbacks(execute=True):
        assert gifts.tell(user=mentor) is True

    assert not Notification.objects.filter(user=mentor).exists()
    assert len(mail.outbox) == 1


def test_an_in_app_only_kind_never_emails(gifts, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert gifts.tell(user=learner, kind="gift_thanked", title="Meera thanked you")

    assert Notification.objects.get(user=learner).kind == THANKS
    assert mail.outbox == []
    assert selectors.wants(learner, THANKS, "email") is False


def test_the_email_task_sends_once_and_not_after_the_plugin_is_switched_off(gifts, mentor):
    services.notification_preferences_update(user=mentor, prefs={GIFT: {"email": True}})
    send = plugin_notification_email_send
    arguments = {"user": mentor, "kind": GIFT, "key": f"{GIFT}:k1", "title": "T", "body": "B", "url": "/p/gifts/"}
    assert send(**arguments) is True
    assert send(**arguments) is False  # a task that runs twice sends one email
    pluginmanager.pm.unregister(gifts_plugin)
    assert send(**{**arguments, "key": f"{GIFT}:k2"}) is False
    assert len(mail.outbox) == 1


# --- What notify refuses --------------------------------------------------------------------------


def test_an_undeclared_kind_is_refused_with_a_clear_error(gifts, mentor):
    with pytest.raises(plugin_api.NotificationKindError) as refused:
        gifts.tell(user=mentor, kind="gift_lost")
    assert str(refused.value) == (
        "The plugin gifts did not declare the notification kind 'gift_lost' in notification_kinds() "
        "(it declares: 'gift_received', 'gift_thanked')."
    )
    assert not Notification.objects.exists()


def test_a_kind_of_another_plugin_is_refused(gifts, sample, learner, django_capture_on_commit_callbacks):
    with pytest.raises(plugin_api.NotificationKindError, match=r"plugin gifts did not declare .*'sample\.news'"):
        gifts.tell(user=learner, kind="sample.news")
    with pytest.raises(
        plugin_api.NotificationKindError, match=r"plugin sample did not declare .*'gifts\.gift_thanked'"
    ):
        sample.news_send(learner, kind="gifts.gift_thanked")
    with django_capture_on_commit_callbacks(execute=True):
        assert sample.news_send(learner) is True  # its own kind, by the plugin that declared it
    assert list(Notification.objects.values_list("kind", flat=True)) == ["sample.news"]


def test_a_kind_for_another_role_is_refused(gifts, learner):
    with pytest.raises(
        plugin_api.NotificationKindError, match="is for mentors, not for a person whose role is 'learner'"
    ):
        gifts.tell(user=learner, kind="gift_received")


def test_notify_is_for_plugins_only(gifts, mentor):
    with pytest.raises(plugin_api.NotificationKindError, match="notify\\(\\) is for plugins"):
        plugin_api.notify(user=mentor, kind=GIFT, title="From a test, not a plugin")


def test_a_switched_off_plugin_cannot_notify(gifts, mentor):
    pluginmanager.pm.unregister(gifts_plugin)
    with pytest.raises(plugin_api.NotificationKindError):
        gifts.tell(user=mentor)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"title": "  "}, "needs a title"),
        ({"url": "https://evil.example.com/"}, "path on this site"),
        ({"url": "//evil.example.com/"}, "path on this site"),
        ({"user": None}, "takes a person"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_saved(gifts, mentor, arguments, message):
    with pytest.raises(ValueError, match=message):
        gifts.tell(**{"user": mentor, **arguments})
    assert not Notification.objects.exists()


# --- Switched off, and hostile posts ---------------------------------------------------------------


def test_switched_off_its_kinds_leave_the_page_and_saving_keeps_their_choices(client, gifts, mentor):
    client.force_login(mentor)
    assert _post(client, **{f"notify_{GIFT}_in_app": None, f"notify_{GIFT}_email": "on"}) == 302
    pluginmanager.pm.unregister(gifts_plugin)

    page = _page(client)
    assert GIFT not in page and ">Gifts<" not in page and "notify_booking_requested_in_app" in page
    assert _post(client, notify_booking_requested_email=None) == 302
    assert not selectors.wants(mentor, "booking_requested", "email")
    stored = NotificationPreference.objects.get(user=mentor, kind=GIFT)
    assert (stored.in_app, stored.email) == (False, True)

    pluginmanager.pm.register(gifts_plugin, name="gifts")
    page = _page(client)
    assert f'name="notify_{GIFT}_in_app" id="id_notify_{GIFT}_in_app">' in page
    assert f'name="notify_{GIFT}_email" id="id_notify_{GIFT}_email" checked' in page


@pytest.mark.parametrize(
    "hostile",
    [
        {"notify_gifts.nope_in_app": "on", "notify_evil_email": "on"},
        {f"notify_{GIFT}_in_app": "\x00", f"notify_{GIFT}\x00_email": "on"},
        {"notifications_shown": "\x00", "timezone": "Asia/Kolkata\x00"},
        {"notify_\x00.\x00_in_app": "\x00" * 3},
    ],
)
def test_hostile_posts_never_500_and_store_no_unknown_kind(client, gifts, mentor, hostile):
    client.force_login(mentor)
    data = {"timezone": "Asia/Kolkata", "notifications_shown": "1", **_switches_on(_page(client)), **hostile}
    assert client.post(SETTINGS, data).status_code in (200, 302)
    known = {info.key for info in kinds.kinds_all()}
    assert set(NotificationPreference.objects.filter(user=mentor).values_list("kind", flat=True)) <= known


@pytest.mark.parametrize("kind", ["gifts.nope", "gifts.", ".gift_received", "sample.news", "\x00", 7])
def test_the_service_refuses_a_preference_for_an_unknown_kind(gifts, mentor, kind):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        services.notification_preferences_update(user=mentor, prefs={kind: {"in_app": False}})
    assert not NotificationPreference.objects.exists()


def test_a_new_choice_starts_from_the_kinds_defaults(gifts, mentor):
    services.notification_preferences_update(user=mentor, prefs={GIFT: {"in_app": False}})
    assert selectors.wants(mentor, GIFT, "email") is False  # email_default, not the model's True


# --- The bell socket ------------------------------------------------------------------------------


@database_sync_to_async
def _tell(user):
    return gifts_plugin.tell(user=user, title="Live gift")


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_bell_socket_receives_a_plugins_notification(gifts, mentor):
    communicator = WebsocketCommunicator(
        NotificationConsumer.as_asgi(), "/ws/notifications/", headers=[(b"origin", b"http://127.0.0.1:8000")]
    )
    communicator.scope["user"] = mentor
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"

    assert await _tell(mentor) is True  # autocommit: pushed at once after saving

    payload = await communicator.receive_json_from()
    assert (payload["type"], payload["kind"], payload["title"], payload["unread"]) == (
        "notification",
        GIFT,
        "Live gift",
        1,
    )
    await communicator.disconnect()


def test_a_celebrating_kind_says_so_live_and_never_on_catch_up(
    sample, learner, listen, django_capture_on_commit_callbacks
):
    channel = listen(learner)
    with django_capture_on_commit_callbacks(execute=True):
        assert sample.news_send(learner, kind="cheer") is True
        assert sample.news_send(learner) is True
    cheer, news = _received(channel), _received(channel)
    assert (cheer["payload"]["kind"], cheer["payload"].get("celebrate")) == ("sample.cheer", True)
    assert (news["payload"]["kind"], "celebrate" in news["payload"]) == ("sample.news", False)
    assert all("celebrate" not in item for item in catch_up_payload(user=learner, after=0)["notifications"])
