from plugins.gifting.models import GiftJar


def gift_jar_open(*, mentor) -> GiftJar:
    """Open a mentor's gift jar (idempotent)."""
    jar, _ = GiftJar.objects.get_or_create(mentor=mentor)
    return jar
