from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from plugins.forum import selectors


@login_required
def thread_list(request):
    return render(request, "forum/thread_list.html", {"threads": selectors.thread_list_recent()})
