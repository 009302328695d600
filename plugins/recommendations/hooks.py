"""The recommendations plugin's hooks: keep each learner's suggestions fresh and serve them."""

from __future__ import annotations

from django.db import transaction
from django.urls import path

from core import plugin_api
from core.hooks import NotificationType, hookimpl
from plugins.recommendations import api, services, tasks, views


def _recompute_later(user_id: int) -> None:
    transaction.on_commit(lambda: tasks.recompute_learner.delay(user_id))


def _recompute_interested(session, *, published: bool = False) -> None:
    topics = [*(session.topics or []), *str(session.title).split()]
    session_id = session.pk if published else None
    transaction.on_commit(lambda: tasks.recompute_interested.delay(topics, session_id))


@hookimpl
def on_user_registered(user):
    interests = plugin_api.learner_interests(user=user)
    if interests:
        services.preferences_from_interests(user=user, interests=interests)
    if getattr(user, "role", "") == "learner":
        _recompute_later(user.pk)


@hookimpl
def on_profile_updated(user):
    if getattr(user, "role", "") != "learner":
        return
    services.preferences_from_interests(user=user, interests=plugin_api.learner_interests(user=user))
    _recompute_later(user.pk)


@hookimpl
def on_booking_requested(booking):
    _recompute_later(booking.learner_id)


@hookimpl
def on_session_created(session):
    _recompute_interested(session, published=True)


@hookimpl
def on_session_updated(session):
    _recompute_interested(session)


@hookimpl
def on_session_cancelled(session):
    services.catalogue_forget()


@hookimpl
def on_mentor_approval_changed(user, is_approved):
    services.catalogue_forget()


@hookimpl
def notification_kinds():
    return [
        NotificationType(
            services.NEW_MATCH,
            "New sessions that suit you",
            roles=("learner",),
            email=True,
            email_default=False,
            refreshes=("recommended_sessions",),  # the panel on an open dashboard
        )
    ]


@hookimpl
def recommended_sessions(user, limit):
    """The learner's suggestions, each with its reason; None (the next recommender answers) for
    anyone else, or while their first ranking is still queued."""
    if user is None or not user.is_authenticated or user.role != "learner":
        return None
    found = services.recommendations_for(user=user, limit=limit)
    if found is None:
        _recompute_later(user.pk)
    return found or None


@hookimpl
def urlpatterns():
    return [path("dismiss/<int:session_id>/", views.dismiss, name="dismiss")]


@hookimpl
def api_urlpatterns():
    return [
        path("sessions/", api.RecommendedView.as_view(), name="sessions"),
        path("sessions/<int:session_id>/dismiss/", api.DismissView.as_view(), name="dismiss"),
    ]
