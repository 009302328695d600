"""The forum grants the Moderator staff role its moderation in the admin (``staff_permissions``)."""

import pytest

from core.users.services import staff_user_create
from core.users.tests.factories import PASSWORD
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db


def test_moderators_moderate_the_forum_and_finance_does_not(client):
    moderator, _ = staff_user_create(
        email="mod@example.com", name="Mo Derator", password=PASSWORD, superuser=False, roles=("Moderator",)
    )
    finance, _ = staff_user_create(
        email="fin@example.com", name="Fin Ance", password=PASSWORD, superuser=False, roles=("Finance",)
    )
    force_login_verified(client, moderator)
    assert client.get("/admin/forum/flag/").status_code == 200
    assert client.get("/admin/forum/post/").status_code == 200
    client.logout()
    force_login_verified(client, finance)
    assert client.get("/admin/forum/flag/").status_code == 403
