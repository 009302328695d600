"""Where private files live: recordings (and their upload parts) are never under MEDIA_ROOT.

Anything under ``MEDIA_ROOT`` may end up served at ``MEDIA_URL`` (``runserver`` in DEBUG, or a
web server that mounts the folder), so private files go to their own root,
``PRIVATE_MEDIA_ROOT``, which nothing mounts: the only way to them is a view that checks who
asks (``core/room/views.py``). ``url()`` refuses, so no template can link one.

With object storage, this becomes a private bucket (or prefix) and the view answers with a
short-lived signed URL (for S3, ``django-storages``' ``S3Storage`` with ``default_acl="private"``
and ``querystring_expire`` of a few minutes) instead of streaming the bytes itself.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible(path="core.mentoring.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A file-system storage under ``PRIVATE_MEDIA_ROOT`` without public addresses."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("A private file has no public address; link the view that checks access.")


_private = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of private files (a callable, so migrations do not record a path)."""
    return _private


def recording_upload_to(instance, filename: str) -> str:
    """A recording's file: in the private storage, under the room's secret id; downloads go
    through a view that checks access."""
    return f"recordings/{instance.session.room_id}/{filename}"
