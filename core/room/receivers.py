"""How the live room follows the domain signals of ``core.hooks`` (sent after commit, robustly)."""

from django.dispatch import receiver

from core import hooks
from core.room.schedule import session_room_schedule


@receiver(hooks.booking_confirmed, dispatch_uid="room-booking-confirmed")
def booking_confirmed(sender, booking, **kwargs) -> None:
    """The room's no-show check and time-out are queued (when due soon; a sweep does the rest)."""
    session_room_schedule(session=booking.session)
