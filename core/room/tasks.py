"""Celery tasks of the live room: thin wrappers that take ids and call a service (idempotent).

They keep the names they had in the mentoring app, so a check queued (with a countdown) before
the room became an app of its own still finds its task, and the beat schedule is unchanged."""

from celery import shared_task
from django.conf import settings

from core.mentoring.models import MentoringSession
from core.room import attendance, recording


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
    name="core.mentoring.tasks.session_no_show_check_task",
)
def session_no_show_check_task(session_id: int) -> str:
    return attendance.session_no_show_check(session=MentoringSession.objects.get(pk=session_id))


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
    name="core.mentoring.tasks.session_time_up_task",
)
def session_time_up_task(session_id: int) -> bool:
    return attendance.session_time_up(session=MentoringSession.objects.get(pk=session_id))


@shared_task(acks_late=True, name="core.mentoring.tasks.rooms_sweep_task")
def rooms_sweep_task() -> dict[str, int]:
    return attendance.rooms_sweep()


@shared_task(acks_late=True, name="core.mentoring.tasks.recordings_delete_older_than_task")
def recordings_delete_older_than_task(days: int | None = None) -> int:
    return recording.recordings_delete_older_than(days=days or settings.RECORDING_RETENTION_DAYS)
