"""What the forum's pages read. Each function is a fixed number of queries, however many boards,
threads or posts there are (the tests count them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery

from core import plugin_api
from plugins.forum import markdown
from plugins.forum.models import Board, Flag, Post, Thread
from plugins.forum.services import can_edit, is_moderator

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 20
SEARCH_PER_PAGE = 20
SEARCH_POSTS = 400  # best-matching posts read for one search, grouped into their threads


@dataclass(frozen=True)
class BoardRow:
    board: Board
    thread_count: int
    latest: Thread | None  # the thread posted in last


def _visible_threads(viewer):
    """Threads ``viewer`` may see: all but hidden ones; their own hidden ones too (with a note);
    moderators see everything."""
    threads = Thread.objects.all()
    if is_moderator(viewer):
        return threads
    if getattr(viewer, "is_authenticated", False):
        return threads.filter(Q(is_hidden=False) | Q(author__user=viewer))
    return threads.filter(is_hidden=False)


def boards_overview() -> list[BoardRow]:
    """The open boards, each with its count of visible threads and the one posted in last (two queries)."""
    latest = Thread.objects.filter(board=OuterRef("pk"), is_hidden=False).order_by("-last_posted_at", "-pk")
    boards = list(
        Board.objects.filter(is_active=True)
        .annotate(
            thread_count=Count("threads", filter=Q(threads__is_hidden=False)),
            latest_id=Subquery(latest.values("pk")[:1]),
        )
        .order_by("position", "name")  # an aggregate query ignores Meta.ordering
    )
    threads = Thread.objects.select_related("author").in_bulk([board.latest_id for board in boards if board.latest_id])
    return [BoardRow(board, board.thread_count, threads.get(board.latest_id)) for board in boards]


def board_get(*, slug: str) -> Board | None:
    return Board.objects.filter(slug=slug, is_active=True).first()


def threads_page(*, board: Board, viewer, page) -> Page:
    """``board``'s threads, pinned first, then by latest post (two queries: the page and its count)."""
    threads = _visible_threads(viewer).filter(board=board).select_related("author", "author__user")
    return Paginator(threads.order_by("-is_pinned", "-last_posted_at", "-pk"), THREADS_PER_PAGE).get_page(page)


def thread_get(*, pk: int, viewer) -> Thread | None:
    """Thread ``pk`` if ``viewer`` may see it (one query)."""
    if not 0 < pk < 2**63:
        return None
    return _visible_threads(viewer).select_related("board", "author", "author__user").filter(pk=pk).first()


@dataclass(frozen=True)
class PostRow:
    post: Post
    is_opening: bool
    is_answer: bool
    is_mentor: bool  # the author is a mentor: their replies carry the label
    can_edit: bool
    next_sessions: tuple = ()  # a mentor's soonest sessions open for booking (SessionCards)
    profile_url: str = ""  # a mentor's public page ("" for learners, and mentors without one)


def posts_page(*, thread: Thread, viewer, page) -> tuple[Page, list[PostRow]]:
    """``thread``'s posts in order, those ``viewer`` may see (a hidden one only to its author and
    moderators), as rows with each mentor's public page and next sessions (four queries: the
    page, its count, and the mentors' pages and sessions when a mentor posted on the page)."""
    posts = thread.posts.select_related("author", "author__user")
    if not is_moderator(viewer):
        own = Q(author__user=viewer) if getattr(viewer, "is_authenticated", False) else Q(pk__in=[])
        posts = posts.filter(Q(is_hidden=False) | own)
    found = Paginator(posts.order_by("created_at", "pk"), POSTS_PER_PAGE).get_page(page)
    opening_id = (
        thread.posts.order_by("created_at", "pk").values_list("pk", flat=True).first() if found.number > 1 else None
    )
    mentors = {post.author.user_id for post in found.object_list if getattr(post.author.user, "role", "") == "mentor"}
    sessions = plugin_api.mentor_sessions_bookable(mentor_ids=mentors, per_mentor=2) if mentors else {}
    pages = plugin_api.mentor_pages(mentor_ids=mentors) if mentors else {}
    rows = []
    for index, post in enumerate(found.object_list):
        is_opening = post.pk == opening_id if opening_id is not None else (found.number == 1 and index == 0)
        rows.append(
            PostRow(
                post=post,
                is_opening=is_opening,
                is_answer=post.pk == thread.answer_id,
                is_mentor=getattr(post.author.user, "role", "") == "mentor",
                can_edit=can_edit(user=viewer, post=post),
                next_sessions=tuple(sessions.get(post.author.user_id, ())),
                profile_url=pages.get(post.author.user_id, ""),
            )
        )
    return found, rows


def post_get(*, pk: int, viewer) -> Post | None:
    """Post ``pk`` if ``viewer`` may see it and its thread (one query)."""
    if not 0 < pk < 2**63:
        return None
    post = Post.objects.select_related("thread", "thread__board", "thread__author", "author").filter(pk=pk).first()
    if post is None:
        return None
    if is_moderator(viewer):
        return post
    mine = getattr(viewer, "is_authenticated", False) and post.author.user_id == viewer.pk
    if post.is_hidden and not mine:
        return None
    if post.thread.is_hidden and not (
        getattr(viewer, "is_authenticated", False) and post.thread.author.user_id == viewer.pk
    ):
        return None
    return post


def boards_other(*, board: Board) -> list[Board]:
    """The open boards a moderator can move a thread of ``board`` to."""
    return list(Board.objects.filter(is_active=True).exclude(pk=board.pk))


@dataclass(frozen=True)
class SearchHit:
    thread: Thread
    post: Post  # the best-matching post of the thread
    excerpt: str


def matching_posts(query: str, *, full_text: bool | None = None):
    """Visible posts of visible threads matching ``query``, best first. PostgreSQL: full-text
    search in English (stemmed: "tracebacks" finds "traceback") over the thread's title (weighted
    above) and the post, with web-search syntax ("django -flask", quoted phrases). Elsewhere
    (SQLite, the embedded set-up; ``full_text=False``): every word in the title or the post,
    newest first."""
    posts = Post.objects.filter(is_hidden=False, thread__is_hidden=False, thread__board__is_active=True)
    if full_text is None:
        full_text = connection.vendor == "postgresql"
    if full_text:  # the stored document (services.search_index), read through its GIN index
        wanted = SearchQuery(query, search_type="websearch", config="english")
        return (
            posts.filter(search=wanted).annotate(rank=SearchRank(F("search"), wanted)).order_by("-rank", "-created_at")
        )
    for word in query.split()[:10]:
        posts = posts.filter(Q(thread__title__icontains=word) | Q(body__icontains=word))
    return posts.order_by("-created_at")


def search_hits(*, query: str, viewer) -> list[SearchHit]:
    """Threads matching ``query``, best first, each with its best-matching post (one query)."""
    hits: dict[int, SearchHit] = {}
    found = matching_posts(query).select_related("thread", "thread__board", "author")[:SEARCH_POSTS]
    for post in found:
        if post.thread_id not in hits:
            hits[post.thread_id] = SearchHit(post.thread, post, markdown.excerpt(post.body, length=200))
    return list(hits.values())


def search_page(*, query: str, viewer, page) -> Page:
    """One page of ``search_hits``, as the search page shows them."""
    return Paginator(search_hits(query=query, viewer=viewer), SEARCH_PER_PAGE).get_page(page)


def flags_open_count() -> int:
    """Flags no moderator has dealt with yet (the admin's home shows them)."""
    return Flag.objects.filter(resolved_at__isnull=True).count()


# --- For the public API: querysets its cursor pages read, and the rows of one page -------------


def threads_queryset(*, board: Board, viewer, pinned: bool | None = None):
    """``board``'s threads ``viewer`` may see, with their authors (``pinned``: only those, or none)."""
    threads = _visible_threads(viewer).filter(board=board).select_related("author")
    return threads if pinned is None else threads.filter(is_pinned=pinned)


def posts_queryset(*, thread: Thread, viewer):
    """``thread``'s posts ``viewer`` may see (a hidden one only to its author and moderators)."""
    posts = thread.posts.select_related("author", "author__user")
    if not is_moderator(viewer):
        own = Q(author__user=viewer) if getattr(viewer, "is_authenticated", False) else Q(pk__in=[])
        posts = posts.filter(Q(is_hidden=False) | own)
    return posts


def post_rows(*, thread: Thread, viewer, posts) -> list[PostRow]:
    """Rows of ``posts`` (a page of ``posts_queryset``), as ``posts_page`` makes them: one query
    for the opening post, and the mentors' pages and sessions when a mentor posted on the page."""
    opening_id = thread.posts.order_by("created_at", "pk").values_list("pk", flat=True).first()
    mentors = {post.author.user_id for post in posts if getattr(post.author.user, "role", "") == "mentor"}
    sessions = plugin_api.mentor_sessions_bookable(mentor_ids=mentors, per_mentor=2) if mentors else {}
    pages = plugin_api.mentor_pages(mentor_ids=mentors) if mentors else {}
    return [
        PostRow(
            post=post,
            is_opening=post.pk == opening_id,
            is_answer=post.pk == thread.answer_id,
            is_mentor=getattr(post.author.user, "role", "") == "mentor",
            can_edit=can_edit(user=viewer, post=post),
            next_sessions=tuple(sessions.get(post.author.user_id, ())),
            profile_url=pages.get(post.author.user_id, ""),
        )
        for post in posts
    ]
