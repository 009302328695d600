"""The forum as people use it: boards, threads, replies, answers, flags and moderation; Markdown
that cannot carry a script; limits for new accounts; pages whose query count does not grow."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.mentoring.tests.factories import approved_mentor, session_make
from core.realtime.models import Notification
from core.realtime.services.email import digests_send
from core.users.tests.factories import user_make
from core.users.tests.helpers import force_login_verified
from plugins.forum import markdown, selectors, services
from plugins.forum.models import Board, Flag, ModerationAction, Post, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def boards():
    return {board.slug: board for board in services.boards_seed()}


@pytest.fixture
def veteran():
    """An account older than a week (no new-account limits)."""
    user = user_make(email="vee@example.com", name="Veer Learner", role="learner")
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()
    return user


@pytest.fixture
def moderator():
    user = user_make(email="mod@example.com", name="Mona Moderator", role="learner")
    user.groups.add(Group.objects.get(name=services.MODERATORS))
    return user


def _thread(user, board, title="How do I read a Django traceback?", body="I get **KeyError** somewhere."):
    return services.thread_start(user=user, board=board, title=title, body=body)


# --- Markdown: inert, whatever is written ---------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<a href="javascript:alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "```html\n<script>alert(1)</script>\n```",
    '```"><script>alert(1)</script>\nx\n```',
    "```python onmouseover=alert(1)\nx = 1\n```",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=https://evil.example></iframe>",
    '[x](https://ok.example "title" onmouseover=alert(1))',
    "<<script>script>alert(1)<</script>/script>",
    "\x00<script>alert(1)</script>",
]


class _Tags(HTMLParser):
    """The elements a browser would build from some HTML, with their attributes."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_comes_out_inert(text):
    for tag, attributes in _Tags(markdown.render(text)).found:
        assert tag in markdown.TAGS, tag  # no script, img, iframe, svg, div, style...
        assert not [name for name in attributes if name.startswith("on") or name == "style"], attributes
        if "href" in attributes:
            assert attributes["href"].startswith(("http://", "https://", "mailto:")), attributes


def test_markdown_keeps_what_people_write_code_highlighted_by_class_and_headings_below_the_page():
    out = markdown.render(
        "# Title\n\nSome *text*, `code` and a [link](https://docs.example/x).\n\n```python\nx = 1\n```"
    )
    assert "<h3>Title</h3>" in out and "<em>text</em>" in out and "<code>code</code>" in out
    assert '<a href="https://docs.example/x" rel="ugc noopener noreferrer">link</a>' in out
    assert '<code class="language-python"><span class="n">x</span>' in out
    assert 'rel="nofollow ugc noopener noreferrer"' in markdown.render("[a](https://x.example)", nofollow=True)
    assert markdown.excerpt("# Hi\n\nSome *text* & <b>more</b>") == "Hi Some text & <b>more</b>"


# --- Reading and writing ----------------------------------------------------------------------


def test_the_boards_list_each_field_with_its_count_and_latest_thread(client, boards, veteran):
    older = _thread(veteran, boards["data"], title="Pandas or SQL first for analysis?")
    newer = _thread(veteran, boards["data"], title="Which charts suit time series?")
    hidden = _thread(veteran, boards["data"], title="Spam spam spam spam")
    Thread.objects.filter(pk=hidden.pk).update(is_hidden=True)
    Thread.objects.filter(pk=older.pk).update(last_posted_at=timezone.now() - timedelta(hours=2))
    page = client.get("/p/forum/").content.decode()
    names = ("Programming", "Design", "Data", "Business", "Marketing", "General")
    assert sorted(names, key=lambda name: page.index(f">{name}</a>")) == list(names)  # in the boards' order
    assert "just now" in page and "2 hours ago" not in page
    data = page.split('href="/p/forum/data/"')[1].split("</li>")[0]
    assert "<dd>2</dd>" in data and newer.title in data and "Spam" not in data


def test_anyone_reads_a_thread_at_one_address_with_its_description(client, boards, veteran):
    thread = _thread(veteran, boards["programming"])
    url = f"/p/forum/t/{thread.pk}-how-do-i-read-a-django-traceback/"
    assert client.get(f"/p/forum/t/{thread.pk}/")["Location"] == url
    assert client.get(f"/p/forum/t/{thread.pk}-old-title/?page=1")["Location"] == url + "?page=1"
    page = client.get(url).content.decode()
    assert "<title>How do I read a Django traceback? · Programming · PeerLearn Forum</title>" in page
    assert '<meta name="description" content="I get KeyError somewhere.">' in page
    assert "<strong>KeyError</strong>" in page and "Log in to reply" in page
    assert f'<link rel="canonical" href="http://testserver{url}">' in page and "noindex" not in page


def test_starting_a_thread_and_replying_through_the_pages(client, boards, veteran):
    client.force_login(veteran)
    response = client.post("/p/forum/programming/new/", {"title": "Django or Flask first?", "body": "Why?"})
    thread = Thread.objects.get(title="Django or Flask first?")
    assert response["Location"] == f"/p/forum/t/{thread.pk}-django-or-flask-first/"
    response = client.post(f"/p/forum/t/{thread.pk}/reply/", {"body": "Django: it has *more* built in."})
    reply = Post.objects.filter(thread=thread).last()
    assert response["Location"] == f"/p/forum/t/{thread.pk}-django-or-flask-first/#post-{reply.pk}"
    thread.refresh_from_db()
    assert (thread.post_count, thread.last_posted_at) == (2, reply.created_at)
    assert reply.html == "<p>Django: it has <em>more</em> built in.</p>\n"


def test_a_form_with_a_mistake_comes_back_with_what_was_written(client, boards, veteran):
    client.force_login(veteran)
    response = client.post("/p/forum/programming/new/", {"title": "Why?", "body": "My long question\x00 text"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "at least 8 characters" in page and "My long question" in page
    preview = client.post("/p/forum/programming/new/", {"title": "A good title", "body": "**bold**", "preview": "1"})
    assert preview.status_code == 200 and "<strong>bold</strong>" in preview.content.decode()
    assert not Thread.objects.exists()


def test_a_locked_thread_takes_no_replies_and_a_hidden_one_is_gone_for_others(client, boards, veteran, moderator):
    thread = _thread(veteran, boards["design"])
    services.thread_moderate(moderator=moderator, thread=thread, action="lock", reason="Answered long ago")
    other = user_make(email="o@example.com", role="learner")
    client.force_login(other)
    response = client.post(f"/p/forum/t/{thread.pk}/reply/", {"body": "Late reply"})
    assert response.status_code == 400 and "locked" in response.content.decode()
    services.thread_moderate(moderator=moderator, thread=thread, action="hide", reason="Off topic")
    assert client.get(f"/p/forum/t/{thread.pk}-{thread.slug}/").status_code == 404
    client.force_login(veteran)
    page = client.get(f"/p/forum/t/{thread.pk}-{thread.slug}/").content.decode()
    assert "A moderator hid this thread" in page  # its author still sees it, with the note


def test_a_hidden_post_is_invisible_to_others_and_shown_to_its_author_with_a_note(client, boards, veteran, moderator):
    thread = _thread(veteran, boards["general"], title="Favourite study habits?")
    writer = user_make(email="w@example.com", role="learner")
    post = services.reply_post(user=writer, thread=thread, body="Buy cheap pills at example.com")
    services.post_moderate(moderator=moderator, post=post, action="hide", reason="Advertising")
    url = f"/p/forum/t/{thread.pk}-{thread.slug}/"
    client.force_login(veteran)
    assert "cheap pills" not in client.get(url).content.decode()
    client.force_login(writer)
    page = client.get(url).content.decode()
    assert "cheap pills" in page and "Hidden by a moderator: Advertising" in page
    thread.refresh_from_db()
    assert thread.post_count == 1  # the board counts what people see


def test_only_moderators_moderate_and_every_action_is_logged_with_its_reason(client, boards, veteran, moderator):
    thread = _thread(veteran, boards["data"])
    client.force_login(veteran)
    assert client.post(f"/p/forum/t/{thread.pk}/moderate/", {"action": "pin", "reason": "x"}).status_code == 403
    with pytest.raises(PermissionError):
        services.thread_moderate(moderator=veteran, thread=thread, action="pin", reason="mine")
    client.force_login(moderator)
    client.post(f"/p/forum/t/{thread.pk}/moderate/", {"action": "pin", "reason": "Useful for everyone"})
    client.post(f"/p/forum/t/{thread.pk}/moderate/", {"action": "move", "reason": "Wrong board", "board": "general"})
    response = client.post(f"/p/forum/t/{thread.pk}/moderate/", {"action": "lock", "reason": ""})
    thread.refresh_from_db()
    assert (thread.is_pinned, thread.board.slug, thread.is_locked) == (True, "general", False)
    assert response.status_code == 302  # no reason, nothing done: the page says why
    log = list(ModerationAction.objects.order_by("pk").values_list("moderator", "action", "reason"))
    assert log == [(moderator.pk, "pin", "Useful for everyone"), (moderator.pk, "move", "Wrong board")]


def test_the_asker_marks_one_reply_as_the_answer(client, boards, veteran):
    thread = _thread(veteran, boards["programming"])
    helper = user_make(email="h@example.com", name="Hari Mentor", role="mentor")
    reply = services.reply_post(user=helper, thread=thread, body="Read it from the bottom up.")
    with pytest.raises(services.ForumError, match="Only the person who asked"):
        services.answer_mark(user=helper, post=reply)
    opening = thread.posts.first()
    with pytest.raises(services.ForumError, match="Mark a reply"):
        services.answer_mark(user=veteran, post=opening)
    client.force_login(veteran)
    client.post(f"/p/forum/post/{reply.pk}/answer/")
    thread.refresh_from_db()
    assert thread.answer_id == reply.pk
    page = client.get(f"/p/forum/t/{thread.pk}-{thread.slug}/").content.decode()
    answer = page.split(f'id="post-{reply.pk}"')[1].split("</li>")[0]
    assert "is-answer" in page and "Answer</span>" in answer and "Mentor</span>" in answer
    assert "Answered" in client.get("/p/forum/programming/").content.decode()
    client.post(f"/p/forum/post/{reply.pk}/answer/")  # again: unmarked
    thread.refresh_from_db()
    assert thread.answer_id is None


def test_editing_is_for_the_author_within_thirty_minutes(client, boards, veteran):
    thread = _thread(veteran, boards["business"], title="Pricing a first freelance job")
    post = thread.posts.first()
    client.force_login(veteran)
    client.post(f"/p/forum/post/{post.pk}/edit/", {"body": "Now with **details**"})
    post.refresh_from_db()
    assert post.html == "<p>Now with <strong>details</strong></p>\n" and post.edited_at is not None
    other = user_make(email="o@example.com", role="learner")
    client.force_login(other)
    assert client.get(f"/p/forum/post/{post.pk}/edit/").status_code == 302
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    post.refresh_from_db()
    with pytest.raises(services.ForumError, match="30 minutes"):
        services.post_edit(user=veteran, post=post, body="Too late")


def test_flags_are_once_per_person_and_resolved_when_a_moderator_acts(client, boards, veteran, moderator):
    thread = _thread(veteran, boards["marketing"], title="Growing a newsletter from zero")
    reader = user_make(email="r@example.com", role="learner")
    client.force_login(reader)
    post = thread.posts.first()
    assert client.post(f"/p/forum/post/{post.pk}/flag/", {"reason": "bogus"}).status_code == 400
    client.post(f"/p/forum/post/{post.pk}/flag/", {"reason": "spam", "note": "link farm"})
    client.post(f"/p/forum/post/{post.pk}/flag/", {"reason": "abuse"})
    assert list(Flag.objects.values_list("reason", "resolved_at")) == [("abuse", None)]
    with pytest.raises(services.ForumError, match="your own post"):
        services.flag_post(user=veteran, post=post, reason="spam")
    services.post_moderate(moderator=moderator, post=post, action="hide", reason="Spam")
    assert Flag.objects.get().resolved_by == moderator


def test_new_accounts_are_limited_and_their_links_are_nofollow(boards):
    newcomer = user_make(email="n@example.com", role="learner")
    threads = [
        _thread(newcomer, boards["general"], title=f"Question number {index}", body="[docs](https://docs.example)")
        for index in range(services.NEW_THREADS_PER_DAY)
    ]
    assert 'rel="nofollow ugc noopener noreferrer"' in threads[0].posts.first().html
    with pytest.raises(services.ForumError, match="3 threads a day"):
        _thread(newcomer, boards["general"], title="One question too many")
    for _ in range(services.NEW_REPLIES_PER_DAY - services.NEW_THREADS_PER_DAY):
        services.reply_post(user=newcomer, thread=threads[0], body="more")
    with pytest.raises(services.ForumError, match="20 replies a day"):
        services.reply_post(user=newcomer, thread=threads[0], body="more")
    type(newcomer).objects.filter(pk=newcomer.pk).update(date_joined=timezone.now() - timedelta(days=8))
    newcomer.refresh_from_db()
    post = services.reply_post(user=newcomer, thread=threads[0], body="[docs](https://docs.example)")
    assert 'rel="ugc noopener noreferrer"' in post.html


def test_hostile_addresses_and_posts_never_500(client, boards, veteran):
    thread = _thread(veteran, boards["data"])
    client.force_login(veteran)
    for url in (
        f"/p/forum/t/{2**63}-x/",
        f"/p/forum/post/{2**70}/edit/",
        "/p/forum/no-such-board/",
        "/p/forum/data/?page=9999",
        "/p/forum/data/?page=-1",
        f"/p/forum/t/{thread.pk}-{thread.slug}/?page=abc",
    ):
        assert client.get(url).status_code in (200, 301, 302, 404), url
    for body in ({"body": "\x00" * 10}, {"body": ["a", "b"]}, {}, {"body": "x" * 30_000}):
        assert client.post(f"/p/forum/t/{thread.pk}/reply/", body).status_code == 400
    assert client.post("/p/forum/data/new/", {"title": "\x00" * 20, "body": "x"}).status_code == 400


def test_a_forum_without_boards_gets_the_starter_boards_after_migrate_and_staff_changes_stay():
    from django.core.management.sql import emit_post_migrate_signal

    Board.objects.all().delete()  # a fresh database, or one a test emptied
    Group.objects.filter(name=services.MODERATORS).delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what every migrate ends with
    assert {"programming", "general"} <= set(Board.objects.values_list("slug", flat=True))
    assert Group.objects.filter(name=services.MODERATORS).exists()

    Board.objects.exclude(slug="general").delete()  # staff arranged the boards their way
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert list(Board.objects.values_list("slug", flat=True)) == ["general"]


def test_board_slugs_may_not_be_the_forums_own_words():
    board = Board(name="Threads", slug="t")
    with pytest.raises(Exception, match="addresses use"):
        board.full_clean()


@pytest.mark.parametrize("path", ["/p/forum/", "/p/forum/data/", "thread"])
def test_query_counts_stay_flat_as_threads_and_posts_grow(client, boards, veteran, path):
    client.force_login(veteran)

    def grow(count):
        for index in range(count):
            thread = _thread(
                veteran, boards["data"], title=f"Data question number {index} {timezone.now().timestamp()}"
            )
            services.reply_post(user=veteran, thread=thread, body="A reply")
        return thread

    def visit(thread):
        url = f"/p/forum/t/{first.pk}-{first.slug}/" if path == "thread" else path
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = grow(2)
    few = visit(first)
    for _ in range(15):
        services.reply_post(user=veteran, thread=first, body="Another reply")
    grow(15)
    assert visit(first) <= few


def test_the_moderation_queue_in_the_admin_hides_flagged_posts_through_the_logged_service(
    client, boards, veteran, staff
):
    thread = _thread(veteran, boards["general"], title="Where do I find study partners?")
    spam = services.reply_post(user=user_make(email="s@example.com", role="learner"), thread=thread, body="Buy now")
    flag = services.flag_post(user=veteran, post=spam, reason="spam")
    force_login_verified(client, staff)
    queue = client.get("/admin/forum/flag/?state=open")
    assert queue.status_code == 200 and "Buy now" in queue.content.decode()
    client.post("/admin/forum/flag/", {"action": "hide_posts", "_selected_action": [flag.pk]})
    spam.refresh_from_db()
    flag.refresh_from_db()
    assert spam.is_hidden and flag.resolved_by == staff
    assert ModerationAction.objects.get().reason == "Flagged: hidden in the admin"
    for page in ("/admin/forum/board/", "/admin/forum/thread/", "/admin/forum/post/", "/admin/forum/moderationaction/"):
        assert client.get(page).status_code == 200, page


# --- Following, notifications, search ---------------------------------------------------------


def _told(user):
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("kind", "title"))


def test_followers_hear_of_each_reply_once_and_mentions_instead(boards, veteran, django_capture_on_commit_callbacks):
    asha = user_make(email="asha@example.com", name="Asha Rao", role="learner")
    ravi = user_make(email="ravi@example.com", name="Ravi Iyer", role="mentor")
    reader = user_make(email="reader@example.com", name="Rina", role="learner")
    with django_capture_on_commit_callbacks(execute=True):
        thread = _thread(asha, boards["programming"])
    with django_capture_on_commit_callbacks(execute=True):  # each step commits, as each request would
        services.reply_post(user=ravi, thread=thread, body="Read it bottom up.")
    services.follow(user=reader, thread=thread)
    for user, body in ((asha, "Thanks @ravi, and @nobody."), (veteran, "Same here")):
        with django_capture_on_commit_callbacks(execute=True):
            services.reply_post(user=user, thread=thread, body=body)
    title = "How do I read a Django traceback?"
    assert _told(asha) == [
        ("forum.new_reply", f"Ravi replied in “{title}”"),
        ("forum.new_reply", f"Veer replied in “{title}”"),
    ]
    assert _told(ravi) == [
        ("forum.mention", f"Asha mentioned you in “{title}”"),  # not also "replied"
        ("forum.new_reply", f"Veer replied in “{title}”"),
    ]
    assert [kind for kind, _ in _told(reader)] == ["forum.new_reply", "forum.new_reply"]
    assert _told(veteran) == []  # their own reply tells them nothing
    assert Notification.objects.get(user=reader, title__startswith="Veer").url.endswith(
        f"#post-{thread.posts.last().pk}"
    )
    services.unfollow(user=reader, thread=thread)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_post(user=ravi, thread=thread, body="One more thing")
    assert len(_told(reader)) == 2

    # By email: the mention at once; replies wait for the next morning's digest, one email each.
    assert [message.to for message in mail.outbox] == [["ravi@example.com"]]
    tomorrow = (timezone.now() + timedelta(days=1)).replace(hour=3, minute=0)  # 08:30 in India
    assert digests_send(now=tomorrow) == 4
    digests = {message.to[0]: message for message in mail.outbox[1:]}
    assert set(digests) == {"asha@example.com", "ravi@example.com", "reader@example.com", veteran.email}
    assert "Ravi replied" in digests[veteran.email].body and "One more thing" in digests[veteran.email].body
    assert digests["reader@example.com"].subject.endswith("2 updates")
    assert f"Veer replied in “{title}”" in digests["reader@example.com"].body


def test_board_followers_hear_of_new_threads_and_staff_following_is_no_error(
    client, boards, veteran, staff, django_capture_on_commit_callbacks
):
    reader = user_make(email="reader@example.com", name="Rina", role="learner")
    client.force_login(reader)
    client.post("/p/forum/data/follow/", {"follow": "1"})
    services.follow(user=staff, board=boards["data"])
    with django_capture_on_commit_callbacks(execute=True):
        _thread(veteran, boards["data"], title="Which SQL joins should I learn first?")
        _thread(veteran, boards["design"], title="Figma auto layout questions")
    assert _told(reader) == [("forum.new_thread", "New in Data: Which SQL joins should I learn first?")]
    page = client.get("/p/forum/data/").content.decode()
    assert 'aria-pressed="true"' in page and "Following" in page
    client.post("/p/forum/data/follow/", {"follow": "0"})
    assert not services.is_following(user=reader, board=boards["data"])


def test_an_open_thread_listens_for_new_replies_when_its_reader_follows_it(client, boards, veteran):
    thread = _thread(veteran, boards["data"])
    client.force_login(veteran)  # the asker follows their thread
    page = client.get(services.thread_path(thread)).content.decode()
    assert 'id="forum-posts" data-live-refresh="forum.new_reply forum.mention"' in page and "dashboards.js" in page
    client.force_login(user_make(email="x@example.com", role="learner"))
    assert "data-live-refresh" not in client.get(services.thread_path(thread)).content.decode()


@pytest.mark.parametrize("full_text", [pytest.param(True, marks=pytest.mark.services), False])
def test_search_finds_titles_and_posts_never_hidden_ones(request, client, boards, veteran, moderator, full_text):
    if full_text:
        request.getfixturevalue("postgres_database")  # PostgreSQL's full-text search; skipped (or failed) elsewhere
    first = _thread(veteran, boards["programming"], title="Reading tracebacks in Django", body="Start at the bottom.")
    second = _thread(veteran, boards["data"], title="Pandas groupby is slow", body="Use a traceback? No: use agg.")
    hidden = _thread(veteran, boards["data"], title="Traceback spam thread", body="spam")
    services.thread_moderate(moderator=moderator, thread=hidden, action="hide", reason="Spam")
    word = "tracebacks" if full_text else "traceback"  # full text also finds other forms of a word
    found = [post.thread_id for post in selectors.matching_posts(word, full_text=full_text)]
    assert set(found) == {first.pk, second.pk}
    if full_text:
        assert found[0] == first.pk  # the title weighs more than a post
    assert list(selectors.matching_posts("pandas groupby", full_text=full_text).values_list("thread", flat=True)) == [
        second.pk
    ]
    page = client.get("/p/forum/search/?q=traceback").content.decode()
    assert "Reading tracebacks in Django" in page and "Traceback spam thread" not in page
    assert client.get("/p/forum/search/?q=%00%00").status_code == 200


@pytest.mark.services
def test_full_text_search_reads_the_gin_index_and_follows_edits(postgres_database, boards, veteran):
    thread = _thread(veteran, boards["programming"], title="Celery retries", body="My task never retries.")
    reply = services.reply_post(user=veteran, thread=thread, body="Set autoretry_for on the task.")
    assert list(selectors.matching_posts("autoretry_for", full_text=True)) == [reply]
    assert selectors.matching_posts("celery", full_text=True).count() == 2  # the title is in every post's document

    services.post_edit(user=veteran, post=reply, body="Use acks_late and a retry backoff.")
    assert not selectors.matching_posts("autoretry_for", full_text=True).exists()
    assert list(selectors.matching_posts("backoff", full_text=True)) == [reply]

    with connection.cursor() as cursor:  # the planner can use the index (a tiny table scans otherwise)
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = selectors.matching_posts("retries", full_text=True).explain()
    assert "forum_post_search_gin" in plan


def test_a_mentors_reply_links_to_their_next_sessions_open_for_booking(client, boards, veteran):
    helper = approved_mentor(email="hari@example.com", name="Hari Mentor")
    soon = session_make(mentor=helper, title="Debugging Django, live", hours_from_now=30)
    session_make(mentor=helper, title="Django testing", hours_from_now=54)
    session_make(mentor=helper, title="Django deployment", hours_from_now=80)  # a third: not shown
    thread = _thread(veteran, boards["programming"])
    reply = services.reply_post(user=helper, thread=thread, body="Read it from the bottom.")
    page = client.get(services.thread_path(thread)).content.decode()
    box = page.split(f'id="post-{reply.pk}"')[1].split("</li>\n    \n")[0]
    assert "Learn with Hari" in box and f'href="/sessions/{soon.pk}/"' in box
    assert "Django testing" in box and "Django deployment" not in box
    assert "Learn with" not in page.split(f'id="post-{reply.pk}"')[0]  # the learner's post has none
    profile = f"/mentors/{helper.pk}-hari-mentor/"
    assert f'<strong><a href="{profile}">Hari</a></strong>' in box  # the name links to who they are
    assert client.get(profile).status_code == 200

    unapproved = user_make(email="new@example.com", name="Nia New", role="mentor")  # no public page yet
    late = services.reply_post(user=unapproved, thread=thread, body="Same question here.")
    box = client.get(services.thread_path(thread)).content.decode().split(f'id="post-{late.pk}"')[1]
    assert "<strong>Nia</strong>" in box.split("</header>")[0] and "/mentors/" not in box.split("</li>")[0]
