"""The forum's pages, under /p/forum/. Reading is open to everyone (threads are meant to be found);
writing needs an account. Every form is a plain POST that works without JavaScript; a form
with a mistake comes back with the error and with what was written."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from plugins.forum import markdown, selectors, services
from plugins.forum.forms import FlagForm, ModerateForm, ReplyForm, ThreadForm
from plugins.forum.models import Thread

thread_url = services.thread_path


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "forum/index.html", {"boards": selectors.boards_overview()})


def board_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board = selectors.board_get(slug=slug)
    if board is None:
        raise Http404("No such board.")
    page = selectors.threads_page(board=board, viewer=request.user, page=request.GET.get("page", 1))
    following = services.is_following(user=request.user, board=board)
    return render(request, "forum/board.html", {"board": board, "page": page, "following": following})


@login_required
def thread_new(request: HttpRequest, slug: str) -> HttpResponse:
    board = selectors.board_get(slug=slug)
    if board is None:
        raise Http404("No such board.")
    form = ThreadForm(request.POST or None)
    preview = ""
    if request.method == "POST" and form.is_valid():
        title, body = form.cleaned_data["title"], form.cleaned_data["body"]
        if "preview" in request.POST:
            preview = markdown.render(body, nofollow=services.is_new_account(request.user))
        else:
            try:
                thread = services.thread_start(user=request.user, board=board, title=title, body=body)
            except services.ForumError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Your thread is up. You'll see replies here.")
                return redirect(thread_url(thread))
    return render(
        request,
        "forum/thread_new.html",
        {"board": board, "form": form, "preview": preview},
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _thread_page(request, thread: Thread, *, reply_form=None, preview: str = "", status: int = 200) -> HttpResponse:
    page, rows = selectors.posts_page(thread=thread, viewer=request.user, page=request.GET.get("page", 1))
    moderator = services.is_moderator(request.user)
    opening = next((row.post for row in rows if row.is_opening), None)
    return render(
        request,
        "forum/thread.html",
        {
            "thread": thread,
            "page": page,
            "rows": rows,
            "reply_form": reply_form or ReplyForm(),
            "preview": preview,
            "is_moderator": moderator,
            "is_author": request.user.is_authenticated and thread.author.user_id == request.user.pk,
            "boards_other": selectors.boards_other(board=thread.board) if moderator else [],
            "description": markdown.excerpt(opening.body) if opening else thread.title,
            "flag_form": FlagForm(),
            "following": services.is_following(user=request.user, thread=thread),
            # One address per page of a thread for search engines (a hidden thread is not indexed).
            "canonical": request.build_absolute_uri(
                thread_url(thread) + (f"?page={page.number}" if page.number > 1 else "")
            ),
            "noindex": thread.is_hidden,
        },
        status=status,
    )


def thread_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    thread = selectors.thread_get(pk=pk, viewer=request.user)
    if thread is None:
        raise Http404("No such thread.")
    if slug != (thread.slug or "thread"):  # one address per thread
        return redirect(thread_url(thread) + (f"?{request.GET.urlencode()}" if request.GET else ""), permanent=True)
    return _thread_page(request, thread)


@require_POST
@login_required
def thread_reply(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_get(pk=pk, viewer=request.user)
    if thread is None:
        raise Http404("No such thread.")
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _thread_page(request, thread, reply_form=form, status=400)
    body = form.cleaned_data["body"]
    if "preview" in request.POST:
        preview = markdown.render(body, nofollow=services.is_new_account(request.user))
        return _thread_page(request, thread, reply_form=form, preview=preview)
    try:
        post = services.reply_post(user=request.user, thread=thread, body=body)
    except services.ForumError as exc:
        form.add_error(None, str(exc))
        return _thread_page(request, thread, reply_form=form, status=400)
    thread.refresh_from_db(fields=["post_count"])
    last_page = max(1, math.ceil(thread.post_count / selectors.POSTS_PER_PAGE))
    return redirect(thread_url(thread, page=last_page, anchor=f"post-{post.pk}"))


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get(pk=pk, viewer=request.user)
    if post is None:
        raise Http404("No such post.")
    if not services.can_edit(user=request.user, post=post):
        messages.info(request, f"Posts can be edited by their author for {services.EDIT_MINUTES} minutes.")
        return redirect(thread_url(post.thread, anchor=f"post-{post.pk}"))
    form = ReplyForm(request.POST or None, initial={"body": post.body})
    preview = ""
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = markdown.render(form.cleaned_data["body"], nofollow=services.is_new_account(request.user))
        else:
            try:
                services.post_edit(user=request.user, post=post, body=form.cleaned_data["body"])
            except services.ForumError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Your post is updated.")
                return redirect(thread_url(post.thread, anchor=f"post-{post.pk}"))
    return render(
        request,
        "forum/post_edit.html",
        {"post": post, "form": form, "preview": preview, "thread_url": thread_url(post.thread)},
        status=400 if request.method == "POST" and form.errors else 200,
    )


@require_POST
@login_required
def post_answer(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get(pk=pk, viewer=request.user)
    if post is None:
        raise Http404("No such post.")
    try:
        thread = services.answer_mark(user=request.user, post=post)
    except services.ForumError as exc:
        messages.error(request, str(exc))
        return redirect(thread_url(post.thread, anchor=f"post-{post.pk}"))
    messages.success(request, "Marked as the answer." if thread.answer_id else "No longer marked as the answer.")
    return redirect(thread_url(thread, anchor=f"post-{post.pk}"))


@login_required
def post_flag(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get(pk=pk, viewer=request.user)
    if post is None:
        raise Http404("No such post.")
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_post(user=request.user, post=post, **form.cleaned_data)
        except services.ForumError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Thanks: a moderator will look at it.")
            return redirect(thread_url(post.thread, anchor=f"post-{post.pk}"))
    return render(
        request,
        "forum/post_flag.html",
        {"post": post, "form": form, "thread_url": thread_url(post.thread)},
        status=400 if request.method == "POST" and form.errors else 200,
    )


@require_POST
@login_required
def thread_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a thread, or stop following it (the button says which)."""
    thread = selectors.thread_get(pk=pk, viewer=request.user)
    if thread is None:
        raise Http404("No such thread.")
    if request.POST.get("follow") == "0":
        services.unfollow(user=request.user, thread=thread)
        messages.success(request, "You no longer follow this thread.")
    else:
        services.follow(user=request.user, thread=thread)
        messages.success(request, "Following: new replies reach your notifications.")
    return redirect(thread_url(thread))


@require_POST
@login_required
def board_follow(request: HttpRequest, slug: str) -> HttpResponse:
    board = selectors.board_get(slug=slug)
    if board is None:
        raise Http404("No such board.")
    if request.POST.get("follow") == "0":
        services.unfollow(user=request.user, board=board)
        messages.success(request, f"You no longer follow {board.name}.")
    else:
        services.follow(user=request.user, board=board)
        messages.success(request, f"Following {board.name}: new threads reach your notifications.")
    return redirect("forum:board", slug=board.slug)


def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").replace("\x00", "").split())[:200]
    results = (
        selectors.search_page(query=query, viewer=request.user, page=request.GET.get("page", 1)) if query else None
    )
    return render(request, "forum/search.html", {"query": query, "results": results})


def _moderation_form(request) -> ModerateForm:
    if not services.is_moderator(request.user):
        raise PermissionDenied("Only moderators can do that.")
    return ModerateForm(request.POST)


@require_POST
@login_required
def thread_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    form = _moderation_form(request)
    thread = selectors.thread_get(pk=pk, viewer=request.user)
    if thread is None:
        raise Http404("No such thread.")
    if not form.is_valid():
        messages.error(request, "Say why: the reason goes in the moderation log.")
        return redirect(thread_url(thread))
    board = selectors.board_get(slug=form.cleaned_data["board"]) if form.cleaned_data["board"] else None
    try:
        services.thread_moderate(
            moderator=request.user,
            thread=thread,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
            board=board,
        )
    except services.ForumError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Done, and logged.")
    return redirect(thread_url(thread))


@require_POST
@login_required
def post_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    form = _moderation_form(request)
    post = selectors.post_get(pk=pk, viewer=request.user)
    if post is None:
        raise Http404("No such post.")
    if not form.is_valid():
        messages.error(request, "Say why: the reason goes in the moderation log.")
        return redirect(thread_url(post.thread, anchor=f"post-{post.pk}"))
    try:
        services.post_moderate(
            moderator=request.user, post=post, action=form.cleaned_data["action"], reason=form.cleaned_data["reason"]
        )
    except services.ForumError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Done, and logged.")
    return redirect(thread_url(post.thread, anchor=f"post-{post.pk}"))
