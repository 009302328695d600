"""``/sitemap.xml``: the CMS's published pages (Wagtail's sitemap), every mentor's public page and
every session open to the public, so that search engines find them."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.utils import timezone
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from core.mentoring.selectors import mentor_page_path, mentors_public, session_queryset_public_upcoming


class PagesSitemap(WagtailSitemap):
    """The CMS's live, public pages, on the address the sitemap was asked on (as the other sections
    are) rather than the Wagtail site's own hostname, which a single-site deployment never sets."""

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["location"] = f"{protocol}://{domain}{urlsplit(url['location']).path}"
        return urls


class MentorsSitemap(Sitemap):
    """Approved, active mentors' pages, at their one address."""

    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return list(mentors_public().order_by("pk").values_list("pk", "name"))

    def location(self, item) -> str:
        pk, name = item
        return mentor_page_path(mentor_id=pk, name=name)


class SessionsSitemap(Sitemap):
    """Sessions open to the public (live or upcoming, of approved mentors)."""

    changefreq = "daily"
    priority = 0.6
    limit = 5000

    def items(self):
        return list(session_queryset_public_upcoming(now=timezone.now()).values_list("pk", "updated_at"))

    def location(self, item) -> str:
        return f"/sessions/{item[0]}/"

    def lastmod(self, item):
        return item[1]


SITEMAPS = {"pages": PagesSitemap, "mentors": MentorsSitemap, "sessions": SessionsSitemap}
