"""The starter boards (``plugins/forum/starter.py``) and the Forum moderators group (staff add
people to it in the admin)."""

from django.db import migrations

from plugins.forum.starter import boards_create

MODERATORS = "Forum moderators"


def starter_boards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=MODERATORS)
    boards_create(apps.get_model("forum", "Board"))


class Migration(migrations.Migration):
    dependencies = [("forum", "0003_opening_posts"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(starter_boards, migrations.RunPython.noop)]
