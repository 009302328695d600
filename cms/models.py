"""Wagtail page types: the landing page at ``/`` and generic content pages."""

from __future__ import annotations

from django.shortcuts import redirect
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from cms.blocks import BodyBlock
from core import pluginmanager
from core.mentoring.live import landing_mentor_badges, landing_sections_get, landing_version


class LandingPage(Page):
    """The public front door. Logged-in people go straight to their dashboard."""

    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ContentPage"]
    max_count = 1

    class Meta:
        verbose_name = "landing page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sections = pluginmanager.collect("landing_sections", request=request)
        context["plugin_sections"] = sorted(sections, key=lambda panel: panel.order)
        context["live_version"] = landing_version()  # before the rows: see landing_sections_payload
        context["live"] = landing_sections_get()
        context["mentor_badges"] = landing_mentor_badges(context["live"])
        return context

    def serve(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(request.user.dashboard_url)
        return super().serve(request, *args, **kwargs)


class ContentPage(Page):
    """About, Become a mentor, Pricing and the like."""

    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["cms.LandingPage"]
    subpage_types: list[str] = []
