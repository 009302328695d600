"""The staff page of plugins, ``/admin/plugins/`` (who may open it: test_access_matrix.py and
test_second_factor_gate.py walk it with every other URL)."""

import pytest
from django.conf import settings

from core import pluginmanager
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db


def test_staff_see_every_plugin_with_its_metadata_state_and_hooks(client, staff):
    force_login_verified(client, staff)
    response = client.get("/admin/plugins/")
    assert response.status_code == 200
    page = response.content.decode()
    listed = {info.label: info for info in response.context["plugins"]}
    assert list(listed) == settings.ALL_PLUGINS
    for label, info in listed.items():
        assert info.is_enabled == (label in settings.PEERLEARN_PLUGINS)
        section = page.split(f'data-plugin="{label}"')[1].split("</section>")[0]
        assert ("Enabled" if info.is_enabled else "Disabled") in section
        assert info.version and info.version in section and info.author in section
    forum = listed["forum"]
    assert forum.name == "Forum" and forum.description.startswith("Community questions")
    assert {"on_user_registered", "nav_items", "urlpatterns"} <= set(forum.hooks)  # enabled or not
    assert "<code>urlpatterns</code>" in page.split('data-plugin="forum"')[1].split("</section>")[0]


def test_an_enabled_plugins_hooks_come_from_the_plugin_manager():
    for info in pluginmanager.plugin_infos():
        plugin = pluginmanager.pm.get_plugin(info.label)
        if plugin is not None:
            assert set(info.hooks) == {caller.name for caller in pluginmanager.pm.get_hookcallers(plugin)}


def test_the_admin_index_links_the_page(client, staff):
    force_login_verified(client, staff)
    assert 'href="/admin/plugins/"' in client.get("/admin/").content.decode()


def test_people_who_are_not_staff_are_sent_to_the_admin_login(client, learner):
    client.force_login(learner)
    response = client.get("/admin/plugins/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
