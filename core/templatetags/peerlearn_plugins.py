"""What plugins contribute to people's pages: badges next to a person, sections of a profile.

``{% load peerlearn_plugins %}``, then ``{% plugin_badges person %}`` (the badges every enabled
plugin gives ``person``, as a list of tags) or ``{% plugin_profile_sections person as sections %}``
(their ``Panel``s, to render with ``{% render_panel %}``), ``{% plugin_progress_sections as
sections %}`` (the learner's Progress page), ``{% badges_of badges person.id as mine %}`` (one
person's share of badges fetched for many at once), and ``{% plugin_after_session_actions
booking as actions %}`` (what they offer after a completed session). A plugin that fails is logged and left
out (``core.pluginmanager.call_each``).
"""

from __future__ import annotations

from django import template

from core import pluginmanager

register = template.Library()


@register.inclusion_tag("components/plugin_badges.html")
def plugin_badges(person) -> dict:
    """The ``core.hooks.Badge``s enabled plugins give ``person`` (one hook call for the page)."""
    if person is None or not getattr(person, "pk", None):
        return {"badges": []}
    return {"badges": pluginmanager.badges_for([person]).get(person.pk, [])}


@register.simple_tag(takes_context=True)
def plugin_profile_sections(context, person) -> list:
    """The ``Panel``s enabled plugins add to ``person``'s profile page, in ``order``."""
    request = context.get("request")
    if request is None or person is None:
        return []
    panels = pluginmanager.collect("profile_sections", request=request, person=person)
    return sorted(panels, key=lambda panel: panel.order)


@register.simple_tag(takes_context=True)
def plugin_progress_sections(context) -> list:
    """The ``Panel``s enabled plugins add to the learner's Progress page, in ``order``."""
    request = context.get("request")
    if request is None or not getattr(request.user, "is_authenticated", False):
        return []
    panels = pluginmanager.collect("progress_sections", request=request)
    return sorted(panels, key=lambda panel: panel.order)


@register.simple_tag
def badges_of(badges, person_id) -> list:
    """``badges[person_id]`` from a ``{user_id: [Badge, ...]}`` a view got for many people at
    once (``core.pluginmanager.badges_for``): ``{% badges_of badges mentor.id as mine %}``."""
    if not isinstance(badges, dict):
        return []
    return badges.get(person_id, [])


@register.simple_tag(takes_context=True)
def plugin_after_session_actions(context, booking) -> list:
    """The ``Panel``s enabled plugins offer after ``booking``'s session (a gift, say), in ``order``."""
    request = context.get("request")
    if request is None or booking is None or not getattr(request.user, "is_authenticated", False):
        return []
    panels = pluginmanager.collect("after_session_actions", request=request, booking=booking)
    return sorted(panels, key=lambda panel: panel.order)
