"""Core's own hook implementations: the answers every page gets with no plugin enabled."""

from __future__ import annotations

from core.hooks import hookimpl


@hookimpl(trylast=True)
def recommended_sessions(user, limit):
    """With no recommender enabled, core recommends nothing (the panel is left out)."""
    return []
