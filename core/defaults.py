"""Core's own hook implementations: the answers every page gets with no plugin enabled.

Core's own reactions to its events (notifications, the live room's schedule) are receivers of
the domain signals in the app that owns them: ``core.realtime.receivers``, ``core.room.receivers``.
"""

from __future__ import annotations

from core.hooks import hookimpl


@hookimpl(trylast=True)
def recommended_sessions(user, limit):
    """With no recommender enabled, core recommends nothing (the panel is left out)."""
    return []
