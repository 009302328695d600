"""Writes to the page tree. ``landing_pages_ensure()`` is run by ``make run`` (idempotent)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from cms import copy
from cms.models import ContentPage, LandingPage
from core.users.models import Role, User


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

    editor_group_ensure(landing=landing)

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


EDITOR_GROUP = "CMS editors"
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
MEDIA_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "choose_document"),
}


def editor_group_ensure(*, landing: Page) -> Group:
    """The "CMS editors" group: may edit and publish the landing page and its pages in
    ``/cms/`` and upload images and documents. It grants nothing in Django admin (its
    members are not staff), so editors change the copy, never people or money."""
    group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for codename in PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=landing, permission=permission)
    root_collection = Collection.get_first_root_node()
    for app_label, codenames in MEDIA_PERMISSIONS.items():
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
    return group


@transaction.atomic
def editor_create(*, email: str, name: str, password: str) -> User:
    """A person who edits pages in ``/cms/`` (role admin, not staff: no Django admin)."""
    landing_pages_ensure()  # the editors group comes with the pages
    user = User.objects.create_user(email=email, password=password, name=name, role=Role.ADMIN)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    return user
