"""The gamification plugin's hooks: badges and points follow core's domain events, and show on
the profile, the learner's Progress page, the dashboard home, next to mentors (session pages,
the landing page's cards) and, live, as a notification with a small celebration."""

from django.urls import path

from core import plugin_api
from core.hooks import Badge, NotificationType, Panel, StaffPermission, hookimpl
from plugins.gamification import api, services

SECTION = "gamification/section.html"


@hookimpl
def api_urlpatterns():
    return [path("me/", api.StandingView.as_view(), name="me")]


@hookimpl
def notification_kinds():
    return [NotificationType(services.KIND_EARNED, "Badges you earn", email=True, email_default=False, celebrate=True)]


def _sync_session(session_id: int, *, revoke: bool = False, by=None) -> None:
    for person in plugin_api.session_participants(session_id=session_id):
        services.standing_sync(user=person, revoke=revoke, by=by)


@hookimpl
def on_session_completed(session):
    _sync_session(session.pk)


@hookimpl
def on_feedback_given(feedback):
    # The learner wrote one more review; the mentor may now be Top rated.
    _sync_session(feedback.booking.session_id)


@hookimpl
def on_dispute_settled(dispute):
    # A refunded session may no longer count: what it earned is revoked, with the reason, under
    # the name of the staff person who settled it.
    _sync_session(dispute.booking.session_id, revoke=True, by=dispute.decided_by)


@hookimpl
def profile_badges(users):
    held = services.badges_by_user(user_ids=[user.pk for user in users])
    return {
        user_id: [Badge(label=badge.name, title=badge.description, icon=badge.icon) for badge in badges]
        for user_id, badges in held.items()
    }


def _section(person, *, order: int) -> Panel:
    return Panel(template=SECTION, context={"gamification": services.display_for(user=person)}, order=order)


@hookimpl
def profile_sections(request, person):
    return [_section(person, order=40)]


@hookimpl
def progress_sections(request):
    return [_section(request.user, order=10)]


@hookimpl
def dashboard_panels(request):
    return [
        Panel(
            template="gamification/dashboard_panel.html",
            context={"gamification": services.display_for(user=request.user, progress=1)},
            order=50,
        )
    ]


@hookimpl
def staff_permissions():
    """Moderators, who look after the community, edit the badge rules and read the awards."""
    names = ("view_badgerule", "add_badgerule", "change_badgerule", "view_badgeaward")
    return [StaffPermission("Moderator", f"gamification.{name}") for name in names]
