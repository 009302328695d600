"""The boards a new forum starts with: one per broad field of PeerLearn, and a General one. Staff
rename, add and retire boards in the admin afterwards."""

from django.utils.text import slugify

from core.plugin_api import topic_domains

GENERAL = "General"


def boards_create(Board) -> None:
    """Make the starter boards that are missing (``Board``: the model, or a migration's historical one)."""
    for position, name in enumerate([*topic_domains(), GENERAL]):
        description = (
            "Anything else about learning and mentoring."
            if name == GENERAL
            else f"Questions and answers about {name.lower()}."
        )
        Board.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "position": position, "description": description}
        )
