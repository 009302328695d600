"""The starter badge rules (staff edit them in the admin), and no more points for signing up:
points now come only from what they say they come from (sessions that count, feedback, streaks)."""

from django.db import migrations

from plugins.gamification.starter import STARTER, rules_create


def create_rules(apps, schema_editor):
    rules_create(apps.get_model("gamification", "BadgeRule"))
    apps.get_model("gamification", "PointAward").objects.filter(reason="joined").delete()


def remove_rules(apps, schema_editor):
    BadgeRule = apps.get_model("gamification", "BadgeRule")
    BadgeRule.objects.filter(key__in=[row[0] for row in STARTER], awards__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("gamification", "0002_badges")]

    operations = [migrations.RunPython(create_rules, remove_rules)]
