"""What people do in the forum: start threads, reply, edit, accept an answer, flag; and what
moderators do: hide, lock, pin, move. Every write goes through here, and keeps the counts a
board's page reads (``Thread.post_count``, ``last_posted_at``) right in the same transaction.

Errors people can fix come back as ``ForumError`` with a sentence to show them.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.auth.models import Group
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core import plugin_api
from plugins.forum import markdown
from plugins.forum.models import Board, Flag, FlagReason, Member, ModerationAction, Post, Subscription, Thread
from plugins.forum.starter import boards_create

MODERATORS = "Forum moderators"  # the group whose members moderate (staff always may)
NEW_ACCOUNT_DAYS = 7
NEW_THREADS_PER_DAY = 3  # what an account in its first week may post in 24 hours
NEW_REPLIES_PER_DAY = 20
EDIT_MINUTES = 30
TITLE_MIN, TITLE_MAX = 8, 150
BODY_MIN, BODY_MAX = 2, 20_000
REASON_MAX = 300
NEW_REPLY, NEW_THREAD, MENTION = "new_reply", "new_thread", "mention"  # notification kinds (hooks)
NOTIFIED_ROLES = ("learner", "mentor")  # the roles a plugin's notification kinds are for
AT_NAME = re.compile(r"(?<![\w@])@([\w.-]{2,40})")


class ForumError(ValueError):
    """Something a person asked for that the forum refuses, with the sentence that says why."""


# --- People ---------------------------------------------------------------------------------


def member_join(*, user) -> Member:
    """Give a person their forum identity (idempotent)."""
    member, _ = Member.objects.get_or_create(user=user, defaults={"display_name": user.get_short_name()[:100]})
    return member


ERASED_MEMBER = "Erased member"
ERASED_POST = "*(Erased at the author's request.)*"


@transaction.atomic
def member_erase(*, user) -> int:
    """Core erased this person (DPDP): their forum name and what they wrote go; threads keep
    their shape (the posts stay, erased, so replies still make sense). Returns how many posts."""
    member = Member.objects.filter(user=user).first()
    if member is None:
        return 0
    Member.objects.filter(pk=member.pk).update(display_name=ERASED_MEMBER)
    posts = list(Post.objects.filter(author=member).values_list("pk", flat=True))
    Post.objects.filter(pk__in=posts).update(body=ERASED_POST, html=markdown.render(ERASED_POST, nofollow=True))
    search_index(post_ids=posts)
    return len(posts)


def is_new_account(user) -> bool:
    """An account in its first week: limited in what it posts, and its links are nofollow."""
    joined = getattr(user, "date_joined", None)
    return joined is None or joined > timezone.now() - timedelta(days=NEW_ACCOUNT_DAYS)


def is_moderator(user) -> bool:
    """Staff, or a member of the Forum moderators group (asked once per request's user)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not hasattr(user, "_forum_moderator"):
        user._forum_moderator = user.is_staff or user.groups.filter(name=MODERATORS).exists()
    return user._forum_moderator


def moderators_group() -> Group:
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    return group


# --- Boards ---------------------------------------------------------------------------------


def boards_seed() -> list[Board]:
    """The starter boards, made where missing (the migration made them; tests that empty the
    tables call this again). Idempotent."""
    boards_create(Board)
    return list(Board.objects.all())


def thread_path(thread: Thread, *, page: int = 1, anchor: str = "") -> str:
    """The thread's one address (its slug in it), at ``page``, at ``anchor``."""
    url = reverse("forum:thread", args=[thread.pk, thread.slug or "thread"])
    return url + (f"?page={page}" if page > 1 else "") + (f"#{anchor}" if anchor else "")


# --- Following and telling --------------------------------------------------------------------


def follow(*, user, thread: Thread | None = None, board: Board | None = None) -> Subscription:
    """``user`` follows ``thread`` (its replies) or ``board`` (its new threads). Idempotent."""
    member = member_join(user=user)
    subscription, _ = Subscription.objects.get_or_create(member=member, thread=thread, board=board)
    return subscription


def unfollow(*, user, thread: Thread | None = None, board: Board | None = None) -> bool:
    """Stop following; returns whether anything was followed."""
    deleted, _ = Subscription.objects.filter(member__user=user, thread=thread, board=board).delete()
    return bool(deleted)


def is_following(*, user, thread: Thread | None = None, board: Board | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Subscription.objects.filter(member__user=user, thread=thread, board=board).exists()


def _tell(members, *, kind: str, title: str, body: str, url: str) -> int:
    """Notify each of ``members`` (through core: their settings decide in-app and email)."""
    told = 0
    for member in members:
        if getattr(member.user, "role", "") in NOTIFIED_ROLES and member.user.is_active:
            told += bool(plugin_api.notify(user=member.user, kind=kind, title=title, body=body, url=url))
    return told


def mentioned_in(*, thread: Thread, body: str) -> list[Member]:
    """The people ``body`` mentions (@Asha) among those taking part in ``thread`` (its author and
    repliers), matched by their forum name in any case."""
    names = {name.casefold() for name in AT_NAME.findall(body)}
    if not names:
        return []
    taking_part = Member.objects.filter(Q(pk=thread.author_id) | Q(posts__thread=thread, posts__is_hidden=False))
    return [
        member for member in taking_part.select_related("user").distinct() if member.display_name.casefold() in names
    ]


def _after_reply(post: Post) -> None:
    """Tell who follows the thread about a new reply, and who it mentions; once each, never its writer."""
    thread, writer = post.thread, post.author
    url = thread_path(thread, anchor=f"post-{post.pk}")
    excerpt = markdown.excerpt(post.body, length=140)
    mentioned = [member for member in mentioned_in(thread=thread, body=post.body) if member.pk != writer.pk]
    _tell(
        mentioned, kind=MENTION, title=f"{writer.display_name} mentioned you in “{thread.title}”", body=excerpt, url=url
    )
    followers = (
        Member.objects.filter(subscriptions__thread=thread)
        .exclude(pk__in=[writer.pk, *(member.pk for member in mentioned)])
        .select_related("user")
    )
    _tell(followers, kind=NEW_REPLY, title=f"{writer.display_name} replied in “{thread.title}”", body=excerpt, url=url)


def _after_thread(thread: Thread, post: Post) -> None:
    """Tell who follows the board about a new thread (never its writer)."""
    followers = (
        Member.objects.filter(subscriptions__board=thread.board_id).exclude(pk=thread.author_id).select_related("user")
    )
    _tell(
        followers,
        kind=NEW_THREAD,
        title=f"New in {thread.board.name}: {thread.title}",
        body=markdown.excerpt(post.body, length=140),
        url=thread_path(thread),
    )


# --- Writing --------------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = " ".join(str(title).replace("\x00", "").split())
    if len(title) < TITLE_MIN:
        raise ForumError(f"Give your thread a title of at least {TITLE_MIN} characters, so people know what it asks.")
    if len(title) > TITLE_MAX:
        raise ForumError(f"Keep the title under {TITLE_MAX} characters; the details go in the post.")
    return title


def _clean_body(body: str) -> str:
    body = str(body).replace("\x00", "").strip()
    if len(body) < BODY_MIN:
        raise ForumError("Write something first.")
    if len(body) > BODY_MAX:
        raise ForumError(f"A post can be up to {BODY_MAX:,} characters; split it in two.")
    return body


def _rate_limit(*, user, member: Member, opening: bool) -> None:
    if not is_new_account(user) or is_moderator(user):
        return
    since = timezone.now() - timedelta(days=1)
    if opening:
        made = Thread.objects.filter(author=member, created_at__gte=since).count()
        if made >= NEW_THREADS_PER_DAY:
            raise ForumError(
                f"New accounts can start {NEW_THREADS_PER_DAY} threads a day in their first week. "
                "Reply to a thread instead, or try again tomorrow."
            )
    else:
        made = Post.objects.filter(author=member, created_at__gte=since).count()
        if made >= NEW_REPLIES_PER_DAY:
            raise ForumError(
                f"New accounts can post {NEW_REPLIES_PER_DAY} replies a day in their first week. Try again tomorrow."
            )


def thread_start(*, user, board: Board, title: str, body: str) -> Thread:
    """Start a thread on ``board``: its title and its opening post."""
    if not board.is_active:
        raise ForumError("This board is closed to new threads.")
    title, body = _clean_title(title), _clean_body(body)
    member = member_join(user=user)
    with transaction.atomic():
        _rate_limit(user=user, member=member, opening=True)
        now = timezone.now()
        thread = Thread.objects.create(
            board=board,
            author=member,
            title=title,
            slug=slugify(title)[:80] or "thread",
            last_posted_at=now,
            post_count=1,
        )
        post = Post.objects.create(
            thread=thread, author=member, body=body, html=markdown.render(body, nofollow=is_new_account(user))
        )
        search_index(post_ids=[post.pk])
        Subscription.objects.get_or_create(member=member, thread=thread)  # the asker hears of replies
        transaction.on_commit(lambda: _after_thread(thread, post))
    return thread


def reply_post(*, user, thread: Thread, body: str) -> Post:
    """Reply to ``thread`` (not to a locked or hidden one)."""
    body = _clean_body(body)
    member = member_join(user=user)
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        if locked.is_hidden and not is_moderator(user):
            raise ForumError("This thread was removed by a moderator.")
        if locked.is_locked and not is_moderator(user):
            raise ForumError("This thread is locked: it takes no new replies.")
        _rate_limit(user=user, member=member, opening=False)
        post = Post.objects.create(
            thread=locked, author=member, body=body, html=markdown.render(body, nofollow=is_new_account(user))
        )
        Thread.objects.filter(pk=locked.pk).update(post_count=F("post_count") + 1, last_posted_at=post.created_at)
        search_index(post_ids=[post.pk])
        Subscription.objects.get_or_create(member=member, thread=locked)  # who replies hears of the next ones
        transaction.on_commit(lambda: _after_reply(post))
    return post


def can_edit(*, user, post: Post) -> bool:
    """Its author, within ``EDIT_MINUTES`` of posting, while the post is visible."""
    if not getattr(user, "is_authenticated", False) or post.is_hidden:
        return False
    return post.author.user_id == user.pk and timezone.now() - post.created_at <= timedelta(minutes=EDIT_MINUTES)


def post_edit(*, user, post: Post, body: str) -> Post:
    if not can_edit(user=user, post=post):
        raise ForumError(f"Posts can be edited by their author for {EDIT_MINUTES} minutes after posting.")
    body = _clean_body(body)
    post.body, post.html, post.edited_at = body, markdown.render(body, nofollow=is_new_account(user)), timezone.now()
    post.save(update_fields=["body", "html", "edited_at"])
    search_index(post_ids=[post.pk])
    return post


def search_index(*, post_ids=None) -> int:
    """Write the search document of posts ``post_ids`` (all posts when None): on PostgreSQL the
    thread's title (weight A) and the post (weight B) in English; nothing elsewhere. Returns how
    many posts were written."""
    if connection.vendor != "postgresql":
        return 0
    posts = Post.objects.all() if post_ids is None else Post.objects.filter(pk__in=post_ids)
    title = Subquery(Thread.objects.filter(pk=OuterRef("thread_id")).values("title")[:1])
    document = SearchVector(title, weight="A", config="english") + SearchVector("body", weight="B", config="english")
    return posts.update(search=document)


def answer_mark(*, user, post: Post) -> Thread:
    """The thread's author marks ``post`` (a reply, not their own opening post) as the answer;
    marking it again unmarks it."""
    thread = post.thread
    if thread.author.user_id != user.pk:
        raise ForumError("Only the person who asked can mark the answer.")
    if post.is_hidden or thread.posts.order_by("created_at", "pk").values_list("pk", flat=True).first() == post.pk:
        raise ForumError("Mark a reply as the answer.")
    thread.answer = None if thread.answer_id == post.pk else post
    thread.save(update_fields=["answer"])
    return thread


def flag_post(*, user, post: Post, reason: str, note: str = "") -> Flag:
    """Ask the moderators to look at ``post`` (once per person; flagging again changes the reason)."""
    if reason not in FlagReason.values:
        raise ForumError("Choose why this post should be looked at.")
    member = member_join(user=user)
    if post.author_id == member.pk:
        raise ForumError("That is your own post: edit it instead.")
    note = " ".join(str(note).replace("\x00", "").split())[:REASON_MAX]
    flag, _ = Flag.objects.update_or_create(post=post, by=member, defaults={"reason": reason, "note": note})
    return flag


# --- Moderation -------------------------------------------------------------------------------

THREAD_ACTIONS = ("pin", "unpin", "lock", "unlock", "hide", "unhide", "move")
POST_ACTIONS = ("hide", "unhide")


def _moderator_check(moderator, reason: str) -> str:
    if not is_moderator(moderator):
        raise PermissionError("Only moderators can do that.")
    reason = " ".join(str(reason).replace("\x00", "").split())[:REASON_MAX]
    if not reason:
        raise ForumError("Say why: the reason goes in the moderation log.")
    return reason


def thread_moderate(*, moderator, thread: Thread, action: str, reason: str, board: Board | None = None) -> Thread:
    """Pin, unpin, lock, unlock, hide, unhide or move (to ``board``) a thread; logged with the reason."""
    reason = _moderator_check(moderator, reason)
    if action not in THREAD_ACTIONS:
        raise ForumError("Unknown moderation action.")
    changes = {
        "pin": {"is_pinned": True},
        "unpin": {"is_pinned": False},
        "lock": {"is_locked": True},
        "unlock": {"is_locked": False},
        "hide": {"is_hidden": True},
        "unhide": {"is_hidden": False},
    }.get(action)
    if action == "move":
        if board is None or board.pk == thread.board_id:
            raise ForumError("Choose another board to move the thread to.")
        changes = {"board": board}
    with transaction.atomic():
        for field, value in changes.items():
            setattr(thread, field, value)
        thread.save(update_fields=list(changes))
        ModerationAction.objects.create(moderator=moderator, action=action, thread=thread, reason=reason)
        if action == "hide":  # the whole thread is gone: its posts' flags are dealt with
            Flag.objects.filter(post__thread=thread, resolved_at__isnull=True).update(
                resolved_at=timezone.now(), resolved_by=moderator
            )
    return thread


def post_moderate(*, moderator, post: Post, action: str, reason: str) -> Post:
    """Hide or show a post again; its flags are resolved; logged with the reason."""
    reason = _moderator_check(moderator, reason)
    if action not in POST_ACTIONS:
        raise ForumError("Unknown moderation action.")
    hide = action == "hide"
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.is_hidden != hide:
            post.is_hidden, post.hidden_reason = hide, reason if hide else ""
            post.save(update_fields=["is_hidden", "hidden_reason"])
            Thread.objects.filter(pk=post.thread_id).update(post_count=F("post_count") + (-1 if hide else 1))
            if hide:
                Thread.objects.filter(pk=post.thread_id, answer_id=post.pk).update(answer=None)
        ModerationAction.objects.create(
            moderator=moderator, action=action, post=post, thread=post.thread, reason=reason
        )
        post.flags.filter(resolved_at__isnull=True).update(resolved_at=timezone.now(), resolved_by=moderator)
    return post
