"""The forum through the public API: reading open to everyone, writing with a token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.api.tests.helpers import bearer
from plugins.forum import services
from plugins.forum.models import Flag, Post, Thread

pytestmark = pytest.mark.django_db

BASE = "/api/v1/p/forum"


@pytest.fixture
def board():
    return {board.slug: board for board in services.boards_seed()}["programming"]


def _thread(user, board, title="How do I read a Django traceback?"):
    return services.thread_start(user=user, board=board, title=title, body="I get **KeyError** somewhere.")


def test_read_openly_write_with_a_token(client, learner, mentor, board):
    started = bearer(learner).post(
        f"{BASE}/boards/{board.slug}/threads/",
        {"title": "How do I read a Django traceback?", "body": "I get **KeyError** somewhere."},
        format="json",
    )
    assert started.status_code == 201, started.json()
    thread = started.json()
    assert (thread["title"], thread["author_name"], thread["post_count"], thread["board_slug"]) == (
        "How do I read a Django traceback?",
        "Asha",
        1,
        "programming",
    )
    assert started["Location"] == f"{BASE}/threads/{thread['id']}/"
    reply = bearer(mentor).post(f"{BASE}/threads/{thread['id']}/posts/", {"body": "Read it bottom up."}, format="json")
    assert reply.status_code == 201 and reply.json()["is_mentor"] is True and reply.json()["is_opening"] is False

    boards = client.get(f"{BASE}/boards/").json()
    row = next(row for row in boards if row["slug"] == "programming")
    assert (row["thread_count"], row["latest_thread"]["id"]) == (1, thread["id"])
    listed = client.get(f"{BASE}/boards/{board.slug}/threads/").json()
    assert [(t["id"], t["post_count"]) for t in listed["results"]] == [(thread["id"], 2)]
    page = client.get(f"{BASE}/threads/{thread['id']}/").json()
    assert page["thread"]["id"] == thread["id"] and page["following"] is False
    assert [(p["author_name"], p["is_opening"], p["body"]) for p in page["results"]] == [
        ("Asha", True, "I get **KeyError** somewhere."),
        ("Meera", False, "Read it bottom up."),
    ]
    assert "<strong>KeyError</strong>" in page["results"][0]["html"]
    found = client.get(f"{BASE}/search/", {"q": "traceback"}).json()
    assert [hit["thread_id"] for hit in found["results"]] == [thread["id"]]

    assert bearer(mentor).post(f"{BASE}/threads/{thread['id']}/follow/").json() == {"following": True}
    assert bearer(mentor).get(f"{BASE}/threads/{thread['id']}/").json()["following"] is True
    assert bearer(mentor).delete(f"{BASE}/threads/{thread['id']}/follow/").json() == {"following": False}
    opening = Post.objects.filter(thread_id=thread["id"]).order_by("pk").first()
    flagged = bearer(mentor).post(f"{BASE}/posts/{opening.pk}/flag/", {"reason": "spam"}, format="json")
    assert flagged.json() == {"post_id": opening.pk, "reason": "spam"} and Flag.objects.count() == 1
    own = bearer(learner).post(f"{BASE}/posts/{opening.pk}/flag/", {"reason": "spam"}, format="json")
    assert own.status_code == 409


def test_anonymous_cannot_write(client, learner, board):
    thread = _thread(learner, board)
    body = {"title": "An anonymous question", "body": "Hello"}
    assert client.post(f"{BASE}/boards/{board.slug}/threads/", body, format="json").status_code == 401
    assert client.post(f"{BASE}/threads/{thread.pk}/posts/", {"body": "Hi"}, format="json").status_code == 401
    assert client.post(f"{BASE}/threads/{thread.pk}/follow/").status_code == 401
    assert Thread.objects.count() == 1 and Post.objects.count() == 1


def test_hidden_and_missing_things_are_not_found(client, learner, other_learner, board):
    thread = _thread(learner, board)
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)
    assert client.get(f"{BASE}/threads/{thread.pk}/").status_code == 404
    assert bearer(other_learner).get(f"{BASE}/threads/{thread.pk}/").status_code == 404
    assert bearer(other_learner).post(f"{BASE}/threads/{thread.pk}/posts/", {"body": "Hi"}).status_code == 404
    assert bearer(learner).get(f"{BASE}/threads/{thread.pk}/").status_code == 200  # its author sees it
    assert client.get(f"{BASE}/boards/no-such-board/threads/").status_code == 404


def test_bad_input_is_a_400_and_a_locked_thread_a_409(learner, board):
    as_learner = bearer(learner)
    for body, field in [
        ({"title": "Short", "body": "Hello there"}, "title"),
        ({"title": "A title\x00 with a NUL byte", "body": "Hello"}, "title"),
        ({"title": ["A", "list"], "body": "Hello"}, "title"),
        ({"title": "A good long title", "body": 42.5}, None),
    ]:
        answer = as_learner.post(f"{BASE}/boards/{board.slug}/threads/", body, format="json")
        if field is None:  # a number is taken as its text, as DRF's CharField does
            assert answer.status_code == 201
            continue
        assert answer.status_code == 400, body
        assert {error["field"] for error in answer.json()["errors"]} == {field}
    thread = _thread(learner, board, title="Another good question here")
    assert as_learner.post(f"{BASE}/threads/{thread.pk}/posts/", {"body": "x\x00"}, format="json").status_code == 400
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    locked = as_learner.post(f"{BASE}/threads/{thread.pk}/posts/", {"body": "Hello"}, format="json")
    assert locked.status_code == 409 and locked.json()["detail"] == "This thread is locked: it takes no new replies."
    assert bearer(learner).get(f"{BASE}/search/", {"q": ""}).status_code == 400
    assert bearer(learner).get(f"{BASE}/boards/{board.slug}/threads/", {"pinned": "maybe"}).status_code == 400


def test_lists_cost_the_same_queries_however_long(client, learner, mentor, board):
    from datetime import timedelta

    from django.utils import timezone

    type(learner).objects.filter(pk__in=[learner.pk, mentor.pk]).update(date_joined=timezone.now() - timedelta(days=30))
    learner.refresh_from_db()
    mentor.refresh_from_db()
    thread = _thread(learner, board)
    _thread(mentor, board, title="A second good question")
    services.reply_post(user=mentor, thread=thread, body="A mentor's reply")

    def counted(url, rows):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(url).json()["results"]) == rows
        return len(queries)

    threads_two, posts_two = (
        counted(f"{BASE}/boards/{board.slug}/threads/", 2),
        counted(f"{BASE}/threads/{thread.pk}/", 2),
    )
    for n in range(4):
        _thread(learner if n % 2 else mentor, board, title=f"More good questions {n}")
        services.reply_post(user=learner if n % 2 else mentor, thread=thread, body=f"Reply {n}")
    assert counted(f"{BASE}/boards/{board.slug}/threads/", 6) == threads_two
    assert counted(f"{BASE}/threads/{thread.pk}/", 6) == posts_two


def test_the_author_edits_a_post_for_half_an_hour(learner, mentor, board):
    thread = _thread(learner, board)
    opening = thread.posts.get()
    edited = bearer(learner).patch(f"{BASE}/posts/{opening.pk}/", {"body": "Now with **more** detail."}, format="json")
    assert edited.status_code == 200 and edited.json()["body"] == "Now with **more** detail."
    assert "<strong>more</strong>" in edited.json()["html"]
    opening.refresh_from_db()
    assert opening.edited_at is not None
    stranger = bearer(mentor).patch(f"{BASE}/posts/{opening.pk}/", {"body": "Not mine to change."}, format="json")
    assert stranger.status_code == 409
    short = bearer(learner).patch(f"{BASE}/posts/{opening.pk}/", {"body": "x"}, format="json")
    assert short.status_code == 400
    Post.objects.filter(pk=opening.pk).update(created_at=opening.created_at - timedelta(minutes=31))
    late = bearer(learner).patch(f"{BASE}/posts/{opening.pk}/", {"body": "Too late for this."}, format="json")
    assert late.status_code == 409 and "30 minutes" in late.json()["detail"]


def test_the_asker_marks_and_unmarks_the_answer(learner, mentor, board):
    thread = _thread(learner, board)
    reply = services.reply_post(user=mentor, thread=thread, body="Read it from the bottom up.")
    marked = bearer(learner).post(f"{BASE}/posts/{reply.pk}/answer/")
    assert marked.json() == {"thread_id": thread.pk, "answer_post_id": reply.pk}
    assert bearer(mentor).post(f"{BASE}/posts/{reply.pk}/answer/").status_code == 409  # not the asker
    opening = thread.posts.order_by("pk").first()
    assert bearer(learner).post(f"{BASE}/posts/{opening.pk}/answer/").status_code == 409
    unmarked = bearer(learner).post(f"{BASE}/posts/{reply.pk}/answer/")
    assert unmarked.json() == {"thread_id": thread.pk, "answer_post_id": None}


def test_search_pages_with_a_cursor(client, learner, mentor, board):
    titles = ["Traceback in my view", "Traceback from Celery", "Traceback reading tips"]
    authors = (learner, mentor, learner)
    threads = [_thread(person, board, title=title) for person, title in zip(authors, titles, strict=True)]
    first = client.get(f"{BASE}/search/", {"q": "traceback", "page_size": 2}).json()
    assert len(first["results"]) == 2 and first["previous"] is None and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None and second["previous"]
    seen = {hit["thread_id"] for hit in first["results"] + second["results"]}
    assert seen == {thread.pk for thread in threads}
    assert client.get(f"{BASE}/search/", {"q": "traceback", "cursor": "not-ours"}).status_code == 404


def test_following_a_board_hears_of_its_new_threads(learner, mentor, board, django_capture_on_commit_callbacks):
    from core.realtime.models import Notification

    followed = bearer(mentor).post(f"{BASE}/boards/{board.slug}/follow/")
    assert followed.json() == {"following": True} and services.is_following(user=mentor, board=board)
    with django_capture_on_commit_callbacks(execute=True):  # followers are told once it is saved
        _thread(learner, board, title="Which ORM method avoids N+1?")
    told = Notification.objects.filter(user=mentor, kind=f"forum.{services.NEW_THREAD}")
    assert [note.title for note in told if "N+1" in note.title or "N+1" in note.body]
    assert bearer(mentor).post(f"{BASE}/boards/{board.slug}/follow/").json() == {"following": True}  # once
    assert bearer(mentor).delete(f"{BASE}/boards/{board.slug}/follow/").json() == {"following": False}
    assert not services.is_following(user=mentor, board=board)
    assert bearer(mentor).post(f"{BASE}/boards/no-such-board/follow/").status_code == 404
