"""The Celery application. Eager in the embedded default, on Redis with ``REDIS_URL``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

app = Celery("peerlearn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
