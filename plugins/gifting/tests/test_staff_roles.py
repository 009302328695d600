"""The gifting plugin grants the Finance staff role its pages in the admin (``staff_permissions``)."""

import pytest

from core.users.services import staff_user_create
from core.users.tests.factories import PASSWORD
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db


def test_the_role_opens_the_plugins_admin_and_another_role_does_not(client):
    granted, _ = staff_user_create(
        email="granted@example.com", name="Granted", password=PASSWORD, superuser=False, roles=("Finance",)
    )
    other, _ = staff_user_create(
        email="other@example.com", name="Other", password=PASSWORD, superuser=False, roles=("Moderator",)
    )
    force_login_verified(client, granted)
    assert client.get("/admin/gifting/gift/").status_code == 200
    client.logout()
    force_login_verified(client, other)
    assert client.get("/admin/gifting/gift/").status_code == 403
