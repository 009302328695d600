"""The forum's endpoints in the public API, at ``/api/v1/p/forum/``. As on the web, reading is open
to everyone (boards, a board's threads, a thread with its posts, search) and writing needs an
account (start a thread, reply, follow a thread, flag a post). The rules are the web's:
``plugins.forum.services``; what may be seen, ``plugins.forum.selectors``."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.response import Response

from core import plugin_api
from plugins.forum import selectors, services
from plugins.forum.models import Board, FlagReason, Post, Thread

TAGS = ["forum"]
QUERY_MAX = 200


class ReadOpenWriteSignedIn:
    """Reading is for everyone, writing for the signed in (the web's rule)."""

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return [IsAuthenticated()]


# --- Shapes ------------------------------------------------------------------------------------


class ForumLatestThreadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    last_posted_at = plugin_api.ApiInstant(allow_null=True)


class ForumBoardSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    thread_count = serializers.IntegerField()
    latest_thread = ForumLatestThreadSerializer(allow_null=True, help_text="The thread posted in last.")


class ForumThreadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    board_slug = serializers.SlugField()
    title = serializers.CharField()
    author_name = serializers.CharField()
    created_at = plugin_api.ApiInstant()
    last_posted_at = plugin_api.ApiInstant(allow_null=True)
    post_count = serializers.IntegerField(help_text="Visible posts, the opening one included.")
    is_pinned = serializers.BooleanField()
    is_locked = serializers.BooleanField(help_text="Takes no new replies.")
    is_hidden = serializers.BooleanField(help_text="Removed by a moderator (shown to its author only).")
    is_answered = serializers.BooleanField()
    web_url = serializers.CharField(help_text="The thread's page on the site.")


class ForumSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = plugin_api.ApiInstant()


class ForumPostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author_name = serializers.CharField()
    is_mentor = serializers.BooleanField()
    is_opening = serializers.BooleanField()
    is_answer = serializers.BooleanField()
    body = serializers.CharField(help_text="The Markdown as written.")
    html = serializers.CharField(help_text="The Markdown rendered and sanitised.")
    created_at = plugin_api.ApiInstant()
    edited_at = plugin_api.ApiInstant(allow_null=True)
    is_hidden = serializers.BooleanField()
    can_edit = serializers.BooleanField()
    mentor_page = serializers.CharField(allow_blank=True, help_text="A mentor's public page.")
    next_sessions = ForumSessionSerializer(many=True, help_text="A mentor's soonest sessions open for booking.")


class ForumThreadPageSerializer(serializers.Serializer):
    thread = ForumThreadSerializer()
    following = serializers.BooleanField(help_text="You hear of its replies.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ForumPostSerializer(many=True, help_text="Its posts, oldest first.")


class ForumSearchHitSerializer(serializers.Serializer):
    thread_id = serializers.IntegerField()
    title = serializers.CharField()
    board_slug = serializers.SlugField()
    web_url = serializers.CharField()
    post_id = serializers.IntegerField(help_text="The thread's best-matching post.")
    excerpt = serializers.CharField()


class ForumSearchPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ForumSearchHitSerializer(many=True)


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


class ForumThreadStartSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX * 2)
    body = serializers.CharField(max_length=services.BODY_MAX, help_text="Markdown.")

    def validate_title(self, value: str) -> str:
        value = _one_line(value)
        if len(value) < services.TITLE_MIN:
            raise serializers.ValidationError(
                f"Give your thread a title of at least {services.TITLE_MIN} characters, so people know what it asks."
            )
        if len(value) > services.TITLE_MAX:
            raise serializers.ValidationError(f"Keep the title under {services.TITLE_MAX} characters.")
        return value


class ForumReplySerializer(serializers.Serializer):
    body = serializers.CharField(min_length=services.BODY_MIN, max_length=services.BODY_MAX, help_text="Markdown.")


class ForumFollowingSerializer(serializers.Serializer):
    following = serializers.BooleanField()


class ForumFlagSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=FlagReason.choices)
    note = serializers.CharField(max_length=services.REASON_MAX, required=False, allow_blank=True)


class ForumFlaggedSerializer(serializers.Serializer):
    post_id = serializers.IntegerField()
    reason = serializers.CharField()


def thread_data(thread: Thread) -> dict:
    return {
        "id": thread.pk,
        "board_slug": thread.board.slug,
        "title": thread.title,
        "author_name": thread.author.display_name,
        "created_at": thread.created_at,
        "last_posted_at": thread.last_posted_at,
        "post_count": thread.post_count,
        "is_pinned": thread.is_pinned,
        "is_locked": thread.is_locked,
        "is_hidden": thread.is_hidden,
        "is_answered": thread.answer_id is not None,
        "web_url": services.thread_path(thread),
    }


def post_data(row: selectors.PostRow) -> dict:
    post = row.post
    return {
        "id": post.pk,
        "author_name": post.author.display_name,
        "is_mentor": row.is_mentor,
        "is_opening": row.is_opening,
        "is_answer": row.is_answer,
        "body": post.body,
        "html": post.html,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "is_hidden": post.is_hidden,
        "can_edit": row.can_edit,
        "mentor_page": row.profile_url,
        "next_sessions": [{"id": s.id, "title": s.title, "starts_at": s.starts_at} for s in row.next_sessions],
    }


def _board(slug: str) -> Board:
    board = selectors.board_get(slug=slug)
    if board is None:
        raise Http404("No such board.")
    return board


def _thread(request, pk: int) -> Thread:
    thread = selectors.thread_get(pk=pk, viewer=request.user)
    if thread is None:
        raise Http404("No such thread.")
    return thread


def _refused(exc: services.ForumError) -> plugin_api.ApiConflict:
    return plugin_api.ApiConflict(str(exc))


# --- Reading -----------------------------------------------------------------------------------


class BoardList(plugin_api.ApiView):
    """``GET /api/v1/p/forum/boards/``."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="forum_boards_list",
        summary="The forum's boards",
        description="Open to everyone. Each with its count of threads and the thread posted in last.",
        responses={200: ForumBoardSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        rows = [
            {
                "slug": row.board.slug,
                "name": row.board.name,
                "description": row.board.description,
                "thread_count": row.thread_count,
                "latest_thread": None
                if row.latest is None
                else {"id": row.latest.pk, "title": row.latest.title, "last_posted_at": row.latest.last_posted_at},
            }
            for row in selectors.boards_overview()
        ]
        return Response(ForumBoardSerializer(rows, many=True).data)


class BoardThreads(ReadOpenWriteSignedIn, plugin_api.ApiView):
    """``GET``/``POST /api/v1/p/forum/boards/{slug}/threads/``."""

    ordering = ("-last_posted_at", "-pk")
    pagination_class = plugin_api.ApiCursorPage
    problem_statuses = {"POST": (409,)}

    @extend_schema(
        operation_id="forum_threads_list",
        summary="A board's threads, latest post first",
        description="Open to everyone. The web lists pinned threads first: ask `pinned=true` for those, then "
        "`pinned=false` for the rest.",
        parameters=[OpenApiParameter("pinned", bool, description="Only pinned threads (true), or only the others.")],
        responses={200: ForumThreadSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request, slug: str):
        board = _board(slug)
        raw = request.query_params.get("pinned", "")
        if raw not in ("", "true", "false"):
            raise serializers.ValidationError({"pinned": ["true or false."]})
        pinned = None if not raw else raw == "true"
        paginator = plugin_api.ApiCursorPage()
        threads = paginator.paginate_queryset(
            selectors.threads_queryset(board=board, viewer=request.user, pinned=pinned), request, view=self
        )
        for thread in threads:
            thread.board = board
        return paginator.get_paginated_response(
            ForumThreadSerializer([thread_data(thread) for thread in threads], many=True).data
        )

    @extend_schema(
        operation_id="forum_thread_start",
        summary="Start a thread on this board",
        description="Its title and its opening post (Markdown). You hear of its replies. 409 when the board is "
        "closed or a new account reached its threads for the day.",
        request=ForumThreadStartSerializer,
        responses={201: ForumThreadSerializer},
        examples=[
            OpenApiExample(
                "A question",
                value={"title": "How do I read a Django traceback?", "body": "I get **KeyError** somewhere."},
            )
        ],
        tags=TAGS,
    )
    def post(self, request, slug: str):
        board = _board(slug)
        data = ForumThreadStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            thread = services.thread_start(
                user=request.user, board=board, title=data.validated_data["title"], body=data.validated_data["body"]
            )
        except services.ForumError as exc:
            raise _refused(exc) from exc
        return Response(
            ForumThreadSerializer(thread_data(thread)).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:v1:forum:thread", args=[thread.pk])},
        )


class ThreadDetail(plugin_api.ApiView):
    """``GET /api/v1/p/forum/threads/{id}/``."""

    permission_classes = [AllowAny]
    ordering = ("created_at", "pk")

    @extend_schema(
        operation_id="forum_thread_get",
        summary="A thread with its posts",
        description="Open to everyone. Its posts oldest first, a cursor page at a time (`next`).",
        parameters=[OpenApiParameter("cursor", str), OpenApiParameter("page_size", int, description="1 to 100 (20).")],
        responses={200: ForumThreadPageSerializer},
        tags=TAGS,
    )
    def get(self, request, pk: int):
        thread = _thread(request, pk)
        paginator = plugin_api.ApiCursorPage()
        posts = paginator.paginate_queryset(
            selectors.posts_queryset(thread=thread, viewer=request.user), request, view=self
        )
        rows = selectors.post_rows(thread=thread, viewer=request.user, posts=posts)
        return Response(
            ForumThreadPageSerializer(
                {
                    "thread": thread_data(thread),
                    "following": services.is_following(user=request.user, thread=thread),
                    "next": paginator.get_next_link(),
                    "previous": paginator.get_previous_link(),
                    "results": [post_data(row) for row in rows],
                }
            ).data
        )


class Search(plugin_api.ApiView):
    """``GET /api/v1/p/forum/search/?q=...``."""

    permission_classes = [AllowAny]
    pagination = plugin_api.ApiRankedPage()

    @extend_schema(
        operation_id="forum_search",
        summary="Search the forum",
        description="Open to everyone. Threads whose title or posts match, best first, each with its "
        'best-matching post. Web-search syntax: `django -flask`, `"exact phrase"`.',
        parameters=[
            OpenApiParameter("q", str, required=True, description=f"1 to {QUERY_MAX} characters."),
            OpenApiParameter("cursor", str, description="From `next` or `previous`."),
            OpenApiParameter("page_size", int, description="1 to 100 (20)."),
        ],
        responses={200: ForumSearchPageSerializer},
        tags=TAGS,
    )
    def get(self, request):
        query = _one_line(request.query_params.get("q", ""))
        if not query or len(query) > QUERY_MAX or not query.isprintable():
            raise serializers.ValidationError({"q": [f"Search for 1 to {QUERY_MAX} printable characters."]})
        start, size = self.pagination.window(request)
        found = selectors.search_hits(query=query, viewer=request.user)
        hits = [
            {
                "thread_id": hit.thread.pk,
                "title": hit.thread.title,
                "board_slug": hit.thread.board.slug,
                "web_url": services.thread_path(hit.thread),
                "post_id": hit.post.pk,
                "excerpt": hit.excerpt,
            }
            for hit in found[start : start + size]
        ]
        return self.pagination.response(
            request, results=ForumSearchHitSerializer(hits, many=True).data, start=start, size=size, total=len(found)
        )


# --- Writing -------------------------------------------------------------------------------------


class ThreadReply(plugin_api.ApiView):
    """``POST /api/v1/p/forum/threads/{id}/posts/``."""

    problem_statuses = {"POST": (409,)}

    @extend_schema(
        operation_id="forum_thread_reply",
        summary="Reply to a thread",
        description="Markdown. You hear of the next replies. 409 when the thread is locked or a new account "
        "reached its replies for the day.",
        request=ForumReplySerializer,
        responses={201: ForumPostSerializer},
        examples=[OpenApiExample("A reply", value={"body": "Read it from the bottom: the last line is the error."})],
        tags=TAGS,
    )
    def post(self, request, pk: int):
        thread = _thread(request, pk)
        data = ForumReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            post = services.reply_post(user=request.user, thread=thread, body=data.validated_data["body"])
        except services.ForumError as exc:
            raise _refused(exc) from exc
        thread.refresh_from_db()
        post = Post.objects.select_related("author", "author__user").get(pk=post.pk)
        [row] = selectors.post_rows(thread=thread, viewer=request.user, posts=[post])
        return Response(ForumPostSerializer(post_data(row)).data, status=status.HTTP_201_CREATED)


class ThreadFollow(plugin_api.ApiView):
    """``POST``/``DELETE /api/v1/p/forum/threads/{id}/follow/``."""

    @extend_schema(
        operation_id="forum_thread_follow",
        summary="Follow a thread: hear of its replies",
        request=None,
        responses={200: ForumFollowingSerializer},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        services.follow(user=request.user, thread=_thread(request, pk))
        return Response(ForumFollowingSerializer({"following": True}).data)

    @extend_schema(
        operation_id="forum_thread_unfollow",
        summary="Stop following a thread",
        request=None,
        responses={200: ForumFollowingSerializer},
        tags=TAGS,
    )
    def delete(self, request, pk: int):
        services.unfollow(user=request.user, thread=_thread(request, pk))
        return Response(ForumFollowingSerializer({"following": False}).data)


class PostFlag(plugin_api.ApiView):
    """``POST /api/v1/p/forum/posts/{id}/flag/``."""

    problem_statuses = {"POST": (409,)}

    @extend_schema(
        operation_id="forum_post_flag",
        summary="Ask the moderators to look at a post",
        description="Once per person and post: flagging again changes the reason. 409 for your own post.",
        request=ForumFlagSerializer,
        responses={200: ForumFlaggedSerializer},
        examples=[OpenApiExample("Spam", value={"reason": "spam", "note": "Links to a shop."})],
        tags=TAGS,
    )
    def post(self, request, pk: int):
        post = selectors.post_get(pk=pk, viewer=request.user)
        if post is None:
            raise Http404("No such post.")
        data = ForumFlagSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            flag = services.flag_post(
                user=request.user,
                post=post,
                reason=data.validated_data["reason"],
                note=data.validated_data.get("note", ""),
            )
        except services.ForumError as exc:
            raise _refused(exc) from exc
        return Response(ForumFlaggedSerializer({"post_id": post.pk, "reason": flag.reason}).data)


class ForumAnswerSerializer(serializers.Serializer):
    thread_id = serializers.IntegerField()
    answer_post_id = serializers.IntegerField(allow_null=True, help_text="null: no post is marked the answer.")


def _post(request, pk: int) -> Post:
    post = selectors.post_get(pk=pk, viewer=request.user)
    if post is None:
        raise Http404("No such post.")
    return post


class PostEdit(plugin_api.ApiView):
    """``PATCH /api/v1/p/forum/posts/{id}/``."""

    problem_statuses = {"PATCH": (409,)}

    @extend_schema(
        operation_id="forum_post_edit",
        summary="Edit your post",
        description=f"Its author, within {services.EDIT_MINUTES} minutes of posting (409 after, or for "
        "someone else's post), as on the website.",
        request=ForumReplySerializer,
        responses={200: ForumPostSerializer},
        examples=[OpenApiExample("Edit", value={"body": "I get **KeyError: 'id'** in the view."})],
        tags=TAGS,
    )
    def patch(self, request, pk: int):
        post = _post(request, pk)
        data = ForumReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.post_edit(user=request.user, post=post, body=data.validated_data["body"])
        except services.ForumError as exc:
            raise _refused(exc) from exc
        post = Post.objects.select_related("author", "author__user").get(pk=post.pk)
        [row] = selectors.post_rows(thread=post.thread, viewer=request.user, posts=[post])
        return Response(ForumPostSerializer(post_data(row)).data)


class PostAnswer(plugin_api.ApiView):
    """``POST /api/v1/p/forum/posts/{id}/answer/``."""

    problem_statuses = {"POST": (409,)}

    @extend_schema(
        operation_id="forum_post_answer",
        summary="Mark a reply as the answer to your question (again: unmark it)",
        description="Only the person who asked (409 for anyone else, or for the opening post).",
        request=None,
        responses={200: ForumAnswerSerializer},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        post = _post(request, pk)
        try:
            thread = services.answer_mark(user=request.user, post=post)
        except services.ForumError as exc:
            raise _refused(exc) from exc
        return Response(ForumAnswerSerializer({"thread_id": thread.pk, "answer_post_id": thread.answer_id}).data)


class BoardFollow(plugin_api.ApiView):
    """``POST``/``DELETE /api/v1/p/forum/boards/{slug}/follow/``."""

    @extend_schema(
        operation_id="forum_board_follow",
        summary="Follow a board: hear of its new threads",
        request=None,
        responses={200: ForumFollowingSerializer},
        tags=TAGS,
    )
    def post(self, request, slug: str):
        services.follow(user=request.user, board=_board(slug))
        return Response(ForumFollowingSerializer({"following": True}).data)

    @extend_schema(
        operation_id="forum_board_unfollow",
        summary="Stop following a board",
        request=None,
        responses={200: ForumFollowingSerializer},
        tags=TAGS,
    )
    def delete(self, request, slug: str):
        services.unfollow(user=request.user, board=_board(slug))
        return Response(ForumFollowingSerializer({"following": False}).data)
