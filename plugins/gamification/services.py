"""Awarding badges and points from core's records, and taking back what a recompute finds unearned.

``standing_sync`` works out what one person has earned from scratch (``rules.standing``) and
stores what is missing: each badge once (``get_or_create`` on its unique key, so the same event
twice, or two events at once, award it once and tell the person once), each point once. Events
only ever add; ``revoke=True`` (the ``gamification_recompute`` command, a settled dispute) also
revokes a badge no longer earned, with the reason, in the admin log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from core import plugin_api
from plugins.gamification import rules
from plugins.gamification.models import BadgeAward, BadgeRule, PointAward

logger = logging.getLogger(__name__)

KIND_EARNED = "badge_earned"


@dataclass
class SyncReport:
    """What one sync changed for one person (names of badges; numbers of points)."""

    added: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    points_added: int = 0
    points_removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.restored or self.revoked or self.points_added or self.points_removed)


def rule_of(model: BadgeRule) -> rules.Rule:
    return rules.Rule(
        id=model.pk,
        kind=model.kind,
        audience=model.audience,
        threshold=model.threshold,
        name=model.name,
        description=model.description,
        icon=model.icon,
        min_average=float(model.min_average) if model.min_average is not None else None,
    )


def rules_active() -> list[rules.Rule]:
    return [rule_of(model) for model in BadgeRule.objects.filter(is_active=True)]


def standing_for(*, user, now: datetime | None = None, active: list[rules.Rule] | None = None) -> rules.Standing:
    """What ``user`` has earned now, from core's records (three to five queries)."""
    tz = plugin_api.person_timezone(user=user)
    stats = plugin_api.feedback_stats(user=user)
    attended = [
        rules.Attended(
            id=session.id,
            role=session.role,
            starts_at=session.starts_at,
            scheduled_minutes=session.scheduled_minutes,
            together_minutes=session.together_minutes,
            topics=session.topics,
            refunded=session.refunded,
        )
        for session in plugin_api.sessions_attended(user=user)
    ]
    return rules.standing(
        attended=attended,
        feedback=rules.Feedback(stats.given, stats.received, stats.received_average),
        tz=tz,
        rules=rules_active() if active is None else active,
        today=(now or timezone.now()).astimezone(tz).date(),
        vocabulary=plugin_api.topic_vocabulary(),
    )


def standing_sync(*, user, revoke: bool = False, by=None, now: datetime | None = None) -> SyncReport:
    """Store what ``user`` has earned and is missing (see the module docstring). With ``revoke``,
    badges of active rules no longer earned are revoked, each logged in the admin log as done by
    ``by`` (a staff person), and points no longer earned are removed."""
    now = now or timezone.now()
    active = rules_active()
    earned = standing_for(user=user, now=now, active=active)
    report = SyncReport()
    with transaction.atomic():
        have = {(award.rule_id, award.topic): award for award in BadgeAward.objects.filter(user=user)}
        for (rule_id, topic), name in earned.earned.items():
            award = have.get((rule_id, topic))
            if award is None:
                award, created = BadgeAward.objects.get_or_create(
                    user=user, rule_id=rule_id, topic=topic, defaults={"name": name, "awarded_at": now}
                )
                if created:
                    report.added.append(name)
            elif award.is_revoked and BadgeAward.objects.filter(pk=award.pk, revoked_at__isnull=False).update(
                revoked_at=None, revoked_reason="", awarded_at=now, name=name
            ):
                report.restored.append(name)
        if revoke:
            active_ids = {rule.id for rule in active}
            unearned = [
                award
                for key, award in have.items()
                if key not in earned.earned and award.rule_id in active_ids and not award.is_revoked
            ]
            for award in unearned:
                reason = _why_unearned(award, earned)
                if BadgeAward.objects.filter(pk=award.pk, revoked_at__isnull=True).update(
                    revoked_at=now, revoked_reason=reason
                ):
                    report.revoked.append(award.name)
                    _log_revoked(award, reason, by)
        stored = set(PointAward.objects.filter(user=user).values_list("reason", "reference"))
        missing = [
            PointAward(user=user, reason=reason, reference=reference, points=points)
            for (reason, reference), points in earned.points.items()
            if (reason, reference) not in stored
        ]
        report.points_added = sum(
            award.points for award in PointAward.objects.bulk_create(missing, ignore_conflicts=True)
        )
        if revoke:
            gone = stored - set(earned.points)
            for reason, reference in gone:
                removed = PointAward.objects.filter(user=user, reason=reason, reference=reference)
                report.points_removed += removed.aggregate(total=Sum("points"))["total"] or 0
                removed.delete()
    cache.delete(_display_key(user.pk))
    for name in [*report.added, *report.restored]:
        _tell(user, name, earned)
    return report


CHANGED = "(a session was refunded, or its presence changed)"


def _why_unearned(award: BadgeAward, earned: rules.Standing) -> str:
    for progress in earned.progress:
        if progress.rule.id == award.rule_id and progress.topic == award.topic:
            return f"No longer earned: {progress.text} now count {CHANGED}."
    return f"No longer earned: none of the sessions it counted still count {CHANGED}."


def _log_revoked(award: BadgeAward, reason: str, by) -> None:
    if by is None:
        logger.warning("Revoked %s of user %s without a staff person to log it under: %s", award, award.user_id, reason)
        return
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[award],
        action_flag=CHANGE,
        change_message=f"Revoked “{award.name}”. {reason}",
        single_object=True,
    )


def _tell(user, name: str, earned: rules.Standing) -> None:
    """A live notification, "You earned Python Pro", with a small celebration."""
    description = ""
    for rule_key, badge_name in earned.earned.items():
        if badge_name == name:
            rule = next((model for model in BadgeRule.objects.filter(pk=rule_key[0])), None)
            description = rule.description_for(earned.topic_names.get(rule_key[1], "")) if rule else ""
            break
    url = (
        reverse("core:learner-progress") if getattr(user, "role", "") == "learner" else reverse("users:profile-update")
    ) + "#badges"
    try:
        plugin_api.notify(user=user, kind=KIND_EARNED, title=f"You earned {name}", body=description, url=url)
    except ValueError:
        logger.exception("Could not tell user %s about %s", user.pk, name)


# --- Reads for the pages ---------------------------------------------------------------------


@dataclass(frozen=True)
class ShownBadge:
    name: str
    description: str
    icon: str
    awarded_at: datetime


def badges_by_user(*, user_ids) -> dict[int, list[ShownBadge]]:
    """``{user_id: [ShownBadge, ...]}`` of badges held now, newest first: one query for any number of people."""
    found: dict[int, list[ShownBadge]] = {}
    awards = (
        BadgeAward.objects.filter(user_id__in=list(user_ids), revoked_at__isnull=True)
        .select_related("rule")
        .order_by("user_id", "rule__order", "-awarded_at", "pk")
    )
    for award in awards:
        found.setdefault(award.user_id, []).append(
            ShownBadge(
                name=award.name,
                description=award.rule.description_for(_topic_shown(award)),
                icon=award.rule.icon,
                awarded_at=award.awarded_at,
            )
        )
    return found


def _topic_shown(award: BadgeAward) -> str:
    """The topic as written in the badge's name ("Python" in "Python Pro"), else its key."""
    prefix, _, suffix = award.rule.name.partition("{topic}")
    name = award.name
    if award.topic and name.startswith(prefix) and name.endswith(suffix):
        return name[len(prefix) : len(name) - len(suffix)] or award.topic
    return award.topic


def points_total_by_user(*, user_ids) -> dict[int, int]:
    """``{user_id: total points}`` for many people in one query."""
    rows = PointAward.objects.filter(user_id__in=list(user_ids)).values("user_id").annotate(total=Sum("points"))
    return {row["user_id"]: row["total"] for row in rows}


@dataclass(frozen=True)
class Display:
    """What the pages show one person: badges held, the next ones with progress, streaks and
    points with the rules that give them."""

    badges: list[ShownBadge]
    progress: list[rules.Progress]
    current_streak: int
    best_streak: int
    points: int
    point_rules: tuple[tuple[str, int, str], ...]
    sessions_counted: int
    is_learner: bool


DISPLAY_SECONDS = 300


def _display_key(user_id: int) -> str:
    return f"gamification:display:{user_id}"


def display_for(*, user, progress: int = 3) -> Display:
    """``user``'s ``Display``: the badges and points stored for them, the streaks and the
    progress worked out from the records (so never behind the badges); ``progress`` next badges
    at most. Cached for a few minutes, and dropped whenever an event or a recompute syncs the
    person (the only writers of badges and points): a profile costs no query for it then."""
    display = cache.get(_display_key(user.pk))
    if display is None:
        standing = standing_for(user=user)
        display = Display(
            badges=badges_by_user(user_ids=[user.pk]).get(user.pk, []),
            progress=standing.progress[:5],
            current_streak=standing.current_streak,
            best_streak=standing.best_streak,
            points=points_total_by_user(user_ids=[user.pk]).get(user.pk, 0),
            point_rules=rules.POINT_RULES,
            sessions_counted=standing.sessions,
            is_learner=getattr(user, "role", "") == "learner",
        )
        cache.set(_display_key(user.pk), display, DISPLAY_SECONDS)
    return replace(display, progress=display.progress[:progress])
