"""The project's URLs plus a bare Django view, for bench/landing.py's baseline."""

from django.http import HttpResponse
from django.urls import path

from core.urls import handler403, handler404, handler500  # noqa: F401
from core.urls import urlpatterns as project_urlpatterns


def bare(request):
    """The least a Django view can do: the baseline the landing page is compared to."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
