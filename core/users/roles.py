"""Staff roles as groups (issue 17): Support, Finance and Moderator; a superuser may do all.

Each role's permissions are written here for core's models and contributed by plugins for theirs
(``staff_permissions``). ``staff_roles_sync`` runs after every migrate (and after a test's flush,
as Django makes permissions then): it creates the groups and adds what is missing. An operator's
own additions to a group are kept; what they change is in the audit trail.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from core import hooks, pluginmanager

logger = logging.getLogger(__name__)

SUPPORT, FINANCE, MODERATOR = hooks.STAFF_ROLES

# People and sessions, no money: block, approve mentors, cancel sessions (refunds follow the
# cancellation rules), read what happened in a room.
_SUPPORT = (
    "users.view_user",
    "users.change_user",
    "users.block_user",
    "users.approve_mentor",
    "users.erase_user",
    "users.view_mentorprofile",
    "users.view_topic",
    "users.add_topic",
    "users.change_topic",
    "console.view_mentorinvitation",
    "console.add_mentorinvitation",
    "console.change_mentorinvitation",
    "users.view_learnerprofile",
    "mentoring.view_mentoringsession",
    "mentoring.cancel_mentoringsession",
    "bookings.view_booking",
    "bookings.cancel_booking",
    "bookings.view_dispute",
    "room.view_sessionattendance",
    "room.view_roompresence",
    "room.view_feedback",
    "room.view_recording",
    "audit.view_auditevent",
    "console.view_exportjob",
)
# Money and reports: payments and refunds, disputes, the ledger, withdrawals, reports.
_FINANCE = (
    "users.view_user",
    "mentoring.view_mentoringsession",
    "bookings.view_booking",
    "bookings.view_dispute",
    "bookings.change_dispute",
    "payments.view_payment",
    "payments.refund_payment",
    "payments.view_journalentry",
    "payments.view_ledgeraccount",
    "payments.view_webhookevent",
    "payments.view_withdrawal",
    "payments.change_withdrawal",
    "payments.withdraw_platform",
    "console.view_moneyapproval",
    "console.change_moneyapproval",
    "console.view_monthlyreport",
    "console.view_exportjob",
    "audit.view_auditevent",
)
# The community: the forum's permissions come from the forum plugin.
_MODERATOR = ("users.view_user", "audit.view_auditevent", "console.view_exportjob")

CORE_PERMISSIONS: dict[str, tuple[str, ...]] = {SUPPORT: _SUPPORT, FINANCE: _FINANCE, MODERATOR: _MODERATOR}


def role_permissions() -> dict[str, set[str]]:
    """``{role: {"app_label.codename", ...}}``: core's and the enabled plugins' (each plugin's for
    its own models only)."""
    wanted = {role: set(perms) for role, perms in CORE_PERMISSIONS.items()}
    for label, item in pluginmanager.collect_by_plugin("staff_permissions"):
        if not isinstance(item, hooks.StaffPermission) or item.role not in wanted:
            continue
        if isinstance(item.permission, str) and item.permission.startswith(f"{label}."):
            wanted[item.role].add(item.permission)
    return wanted


def _permissions(names: set[str]) -> list[Permission]:
    query = Q(pk__in=[])
    for name in names:
        app_label, _, codename = name.partition(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


def staff_roles_sync() -> dict[str, Group]:
    """Create the role groups and grant what each role needs that it lacks. Idempotent."""
    groups = {}
    for role, names in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        found = _permissions(names)
        group.permissions.add(*found)
        groups[role] = group
    return groups


def roles_of(user) -> list[str]:
    """The staff roles ``user`` holds ("Superuser" first for a superuser)."""
    names = [name for name in user.groups.values_list("name", flat=True) if name in hooks.STAFF_ROLES]
    return (["Superuser"] if user.is_superuser else []) + sorted(names)
