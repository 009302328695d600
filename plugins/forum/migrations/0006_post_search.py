"""Forum search reads a stored document per post through a GIN index (PostgreSQL only).

``Post.search`` holds the thread's title (weight A) and the post (weight B) as a tsvector; the
services write it with each post. Here the existing posts get theirs, and the index is made.
On SQLite (the embedded set-up, which searches words instead) the column stays empty and there
is no index.
"""

import django.contrib.postgres.search
from django.db import migrations

INDEX = "forum_post_search_gin"


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "UPDATE forum_post SET search = "
        "setweight(to_tsvector('english', coalesce(t.title, '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(forum_post.body, '')), 'B') "
        "FROM forum_thread t WHERE t.id = forum_post.thread_id"
    )
    schema_editor.execute(f"CREATE INDEX {INDEX} ON forum_post USING gin (search)")


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("forum", "0005_follows")]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(index_create, index_drop),
    ]
