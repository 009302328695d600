from core import plugin_api
from core.hooks import hookimpl
from plugins.recommendations import services


@hookimpl
def on_user_registered(user):
    interests = plugin_api.learner_interests(user=user)
    if interests:
        services.preferences_from_interests(user=user, interests=interests)


@hookimpl
def recommended_sessions(user, limit):
    """Bookable sessions on the learner's topics, each with its reason; None (the next
    recommender answers) for anyone else, or when nothing matches."""
    if user is None or not user.is_authenticated or user.role != "learner":
        return None
    return services.recommendations_for(user=user, limit=limit) or None
