from core.hooks import hookimpl
from plugins.gifting import services


@hookimpl
def on_user_registered(user):
    if user.role == "mentor":
        services.gift_jar_open(mentor=user)
