"""Every hook specification is called by core, shown through a throwaway plugin.

``core.tests.sample_plugin`` implements every hook; it is registered with the real plugin
manager for each test (never mocked), and each test opens the page where core renders that
contribution, or sends the domain signal that core relays to the event hook.
"""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import get_resolver

from core import hooks, pluginmanager
from core.hooks import hookimpl
from core.mentoring.services import session_complete
from core.mentoring.tests.factories import approved_mentor, session_booked, session_make
from core.tests.sample_plugin import hooks as sample_hooks

pytestmark = pytest.mark.django_db


def hook_specs() -> dict:
    return {
        name: func
        for name, func in vars(hooks).items()
        if inspect.isfunction(func) and hasattr(func, f"{hooks.PROJECT_NAME}_spec")
    }


@pytest.fixture
def sample():
    """The sample plugin registered as ``sample`` for one test."""
    sample_hooks.RECEIVED.clear()
    pluginmanager.pm.register(sample_hooks, name="sample")
    yield sample_hooks
    pluginmanager.pm.unregister(sample_hooks)
    sample_hooks.RECEIVED.clear()


@pytest.fixture
def sample_urls(sample, settings):
    """The project's URLs with the sample plugin's page mounted, as at start-up with it enabled."""
    from core import urls as project_urls

    urlconf = types.ModuleType("sample_urlconf")
    urlconf.urlpatterns = [*pluginmanager.plugin_urlpatterns(), *project_urls.urlpatterns]
    for name in ("handler403", "handler404", "handler500"):
        setattr(urlconf, name, getattr(project_urls, name))
    settings.ROOT_URLCONF = urlconf
    return urlconf


@pytest.fixture
def only_sample(sample):
    """Every other plugin (and core's defaults) unregistered for one test, then put back in the
    same order: an event sent with placeholder arguments reaches the sample plugin alone.

    The URLconf is loaded first: a signal may reverse a URL, and a URLconf first loaded while
    the plugins are away would lack their pages for every later test of the run."""
    get_resolver().url_patterns  # noqa: B018 (loads it)
    others = [(name, plugin) for name, plugin in pluginmanager.pm.list_name_plugin() if name != "sample"]
    for name, _plugin in others:
        pluginmanager.pm.unregister(name=name)
    yield sample
    pluginmanager.pm.unregister(sample_hooks)
    for name, plugin in others:
        pluginmanager.pm.register(plugin, name=name)
    pluginmanager.pm.register(sample_hooks, name="sample")  # the ``sample`` fixture unregisters it


def test_the_sample_plugin_implements_every_hook(sample):
    """A new hook specification fails here until the sample plugin (and so a test) covers it."""
    implemented = {caller.name for caller in pluginmanager.pm.get_hookcallers(sample)}
    assert implemented == set(hook_specs())
    pluginmanager.pm.check_pending()


def test_every_hook_has_a_call_site_in_core():
    """Each contribution hook is called by name outside the tests; each event's signal is sent."""
    sources = [
        path
        for folder in ("core", "cms")
        for path in (Path(settings.BASE_DIR) / folder).rglob("*.py")
        if "tests" not in path.parts and path.name != "hooks.py"
    ]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    for name in hook_specs():
        if name.startswith("on_"):
            signal = name.removeprefix("on_")
            assert re.search(rf"\b{signal}\.send(_robust)?\(|hooks\.{signal}\b", text), f"{signal} is never sent"
        else:
            assert re.search(rf"""["']{name}["']""", text), f"hook {name} is never called"


@pytest.mark.parametrize("signal_name", sorted(hooks.SIGNAL_ARGS))
def test_each_domain_signal_reaches_its_event_hook_with_its_arguments(only_sample, signal_name):
    arguments = {arg: f"<{arg}>" for arg in hooks.SIGNAL_ARGS[signal_name]}
    # Robustly, as core sends them: core's own receivers (notifications) get the same stand-ins
    # and fail on them, which must not keep the event from the plugin.
    getattr(hooks, signal_name).send_robust(sender=None, **arguments)
    assert only_sample.RECEIVED == [(signal_name, arguments)]


def test_a_page(client, learner, sample_urls):
    client.force_login(learner)
    response = client.get("/p/sample/hello/")
    assert response.status_code == 200
    assert response.content.decode() == "Hello from the sample plugin, Asha"


def test_a_nav_item_and_a_dashboard_panel_on_the_learners_dashboard(client, learner, sample):
    client.force_login(learner)
    page = client.get("/dashboard/learner/").content.decode()
    assert 'href="/p/sample/hello/"' in page and "Sample nav" in page
    assert "Sample panel for the learner dashboard" in page


def test_a_dashboard_panel_on_the_mentors_dashboard(client, mentor, sample):
    client.force_login(mentor)
    page = client.get("/dashboard/mentor/").content.decode()
    assert "Sample panel for the mentor dashboard" in page


def test_a_room_tool(client, mentor, learner, sample):
    session, booking = session_booked(mentor=mentor, learner=learner)
    client.force_login(learner)
    page = client.get(f"/session/{session.room_id}/").content.decode()
    assert f"Sample room tool for booking {booking.reference}" in page


def test_an_action_after_the_session_on_its_three_pages(client, mentor, learner, sample):
    session, booking = session_booked(mentor=mentor, learner=learner)
    client.force_login(learner)
    assert "Sample action after" not in client.get(f"/bookings/{booking.pk}/").content.decode()  # not over yet
    session_complete(session=session)
    for url in (f"/bookings/{booking.pk}/", f"/session/{session.room_id}/", f"/session/{session.room_id}/feedback/"):
        page = client.get(url).content.decode()
        assert f"Sample action after booking {booking.reference} for learner" in page, url
    client.force_login(mentor)
    assert (
        f"Sample action after booking {booking.reference} for mentor"
        in client.get(f"/bookings/{booking.pk}/").content.decode()
    )


def test_a_profile_section_and_badges_on_the_persons_own_profile(client, learner, sample):
    client.force_login(learner)
    page = client.get("/profile/").content.decode()
    assert "Sample profile section of Asha Learner" in page
    badges = page.split('data-testid="plugin-badges"')[1].split("</ul>")[0]
    assert f"Sample badge {learner.pk}" in badges and "Given by the sample plugin" in badges


def test_a_progress_section_on_the_learners_progress_page(client, learner, sample):
    client.force_login(learner)
    page = client.get("/dashboard/learner/progress/").content.decode()
    assert "Sample progress section of Asha Learner" in page


def test_badges_on_the_mentor_cards_of_the_landing_page_and_its_live_row(client, sample):
    from core.mentoring.live import landing_sections_payload

    mentors = [approved_mentor(email=f"m{n}@example.com") for n in range(2)]
    for mentor in mentors:
        session_make(mentor=mentor)
    page = client.get("/").content.decode()
    for mentor in mentors:
        card = page.split(f'id="mentor-{mentor.pk}"')[1].split("</article>")[0]
        assert f"Sample badge {mentor.pk}" in card and "#star" in card
    row = landing_sections_payload()["mentors_html"]
    assert all(f"Sample badge {mentor.pk}" in row for mentor in mentors)


def test_badges_next_to_the_mentor_on_a_public_session_page(client, sample):
    mentor = approved_mentor()
    session = session_make(mentor=mentor)
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    about = page.split('data-testid="mentor-about"')[1]
    assert f"Sample badge {mentor.pk}" in about


def test_a_landing_section(client, sample):
    response = client.get("/")
    assert response.status_code == 200
    assert "Sample landing section" in response.content.decode()


def test_recommendations_with_their_reason(client, learner, sample):
    session = session_make(mentor=approved_mentor(), title="Bookable one")
    client.force_login(learner)
    page = client.get("/dashboard/learner/").content.decode()
    panel = page.split('data-testid="recommended"')[1]
    assert f'href="/sessions/{session.pk}/"' in panel and "Sample reason" in panel


def test_a_notification_kind_in_the_learners_settings_and_on_the_bell(client, learner, mentor, sample):
    client.force_login(learner)
    page = client.get("/profile/settings/").content.decode()
    assert "Sample news" in page and 'name="notify_sample.news_in_app"' in page
    client.force_login(mentor)
    assert "Sample news" not in client.get("/profile/settings/").content.decode()  # declared for learners only
    assert sample.news_send(learner) is True
    assert [(n.kind, n.title) for n in learner.notifications.all()] == [("sample.news", "Sample news for you")]


def test_without_the_plugin_nothing_of_it_shows(client, learner):
    client.force_login(learner)
    for url in ("/dashboard/learner/", "/profile/", "/profile/settings/"):
        assert "Sample" not in client.get(url).content.decode()


class Broken:
    @hookimpl
    def dashboard_panels(self, request):
        raise RuntimeError("broken panel")

    @hookimpl
    def profile_badges(self, users):
        raise RuntimeError("broken badges")

    @hookimpl
    def profile_sections(self, request, person):
        raise RuntimeError("broken section")


@pytest.mark.expect_error_log("core.pluginmanager")
def test_a_broken_plugin_leaves_the_others_contributions_on_the_page(client, learner, sample, caplog):
    broken = Broken()
    pluginmanager.pm.register(broken, name="test-broken")
    try:
        client.force_login(learner)
        dashboard = client.get("/dashboard/learner/")
        profile = client.get("/profile/")
    finally:
        pluginmanager.pm.unregister(broken)
    assert dashboard.status_code == profile.status_code == 200
    assert "Sample panel for the learner dashboard" in dashboard.content.decode()
    assert "Sample profile section" in profile.content.decode() and "Sample badge" in profile.content.decode()
    for hook in ("dashboard_panels", "profile_badges", "profile_sections"):
        assert f"test-broken failed in hook {hook}" in caplog.text


def test_the_guide_lists_every_hook_with_its_signature():
    """docs/plugins.md's hook tables cannot drift: one row per specification, its arguments right."""
    guide = (Path(settings.BASE_DIR) / "docs" / "plugins.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)\(([^)]*)\)` \|", guide, flags=re.MULTILINE))
    expected = {name: ", ".join(inspect.signature(spec).parameters) for name, spec in hook_specs().items()}
    assert rows == expected
