"""Staff roles are groups with the permissions written in ``core/users/roles.py`` and those
plugins contribute for their own models."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from core import pluginmanager
from core.tests.sample_plugin import hooks as sample_hooks
from core.users import roles

pytestmark = pytest.mark.django_db


def _names(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_migrate_made_the_three_role_groups_with_their_permissions():
    for role in ("Support", "Finance", "Moderator"):
        group = Group.objects.get(name=role)
        existing = {
            f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")
        }
        assert _names(group) >= set(roles.CORE_PERMISSIONS[role]) & existing
    assert set(roles.CORE_PERMISSIONS["Support"]) <= existing  # core's own names are all real


def test_support_touches_no_money_and_finance_blocks_nobody():
    support, finance = Group.objects.get(name="Support"), Group.objects.get(name="Finance")
    assert not {name for name in _names(support) if name.startswith("payments.")}
    assert "bookings.change_dispute" not in _names(support)
    assert "users.block_user" not in _names(finance)
    assert "payments.refund_payment" in _names(finance)


def test_a_plugin_grants_its_own_models_only():
    pluginmanager.pm.register(sample_hooks, name="sample")
    try:
        wanted = roles.role_permissions()
    finally:
        pluginmanager.pm.unregister(sample_hooks)
    assert "sample.view_note" in wanted["Support"]
    assert "payments.refund_payment" not in wanted["Support"]  # another app's: ignored


def test_sync_is_idempotent_and_keeps_an_operators_additions():
    support = Group.objects.get(name="Support")
    extra = Permission.objects.get(content_type__app_label="auth", codename="view_group")
    support.permissions.add(extra)
    before = _names(support)
    roles.staff_roles_sync()
    roles.staff_roles_sync()
    assert _names(Group.objects.get(name="Support")) == before


def test_roles_of_a_person(staff, learner):
    learner.groups.add(Group.objects.get(name="Finance"))
    assert roles.roles_of(learner) == ["Finance"]
    assert roles.roles_of(staff)[0] == "Superuser"
