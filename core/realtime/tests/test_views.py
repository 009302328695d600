"""The notification pages: the list, mark read (POST, CSRF), the JSON catch-up, the header bell."""

from __future__ import annotations

import pytest
from django.test import Client

from core.realtime import services
from core.realtime.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

KIND = NotificationKind.BOOKING_CONFIRMED
LIST = "/notifications/"


def _send(user, title="Confirmed: Intro to Django", **kwargs) -> Notification:
    return services.notification_send(user=user, kind=KIND, title=title, **kwargs)


@pytest.fixture
def as_learner(client, learner):
    client.force_login(learner)
    return client


def test_the_list_shows_ones_own_newest_first(as_learner, learner, other_learner):
    _send(learner, "Older", url="/bookings/7/")
    _send(learner, "Newer", body="With Meera.")
    _send(other_learner, "Bilal's secret")
    response = as_learner.get(LIST)
    assert response.status_code == 200
    assert response.templates[0].name == "realtime/notification_list.html"
    html = response.content.decode()
    assert html.index("Newer") < html.index("Older")
    assert '<a href="/bookings/7/">Older</a>' in html
    assert "With Meera." in html
    assert "Bilal" not in html.split('id="main"')[1]
    assert "2 unread" in html


def test_the_bell_links_here_and_counts(as_learner, learner):
    _send(learner)
    _send(learner)
    html = as_learner.get("/bookings/").content.decode()
    assert 'href="/notifications/" aria-label="Notifications: 2 New"' in html
    assert "2 New</span>" in html
    assert 'src="/static/js/notifications.js"' in html


def test_visitors_get_no_bell_and_no_script(client):
    html = client.get("/accounts/login/").content.decode()
    assert "data-notifications" not in html
    assert "notifications.js" not in html


def test_titles_are_escaped(as_learner, learner):
    _send(learner, "<script>alert(1)</script>")
    html = as_learner.get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_empty_list_says_so(as_learner):
    assert "No notifications yet" in as_learner.get(LIST).content.decode()


def test_older_pages_by_id(as_learner, learner):
    sent = [_send(learner, f"Note {n:02d}") for n in range(25)]
    first = as_learner.get(LIST).content.decode()
    assert "Note 24" in first and "Note 05" in first and "Note 04" not in first
    assert f'href="?before={sent[5].pk}"' in first
    older = as_learner.get(f"{LIST}?before={sent[5].pk}").content.decode()
    assert "Note 04" in older and "Note 00" in older and "Note 05" not in older
    assert "Older notifications" not in older
    assert as_learner.get(f"{LIST}?before=abc").status_code == 400
    assert "No older notifications" in as_learner.get(f"{LIST}?before=1").content.decode()


# --- Mark read -------------------------------------------------------------------------------------


def test_mark_all_read(as_learner, learner, other_learner):
    _send(learner)
    _send(learner)
    theirs = _send(other_learner)
    response = as_learner.post("/notifications/read/", follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "All notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(user=learner, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_read_and_never_someone_elses(as_learner, learner, other_learner):
    mine, other_mine = _send(learner), _send(learner)
    theirs = _send(other_learner)
    as_learner.post("/notifications/read/", {"id": [mine.pk, theirs.pk], "next": "/notifications/?before=99"})
    assert set(Notification.objects.filter(read_at=None).values_list("pk", flat=True)) == {other_mine.pk, theirs.pk}
    # JSON for scripts; an outside "next" falls back to the list.
    response = as_learner.post(
        "/notifications/read/", {"next": "https://evil.example/"}, headers={"accept": "application/json"}
    )
    assert response.json() == {"marked": 1, "unread": 0}
    assert as_learner.post("/notifications/read/", {"next": "https://evil.example/"})["Location"] == LIST
    assert as_learner.post("/notifications/read/", {"id": "x"}).status_code == 400


def test_mark_read_needs_the_csrf_token(learner):
    _send(learner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post("/notifications/read/").status_code == 403
    assert Notification.objects.filter(user=learner, read_at=None).exists()
    token = client.get(LIST).context["csrf_token"]
    assert client.post("/notifications/read/", {"csrfmiddlewaretoken": str(token)}).status_code == 302
    assert not Notification.objects.filter(user=learner, read_at=None).exists()


# --- JSON catch-up ---------------------------------------------------------------------------------


def test_catch_up_returns_only_ones_own_after_an_id(as_learner, learner, other_learner):
    seen = _send(learner, "Seen")
    _send(other_learner, "Theirs")
    missed = _send(learner, "Missed", url="/bookings/3/")
    response = as_learner.get(f"/notifications/catch-up/?after={seen.pk}")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert [n["id"] for n in body["notifications"]] == [missed.pk]
    assert body["notifications"][0]["url"] == "/bookings/3/"
    assert (body["type"], body["last_id"], body["more"], body["unread"]) == ("catch_up", missed.pk, False, 2)


def test_catch_up_without_an_id_is_a_hello(as_learner, learner):
    last = _send(learner)
    assert as_learner.get("/notifications/catch-up/").json() == {"type": "hello", "unread": 1, "last_id": last.pk}


def test_catch_up_is_capped_and_says_there_is_more(as_learner, learner):
    sent = [_send(learner, f"N{n}") for n in range(101)]
    body = as_learner.get("/notifications/catch-up/?after=0").json()
    assert len(body["notifications"]) == 100 and body["more"] is True
    assert body["last_id"] == sent[99].pk
    rest = as_learner.get(f"/notifications/catch-up/?after={body['last_id']}").json()
    assert [n["id"] for n in rest["notifications"]] == [sent[100].pk] and rest["more"] is False


@pytest.mark.parametrize("after", ["-1", "1.5", "abc", "9" * 30, "１"])
def test_catch_up_refuses_a_bad_id(as_learner, after):
    response = as_learner.get("/notifications/catch-up/", {"after": after})
    assert response.status_code == 400
    assert "error" in response.json()


# --- Query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 50])
def test_the_list_page_is_three_queries_at_1_and_50_rows(as_learner, learner, rows, django_assert_num_queries):
    for n in range(rows):
        _send(learner, f"Note {n}")
    # The signed-in user, the page of notifications, and the unread count (header and page share it).
    with django_assert_num_queries(3):
        response = as_learner.get(LIST)
    assert response.content.decode().count('class="card notification') == min(rows, 20)
