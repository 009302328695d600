from core.hooks import hookimpl
from plugins.recommendations import services


@hookimpl
def on_user_registered(user):
    profile = getattr(user, "learner_profile", None) if user.role == "learner" else None
    if profile is not None:
        services.preferences_from_interests(user=user, interests=profile.interests)
