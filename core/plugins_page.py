"""``/admin/plugins/``: the staff page listing the plugins the project ships.

Served inside the Django admin (``admin.site.admin_view``: staff who typed their TOTP code in
this session, the same rule as every admin page; ``SecondFactorMiddleware`` refuses a
password-only session before that). Linked from the admin index's sidebar.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import pluginmanager


@require_GET
def plugin_list(request: HttpRequest) -> HttpResponse:
    """Each plugin: name, version, description, author, link, whether it is enabled, and the
    hooks it implements."""
    infos = pluginmanager.plugin_infos()
    context = {
        **admin.site.each_context(request),
        "title": "Plugins",
        "plugins": infos,
        "enabled_count": sum(info.is_enabled for info in infos),
        "trace_on": pluginmanager.tracing_is_on(),
    }
    return render(request, "admin/plugins.html", context)
