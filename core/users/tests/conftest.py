"""Fixtures for the people tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts signups, logins and codes per address in the cache; start every test at zero."""
    cache.clear()
    yield
    cache.clear()
