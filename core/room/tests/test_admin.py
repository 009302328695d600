"""The room's records in Django admin are read-only."""

import pytest
from django.contrib import admin

from core.room.models import Feedback, Recording, RoomPresence, SessionAttendance


@pytest.mark.parametrize("model", [SessionAttendance, RoomPresence, Feedback, Recording])
def test_admins_read_but_never_write_room_records(model, rf):
    model_admin = admin.site._registry[model]
    request = rf.get("/admin/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
