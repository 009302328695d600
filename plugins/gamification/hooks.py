from core.hooks import Badge, Panel, hookimpl
from plugins.gamification import services


@hookimpl
def on_user_registered(user):
    services.points_award(user=user, reason="joined")


@hookimpl
def dashboard_panels(request):
    total = services.points_total_by_user(user_ids=[request.user.pk]).get(request.user.pk, 0)
    return [Panel(template="gamification/points_panel.html", context={"points": total}, order=50)]


@hookimpl
def profile_badges(users):
    totals = services.points_total_by_user(user_ids=[user.pk for user in users])
    return {
        user_id: [Badge(label=f"{total} pts", title="Points earned on PeerLearn")] for user_id, total in totals.items()
    }
