"""Rebuild every badge and point from core's records and report what differed.

Badges missing from the records' answer are awarded (and people told); badges no longer earned
(a refunded session, say) are revoked with the reason, logged in the admin log under the staff
person given with ``--by`` (or the first superuser); points are brought to what the records give.
``--dry-run`` reports without writing.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import plugin_api
from plugins.gamification import services
from plugins.gamification.models import BadgeAward, PointAward


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Rebuild every badge and point from the records, revoking (with a reason) what is no longer earned."

    def add_arguments(self, parser):
        parser.add_argument("--by", default="", help="Email of the staff person the admin log names.")
        parser.add_argument("--dry-run", action="store_true", help="Report the differences, change nothing.")

    def handle(self, *args, by: str, dry_run: bool, **options):
        staff = self._staff(by)
        people = {user.pk: user for user in plugin_api.people_attended()}
        holders = set(BadgeAward.objects.values_list("user_id", flat=True)) | set(
            PointAward.objects.values_list("user_id", flat=True)
        )
        missing = holders - set(people)
        if missing:
            people.update({user.pk: user for user in get_user_model().objects.filter(pk__in=missing)})
        totals = {"added": 0, "restored": 0, "revoked": 0, "points_added": 0, "points_removed": 0}
        try:
            with transaction.atomic():
                for user in sorted(people.values(), key=lambda person: person.pk):
                    report = services.standing_sync(user=user, revoke=True, by=staff)
                    if report.changed:
                        self.stdout.write(self._line(user, report))
                    for key in totals:
                        value = getattr(report, key)
                        totals[key] += len(value) if isinstance(value, list) else value
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write("Dry run: nothing was changed.")
        self.stdout.write(
            f"{len(people)} people checked: {totals['added']} badges awarded, {totals['restored']} restored, "
            f"{totals['revoked']} revoked; {totals['points_added']} points added, "
            f"{totals['points_removed']} removed."
        )

    def _staff(self, email: str):
        users = get_user_model().objects.filter(is_active=True, is_staff=True)
        if email:
            found = users.filter(email__iexact=email).first()
            if found is None:
                raise CommandError(f"No active staff person with the email {email}.")
            return found
        found = users.filter(is_superuser=True).order_by("pk").first()
        if found is None:
            raise CommandError(
                "The admin log names who revoked a badge: pass --by <staff email> (no superuser exists)."
            )
        return found

    def _line(self, user, report) -> str:
        parts = []
        for label, names in (("awarded", report.added), ("restored", report.restored), ("revoked", report.revoked)):
            if names:
                parts.append(f"{label} {', '.join(names)}")
        if report.points_added or report.points_removed:
            parts.append(f"points +{report.points_added} -{report.points_removed}")
        return f"{user.email}: {'; '.join(parts)}"
