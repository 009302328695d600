from plugins.forum.models import Thread


def thread_list_recent(*, limit: int = 20):
    return list(Thread.objects.select_related("author")[:limit])
