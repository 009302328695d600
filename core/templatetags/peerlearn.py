"""Template tags for PeerLearn's pages: icons, plugin navigation and panels, the signup stepper."""

from __future__ import annotations

import functools
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from django import forms, template
from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core import pluginmanager
from core.money import format_inr
from core.users.models import User

register = template.Library()

# Which step of the registration form each field is on; step 4 is the emailed code.
SIGNUP_STEPS = {
    "role": 1,
    "email": 2,
    "password1": 2,
    "password2": 2,
    "name": 2,
    "interests": 3,
    "career_goals": 3,
    "domains": 3,
    "skills": 3,
    "bio": 3,
}


# Two sprites: icons.svg holds what public pages use (the landing's first-load budget counts
# it), icons-app.svg the icons of signed-in pages. Each page downloads only the sprites it uses.
APP_SPRITE = "img/icons-app.svg"
CORE_SPRITE = "img/icons.svg"


@functools.cache
def _app_icon_names() -> frozenset[str]:
    path = finders.find(APP_SPRITE)
    text = Path(path).read_text(encoding="utf-8") if path else ""
    return frozenset(re.findall(r'<symbol id="([a-z0-9-]+)"', text))


@functools.cache
def _sprite_url(sprite: str) -> str:
    """The sprite's address, worked out once per process: a dashboard page draws dozens of
    icons, and each ``static()`` through the manifest storage costs a lookup and a URL join."""
    return static(sprite)


@receiver(setting_changed)
def _per_process_caches_forget(*, setting: str, **kwargs) -> None:
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES"}:
        _sprite_url.cache_clear()
    if setting == "ROOT_URLCONF":
        _is_dashboard_page.cache_clear()


@register.simple_tag
def icon(name: str, extra_class: str = "") -> str:
    """An inline reference to one heroicon of the sprites: ``{% icon "play" %}``."""
    classes = f"icon {extra_class}".strip()
    sprite = APP_SPRITE if name in _app_icon_names() else CORE_SPRITE
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        classes,
        _sprite_url(sprite),
        name,
    )


@register.simple_tag(takes_context=True)
def plugin_nav_items(context, request=None) -> list:
    """The ``NavItem``s enabled plugins contribute for this request (``[]`` without a request)."""
    request = request or context.get("request")
    if request is None:
        return []
    return pluginmanager.collect("nav_items", request=request)


@register.simple_tag(takes_context=True)
def render_panel(context, panel) -> str:
    """Render a ``core.hooks.Panel``: its template with its context on top of the page's."""
    panel_template = context.template.engine.get_template(panel.template)
    with context.push(**panel.context):
        return panel_template.render(context)


@register.simple_tag
def signup_open_step(form) -> int:
    """The step to show first: the one holding the first error or suggestion, else 1.

    A bound form without field errors but with a non-field error (the suggestions notice)
    opens at the first suggestion's step.
    """
    if form is None or not form.is_bound:
        return 1
    steps = [SIGNUP_STEPS.get(name, 2) for name in form.errors if name != "__all__"]
    steps += [SIGNUP_STEPS.get(name, 2) for name in getattr(form, "suggestions", {}) or {}]
    return min(steps) if steps else 1


_JSON_IN_HTML = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(value) -> str:
    """``value`` as JSON for a ``<script type="application/ld+json">``: "<", ">" and "&" escaped,
    so no text inside (a mentor's bio) can close the script element."""
    return mark_safe(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_IN_HTML))


@register.filter
def join_terms(value) -> str:
    """A list of terms as the comma-separated text the form takes back."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return value or ""


@register.filter
def split_terms(value) -> list[str]:
    """``"Upcoming, Past"`` → ``["Upcoming", "Past"]``: a list written inline in a template."""
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


class _SampleForm(forms.Form):
    """The style guide's form: every field state on show (never submitted anywhere)."""

    email = forms.EmailField(label="Email", help_text="We send a one-time code to this address.")
    name = forms.CharField(label="Name")
    skills = forms.CharField(label="Skills", required=False, help_text="Separate skills with commas.")


@register.simple_tag
def styleguide_form() -> forms.Form:
    """A bound sample form with one inline error, for the style guide only."""
    form = _SampleForm(data={"sg-email": "asha@gmial.com", "sg-name": "", "sg-skills": "Pyth, Django"}, prefix="sg")
    form.is_valid()
    return form


@register.filter
def has_block(stream, block_type: str) -> bool:
    """Whether a StreamField value holds a block of ``block_type``: ``page.body|has_block:"faq"``."""
    return any(getattr(child, "block_type", None) == block_type for child in stream or [])


@register.filter
def inr(paise) -> str:
    """``{{ payment.amount_paise|inr }}`` → ``₹1,00,000``: the one way templates show money."""
    return format_inr(int(paise or 0))


@register.filter
def get_item(mapping, key):
    """``{{ counts|get_item:name }}``: a dict's value, or None."""
    if not key or not hasattr(mapping, "get"):
        return None
    return mapping.get(key)


@register.filter
def iso_utc(value) -> str:
    """``{{ when|iso_utc }}``: an aware datetime in ISO 8601 at UTC, for ``<time datetime>`` and the
    ``data-`` attributes scripts read. The same text as ``|utc|date:'c'`` without the localized
    formatter, which a dashboard row otherwise pays three times over."""
    if not isinstance(value, datetime):
        return ""
    if timezone.is_naive(value):
        return value.isoformat()
    return value.astimezone(UTC).isoformat()


@register.filter
def short_label(label: str) -> str:
    """The first word of a nav label, for the narrow bottom nav ("Create session" → "Create")."""
    return str(label).split(" ", 1)[0]


@functools.lru_cache(maxsize=256)
def _is_dashboard_page(url: str) -> bool:
    """Whether ``url`` is served by a dashboard view (and so has a ``#dash-main`` to swap in).

    Remembered per process, as Django remembers its resolvers: the URLconf does not change while
    it serves, and every dashboard page asks this of each of its dozen nav links."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return match.func.__module__.startswith("core.dashboards.")


# Dashboard links swap only the dashboard's main region and push the address (htmx); without
# JavaScript they are ordinary links. A link that leaves the dashboards (Profile) is always an
# ordinary link: its page has no ``#dash-main``, and swapping it in would blank the page.
@register.simple_tag
def dash_link_attrs(url: str) -> str:
    if not _is_dashboard_page(url):
        return ""
    return format_html(
        'hx-get="{}" hx-target="#dash-main" hx-select="#dash-main" hx-swap="outerHTML" hx-push-url="true"', url
    )


# --- Avatars ------------------------------------------------------------------------------------


def avatar_url(image) -> str:
    """The public URL of an uploaded avatar: a file field, or its stored name (selectors pass
    names, which cost no query), or "" when there is none."""
    if not image:
        return ""
    if hasattr(image, "url"):
        return image.url
    return User._meta.get_field("avatar").storage.url(str(image))


@register.simple_tag
def avatar(person=None, *, name: str = "", image="", size: str = "", css: str = "avatar", letters: int = 1,
           preview_id: str = "") -> str:  # fmt: skip
    """``{% avatar user size="sm" %}`` or ``{% avatar name=card.mentor_name image=card.mentor_avatar %}``:
    the uploaded picture wherever its person appears, else their initials (``letters`` of them) on a
    gradient. The one avatar of every page. Decorative: the person's name is always written beside
    it, so it is hidden from screen readers.

    Built here rather than in an included template: lists draw one per row (twenty on the mentor's
    Bookings page), and an inclusion tag costs a template render each."""
    if person is not None:
        name = getattr(person, "name", "") or getattr(person, "email", "")
        image = getattr(person, "avatar", "")
    words = [word for word in str(name).split() if word]
    classes = f"{css} {css}--{size}" if size else css
    id_attribute = format_html(' id="{}"', preview_id) if preview_id else ""
    url = avatar_url(image)
    if url:
        return format_html(
            '<img class="{} avatar--photo" src="{}" alt="" aria-hidden="true" loading="lazy" decoding="async"'
            ' width="96" height="96"{}>',
            classes,
            url,
            id_attribute,
        )
    initials = "".join(word[0] for word in words[:letters]).upper() or "?"
    return format_html('<span class="{}" aria-hidden="true"{}>{}</span>', classes, id_attribute, initials)
