"""PeerLearn core: users and roles, sessions, bookings, money, real time, plugin manager."""

from core.celery import app as celery_app

__all__ = ("celery_app",)
