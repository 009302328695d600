"""Wagtail page types: the landing page at ``/`` and generic content pages."""

from __future__ import annotations

from django.shortcuts import redirect
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from cms.blocks import BodyBlock


class LandingPage(Page):
    """The public front door. Logged-in people go straight to their dashboard."""

    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ContentPage"]
    max_count = 1

    class Meta:
        verbose_name = "landing page"

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
