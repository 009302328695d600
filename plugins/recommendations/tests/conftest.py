import pytest

from plugins.recommendations import services
from tests.browser.plugin_fixtures import *  # noqa: F403


@pytest.fixture(autouse=True)
def _fresh_catalogue():
    """Each process keeps a fitted catalogue for minutes; a test's data must not meet the last one's."""
    services.catalogue_forget()
    yield
    services.catalogue_forget()
