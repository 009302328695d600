"""``cms/services.py``, ``cms/models.py`` and the ``ensure_default_pages`` command."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.utils.html import escape
from wagtail.models import Page, Site

from cms import copy
from cms.models import ContentPage, LandingPage
from cms.services import landing_pages_ensure
from core import pluginmanager
from core.hooks import Panel, hookimpl

pytestmark = pytest.mark.django_db

DEFAULT_TITLES = ["PeerLearn", *[title for _slug, title, _body in copy.CONTENT_PAGES]]
HERO = json.loads(copy.LANDING_BODY)[0]["value"]


@pytest.fixture
def fresh_install(db):
    """The page tree of a new Wagtail install: root, and a plain "Welcome" page served as the site."""
    for landing in LandingPage.objects.all():
        landing.delete()
    root = Page.get_first_root_node()
    welcome = root.add_child(instance=Page(title="Welcome to your new Wagtail site!", slug="home"))
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=welcome, is_default_site=True)
    return welcome


@pytest.fixture
def landing(db) -> LandingPage:
    page, _created = landing_pages_ensure()
    return page


def test_ensure_creates_the_landing_page_and_content_pages(fresh_install):
    landing, created = landing_pages_ensure()

    assert created == DEFAULT_TITLES
    assert isinstance(landing, LandingPage)
    assert landing.live
    assert landing.get_parent().specific_class is Page
    assert landing.get_parent().is_root()
    assert [block.block_type for block in landing.body] == [block["type"] for block in json.loads(copy.LANDING_BODY)]
    children = ContentPage.objects.child_of(landing).order_by("path")
    assert [(p.slug, p.title, p.live) for p in children] == [
        (slug, title, True) for slug, title, _body in copy.CONTENT_PAGES
    ]
    site = Site.objects.get(is_default_site=True)
    assert site.root_page_id == landing.pk
    assert not Page.objects.filter(pk=fresh_install.pk).exists()  # the untouched welcome page is gone


def test_ensure_is_idempotent_and_keeps_editors_changes(fresh_install):
    landing, _created = landing_pages_ensure()
    landing.title = "PeerLearn India"
    landing.save_revision().publish()
    about = ContentPage.objects.get(slug="about")
    about.title = "Who we are"
    about.save_revision().publish()
    page_count = Page.objects.count()

    again, created = landing_pages_ensure()

    assert created == []
    assert again.pk == landing.pk
    assert Page.objects.count() == page_count
    assert LandingPage.objects.get().title == "PeerLearn India"
    assert ContentPage.objects.get(slug="about").title == "Who we are"
    assert Site.objects.filter(is_default_site=True).count() == 1


def test_ensure_recreates_only_a_missing_page(landing):
    ContentPage.objects.get(slug="pricing").delete()

    again, created = landing_pages_ensure()

    assert created == ["Pricing"]
    assert again.pk == landing.pk
    assert ContentPage.objects.child_of(landing).count() == len(copy.CONTENT_PAGES)


def test_ensure_points_the_default_site_at_the_landing_page(landing):
    Site.objects.update(root_page=Page.get_first_root_node())

    again, created = landing_pages_ensure()

    assert created == []
    assert Site.objects.get(is_default_site=True).root_page_id == again.pk


def test_ensure_creates_a_site_when_there_is_none(landing):
    Site.objects.all().delete()

    landing_pages_ensure()

    site = Site.objects.get()
    assert site.is_default_site
    assert site.root_page_id == landing.pk
    assert site.site_name == "PeerLearn"


def test_ensure_keeps_a_welcome_page_that_has_children(fresh_install):
    fresh_install.add_child(instance=Page(title="Someone's page", slug="someones-page"))

    landing, created = landing_pages_ensure()

    assert created == DEFAULT_TITLES
    assert Page.objects.filter(pk=fresh_install.pk).exists()
    assert Page.objects.filter(slug="someones-page").exists()
    assert Site.objects.get(is_default_site=True).root_page_id == landing.pk


def test_only_one_landing_page_and_content_pages_only_under_it(landing):
    root = Page.get_first_root_node()
    about = ContentPage.objects.get(slug="about")

    assert not LandingPage.can_create_at(root)
    assert ContentPage.can_create_at(landing)
    assert not ContentPage.can_create_at(about)
    assert not ContentPage.can_create_at(root)


# --- Serving -----------------------------------------------------------------------------------


def test_home_renders_for_anonymous_with_the_hero_copy(client, landing):
    response = client.get("/")

    assert response.status_code == 200
    assert response.context["page"].pk == landing.pk
    body = response.content.decode()
    assert escape(HERO["heading"]) in body
    assert escape(HERO["text"]) in body


def test_home_shows_an_editors_new_heading(client, landing):
    landing.body = json.dumps([{"type": "hero", "value": {**HERO, "heading": "Mentors for every exam"}}])
    landing.save_revision().publish()

    response = client.get("/")

    assert "Mentors for every exam" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "dashboard"), [("learner", "/dashboard/learner/"), ("mentor", "/dashboard/mentor/")]
)
def test_home_sends_logged_in_people_to_their_dashboard(client, landing, request, persona, dashboard):
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == dashboard


@pytest.mark.parametrize(("slug", "title", "body"), copy.CONTENT_PAGES)
def test_content_pages_render(client, landing, slug, title, body):
    response = client.get(f"/{slug}/")

    assert response.status_code == 200
    assert response.context["page"].title == title
    first = json.loads(body)[0]["value"]
    if isinstance(first, str) and first.startswith("<h2>"):
        assert escape(first.split("</h2>")[0].removeprefix("<h2>")) in response.content.decode()


def test_content_pages_render_for_logged_in_people_too(client, landing, learner):
    client.force_login(learner)

    assert client.get("/about/").status_code == 200


def test_unpublished_page_is_not_found(client, landing):
    ContentPage.objects.get(slug="pricing").unpublish()

    assert client.get("/pricing/").status_code == 404


# --- The command -------------------------------------------------------------------------------


def test_ensure_default_pages_command_prints_what_it_created(fresh_install):
    stdout = io.StringIO()
    call_command("ensure_default_pages", stdout=stdout)

    assert stdout.getvalue().strip() == f"Created: {', '.join(DEFAULT_TITLES)}"

    stdout = io.StringIO()
    call_command("ensure_default_pages", stdout=stdout)

    assert stdout.getvalue().strip() == "Default pages already present."


class LandingSectionPlugin:
    @hookimpl
    def landing_sections(self, request):
        return [Panel(template="components/empty_state.html", context={"title": "Plugin section here"})]


def test_plugins_can_add_sections_to_the_landing_page(client):
    plugin = LandingSectionPlugin()
    pluginmanager.pm.register(plugin, name="test-landing")
    try:
        response = client.get("/")
    finally:
        pluginmanager.pm.unregister(plugin)
    assert response.status_code == 200
    assert [p.context["title"] for p in response.context["plugin_sections"]] == ["Plugin section here"]
    assert b"Plugin section here" in response.content
