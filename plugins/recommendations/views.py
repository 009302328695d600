"""The plugin's one page: "Not interested" on a suggested session (a POST from the learner's
dashboard)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from plugins.recommendations import services, tasks

DASHBOARD = "/dashboard/learner/"


@require_POST
@login_required
def dismiss(request: HttpRequest, session_id: int) -> HttpResponse:
    if getattr(request.user, "role", "") != "learner":
        raise PermissionDenied("Only learners get suggestions.")
    title = services.dismiss(user=request.user, session_id=session_id)
    if title is None:
        messages.info(request, "That session is no longer open, so there was nothing to hide.")
    else:
        user_id = request.user.pk
        transaction.on_commit(lambda: tasks.recompute_learner.delay(user_id))
        messages.success(request, f"Got it: we won't suggest “{title}” again.")
    return redirect(DASHBOARD)
