import pytest

from core import pluginmanager
from core.users.tests.factories import user_make
from plugins.forum import services
from plugins.forum.models import Member

pytestmark = pytest.mark.django_db


def test_everyone_who_registers_becomes_a_member(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        learner = user_make(email="asha@example.com", name="Asha Rao", role="learner")
    assert Member.objects.get(user=learner).display_name == "Asha"


def test_the_forum_adds_a_nav_item_for_logged_in_people(rf, learner):
    request = rf.get("/")
    request.user = learner
    items = pluginmanager.collect("nav_items", request=request)
    assert [(i.label, i.url) for i in items if i.label == "Forum"] == [("Forum", "/p/forum/")]


def test_the_forum_page_is_honest_when_empty(client, learner):
    services.boards_seed()
    client.force_login(learner)
    page = client.get("/p/forum/").content.decode()
    assert page.count("No threads yet") == 6  # each starter board says so
    assert "No threads yet" in client.get("/p/forum/general/").content.decode()
