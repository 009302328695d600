"""The forum's records: boards, threads, posts, flags and the moderators' log.

A thread's opening post is its first ``Post``; ``Thread.post_count`` and ``last_posted_at`` are
kept by the services (one place writes them), so a board's page needs no aggregate over posts.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models

RESERVED_SLUGS = ("t", "post", "search", "new")  # the forum's own addresses (urls.py)


class Member(models.Model):
    """A person's forum identity, created when they register (or on their first visit)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_member")
    display_name = models.CharField(max_length=100)
    joined_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.display_name


class Board(models.Model):
    """A board per field ("Programming", "Data"), seeded from the topic vocabulary; staff edit them."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True, help_text="Shown to people; an inactive board keeps its threads.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is a word the forum's addresses use; choose another."})


class Thread(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="threads")
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, blank=True, allow_unicode=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_posted_at = models.DateTimeField(null=True, db_index=True)
    post_count = models.PositiveIntegerField(default=0)  # visible posts, the opening one included
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    answer = models.ForeignKey("Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-is_pinned", "-last_posted_at", "-pk"]
        indexes = [models.Index(fields=["board", "-is_pinned", "-last_posted_at"], name="forum_thread_board_order")]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="posts")
    body = models.TextField()  # the Markdown as written
    html = models.TextField()  # rendered and sanitised when written (plugins.forum.markdown)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=200, blank=True)
    # PostgreSQL only: the thread's title (weight A) and this post (weight B) as a tsvector,
    # written with the post (services.search_index) and GIN-indexed (migration 0006), so that
    # search reads the index instead of parsing every post. Empty on SQLite, which searches words.
    search = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at"], name="forum_post_thread_order")]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread_id}"


class FlagReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    ABUSE = "abuse", "Rude or abusive"
    OFF_TOPIC = "off_topic", "Off topic"
    OTHER = "other", "Something else"


class Flag(models.Model):
    """Someone asked the moderators to look at a post (once per person and post)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    by = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "by"], name="forum_flag_once")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on post {self.post_id}"


class ModerationAction(models.Model):
    """What a moderator did, to what, and why: the log nobody edits."""

    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} by {self.moderator_id}: {self.reason}"


class Subscription(models.Model):
    """Someone follows a thread (its new replies) or a board (its new threads)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="subscriptions")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "thread"], condition=models.Q(thread__isnull=False), name="forum_follow_thread_once"
            ),
            models.UniqueConstraint(
                fields=["member", "board"], condition=models.Q(board__isnull=False), name="forum_follow_board_once"
            ),
            models.CheckConstraint(
                condition=models.Q(thread__isnull=False, board__isnull=True)
                | models.Q(thread__isnull=True, board__isnull=False),
                name="forum_follow_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} follows {self.thread or self.board}"
