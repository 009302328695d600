from plugins.forum.models import Member


def member_join(*, user) -> Member:
    """Give a person their forum identity (idempotent)."""
    member, _ = Member.objects.get_or_create(user=user, defaults={"display_name": user.get_short_name()})
    return member
