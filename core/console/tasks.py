from celery import shared_task

from core.console.exports import export_job_run
from core.console.reports import monthly_report_generate, previous_month


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def monthly_report_task() -> int:
    """Celery beat, on the 1st: the report of the month before, stored and emailed."""
    return monthly_report_generate(month=previous_month()).pk


@shared_task(acks_late=True)
def export_job_run_task(job_id: int) -> int:
    """A long export of an admin list, in the background (its progress is on its row)."""
    return export_job_run(job_id=job_id).pk
