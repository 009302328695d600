"""Writing the audit trail (docs/decisions/0021-audit-trail.md).

``audit_record`` writes one row. Views that do something staff decide (a refund, a block, a
settlement) call it with the reason they asked for; the receivers call it for every change to a
model the admin manages, made while a staff member is acting (``core.audit.context``).
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import uuid

from django.db import models, transaction
from django.utils import timezone

from core.audit.context import acting_now
from core.audit.models import AuditEvent, AuditSource

HIDDEN = "•••"
HIDDEN_CHANGED = "••• (changed)"
ERASED = "[erased]"
SECRET_WORDS = ("password", "secret", "token", "key", "otp")


def object_label(obj: models.Model) -> tuple[str, str, str]:
    """``(type, id, text)`` naming ``obj`` in a row: ``("payments.payment", "12", "order_…")``."""
    return obj._meta.label_lower, str(obj.pk or ""), str(obj)[:200]


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file field's value
        return value.name or ""
    return str(value)


def _is_secret(name: str) -> bool:
    return any(word in name.lower() for word in SECRET_WORDS)


def _fingerprint(value) -> str:
    """Tells two secrets apart without keeping either (a digest of a password's hash, a key…)."""
    return HIDDEN + hashlib.sha256(str(value).encode()).hexdigest()[:12]


def snapshot(instance: models.Model) -> dict:
    """The instance's concrete fields as JSON values (foreign keys as ids; secrets only as a
    fingerprint, which ``changes`` turns into "•••" before anything is stored)."""
    data = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, bytes | memoryview):
            continue
        data[field.name] = _fingerprint(value) if _is_secret(field.name) and value else _jsonable(value)
    return data


def _shown(name: str, value, *, changed: bool):
    if _is_secret(name) and isinstance(value, str) and value.startswith(HIDDEN):
        return HIDDEN_CHANGED if changed else HIDDEN
    return value


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ; a secret that changed reads "••• (changed)", never itself."""
    old, new = {}, {}
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            old[name] = _shown(name, before.get(name), changed=False)
            new[name] = _shown(name, after.get(name), changed=True)
    return old, new


def secrets_hidden(values: dict) -> dict:
    """A whole snapshot made fit to store (a created or deleted object)."""
    return {name: _shown(name, value, changed=False) for name, value in values.items()}


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    actor=None,
    source: str | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Write one row: ``action`` on ``obj`` (or the given type, id and text) by the acting staff
    member (or ``actor``), from their address, with what changed and why."""
    if obj is not None:
        object_type, object_id, object_repr = object_label(obj)
    now = acting_now()
    if actor is None and now is not None:
        actor = now.user
    actor_label = getattr(actor, "email", "") if actor is not None else ""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label or "",
        ip_address=ip_address or (now.ip_address if now else None),
        request_id=now.request_id if now else "",
        source=source or (now.source if now else AuditSource.SYSTEM),
        action=action[:64],
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:200],
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
        reason=reason or "",
    )


def _redacted(values: dict) -> dict:
    """Text erased; flags, numbers and empty values kept (they say what happened, not who)."""
    return {key: (ERASED if isinstance(value, str) and value else value) for key, value in values.items()}


@transaction.atomic
def audit_redact_person(*, user, object_types: dict[str, list[str]]) -> int:
    """Erase a person's personal values from the trail (DPDP), keeping every row's action, time,
    object and actor. ``object_types`` maps each model label about them to the ids to redact
    (their user row, their profiles). The database allows this one change to a row, once.
    Returns how many rows were redacted."""
    label = f"erased person {user.pk}"
    now = timezone.now()
    plain = models.QuerySet(model=AuditEvent)  # the trail's own queryset refuses updates
    redacted = 0
    about = models.Q(pk__in=[])
    for object_type, ids in object_types.items():
        about |= models.Q(object_type=object_type, object_id__in=[str(pk) for pk in ids])
    rows = AuditEvent.objects.filter(redacted_at__isnull=True).filter(about | models.Q(actor=user))
    email = (user.email or "").lower()
    wanted = {object_type: {str(pk) for pk in ids} for object_type, ids in object_types.items()}
    for row in rows:
        is_about = row.object_id in wanted.get(row.object_type, ())
        values = {"redacted_at": now}
        if is_about:
            values.update(before=_redacted(row.before), after=_redacted(row.after), object_repr=label)
        if row.actor_id == user.pk:
            values["actor_label"] = label
        if email and email in (row.reason or "").lower():
            values["reason"] = ERASED
        redacted += plain.filter(pk=row.pk).update(**values)
    return redacted
