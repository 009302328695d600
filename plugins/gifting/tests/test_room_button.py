"""The gifting plugin's "Gift" button in the live room's bottom bar (the ``room_tools`` hook)."""

import pytest

from core import pluginmanager
from core.mentoring.tests.factories import session_booked

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(mentor, learner):
    session, _booking = session_booked(mentor=mentor, learner=learner)
    return session


@pytest.fixture
def gifting_disabled():
    """The plugin's hooks unregistered for one test, as with ``PEERLEARN_PLUGINS`` without it."""
    module = pluginmanager.pm.get_plugin("gifting")
    pluginmanager.pm.unregister(name="gifting")
    yield
    pluginmanager.pm.register(module, name="gifting")


def test_the_learner_sees_a_gift_button_that_says_gifts_are_coming(client, room, learner):
    client.force_login(learner)
    page = client.get(f"/session/{room.room_id}/").content.decode()
    assert 'data-testid="gift-button"' in page
    assert '.svg#gift"></use>' in page  # the gift icon
    assert "Gifts are coming soon" in page and "nothing is charged" in page
    assert "Meera Mentor" in page


def test_the_mentor_has_no_gift_button(client, room, mentor):
    client.force_login(mentor)
    assert 'data-testid="gift-button"' not in client.get(f"/session/{room.room_id}/").content.decode()


def test_without_the_plugin_the_button_is_absent(client, room, learner, gifting_disabled):
    client.force_login(learner)
    response = client.get(f"/session/{room.room_id}/")
    assert response.status_code == 200
    assert response.context["tool_panels"] == []
    assert 'data-testid="gift-button"' not in response.content.decode()
