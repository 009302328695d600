from core.hooks import Panel, hookimpl
from plugins.gifting import services


@hookimpl
def on_user_registered(user):
    if user.role == "mentor":
        services.gift_jar_open(mentor=user)


@hookimpl
def room_tools(request, booking):
    """The "Gift" button in the live room's bottom bar, for the learner (gifts go to mentors)."""
    if booking is None or request.user.pk != booking.learner_id:
        return []
    mentor = booking.session.mentor
    return [Panel(template="gifting/room_button.html", context={"gift_mentor_name": mentor.name}, order=50)]
