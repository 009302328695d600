"""Threads made before boards and posts existed: each gets its body as its opening post (escaped
as text: it was never rendered) and a "General" board; then every thread must have a board."""

import html

from django.db import migrations, models
from django.db.models import deletion
from django.utils import timezone
from django.utils.text import slugify


def opening_posts(apps, schema_editor):
    Board = apps.get_model("forum", "Board")
    Thread = apps.get_model("forum", "Thread")
    Post = apps.get_model("forum", "Post")
    orphans = Thread.objects.filter(board__isnull=True)
    if not orphans.exists():
        return
    general, _ = Board.objects.get_or_create(
        slug="general", defaults={"name": "General", "description": "Anything about learning and mentoring."}
    )
    for thread in orphans:
        if thread.body and not Post.objects.filter(thread=thread).exists():
            paragraphs = [part.strip() for part in thread.body.split("\n\n") if part.strip()]
            rendered = "".join(f"<p>{html.escape(part)}</p>" for part in paragraphs)
            post = Post.objects.create(thread=thread, author_id=thread.author_id, body=thread.body, html=rendered)
            Post.objects.filter(pk=post.pk).update(created_at=thread.created_at)
        thread.board = general
        thread.slug = thread.slug or slugify(thread.title)[:80]
        thread.post_count = Post.objects.filter(thread=thread, is_hidden=False).count()
        thread.last_posted_at = thread.created_at or timezone.now()
        thread.save(update_fields=["board", "slug", "post_count", "last_posted_at"])


class Migration(migrations.Migration):
    dependencies = [("forum", "0002_boards_posts_moderation")]

    operations = [
        migrations.RunPython(opening_posts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="thread", name="body"),
        migrations.AlterField(
            model_name="thread",
            name="board",
            field=models.ForeignKey(on_delete=deletion.PROTECT, related_name="threads", to="forum.board"),
        ),
    ]
