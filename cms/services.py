"""Writes to the page tree. ``landing_pages_ensure()`` is run by ``make run`` (idempotent)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Page, Site

from cms import copy
from cms.models import ContentPage, LandingPage


@transaction.atomic
def landing_pages_ensure() -> tuple[LandingPage, list[str]]:
    """Make sure the default site serves a LandingPage with its default content pages.

    Creates only what is missing and never overwrites an editor's work. Returns the
    landing page and the titles of pages it created.
    """
    created: list[str] = []
    landing = LandingPage.objects.first()
    root = Page.get_first_root_node()
    if landing is None:
        _remove_wagtail_welcome_page(root)
        # A welcome page someone built on keeps its slug "home"; ours then takes another.
        slug = "home" if not root.get_children().filter(slug="home").exists() else "peerlearn"
        landing = root.add_child(instance=LandingPage(title="PeerLearn", slug=slug, body=copy.LANDING_BODY))
        landing.save_revision().publish()
        created.append(landing.title)

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=landing, is_default_site=True, site_name="PeerLearn"
        )
    elif site.root_page_id != landing.pk:
        site.root_page = landing
        site.site_name = site.site_name or "PeerLearn"
        site.save()

    existing = set(ContentPage.objects.child_of(landing).values_list("slug", flat=True))
    for slug, title, body in copy.CONTENT_PAGES:
        if slug in existing:
            continue
        page = landing.add_child(instance=ContentPage(title=title, slug=slug, body=body))
        page.save_revision().publish()
        created.append(title)
    return landing, created


def _remove_wagtail_welcome_page(root: Page) -> None:
    """Delete the plain "Welcome to Wagtail" page a new install starts with, if untouched."""
    plain = ContentType.objects.get_for_model(Page)
    for page in root.get_children().filter(content_type=plain, slug="home"):
        if not page.get_children().exists():
            Site.objects.filter(root_page=page).update(root_page=root)
            page.delete()
