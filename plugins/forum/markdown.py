"""Posts are written in Markdown and stored as HTML that is safe to show as is.

Three maintained libraries, each doing the one thing it is known for:

- ``markdown-it-py`` parses CommonMark (plus tables and ~~strikethrough~~) with raw HTML turned
  off, so ``<script>`` in a post is text, not a tag;
- ``Pygments`` colours fenced code blocks with class names only (``<span class="k">``): no inline
  style and no script, so the strict Content-Security-Policy stays as it is; the colours are
  ``forum/forum.css``;
- ``nh3`` (the Python binding of the Rust sanitiser ammonia) then keeps only an allow-list of
  tags, attributes and URL schemes, whatever the parser let through: ``javascript:`` and
  ``data:`` links, event handlers, styles and images all go. It also gives every link its
  ``rel`` (``nofollow`` too for the links of new accounts) and opens none in the same context.

Why these three, and why reading is public: docs/decisions/0020-forum.md.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

MAX_CODE = 20_000  # characters of one code block highlighted; a longer one is shown plain
TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "span", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "span": {"class"},
    "code": {"class"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
SCHEMES = {"http", "https", "mailto"}
CLASS_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")  # Pygments' short names, "language-python"
_FORMATTER = HtmlFormatter(nowrap=True)


def _highlight(code: str, language: str, _attributes) -> str:
    """A fenced block's code as Pygments' class-named spans, or "" (the parser then escapes it)."""
    if not language or len(code) > MAX_CODE:
        return ""
    try:
        lexer = get_lexer_by_name(language.strip().split()[0].casefold())
    except ClassNotFound:
        return ""
    return highlight(code, lexer, _FORMATTER)


def _headings_from_h3(state) -> None:
    """Headings in a post start at h3: the page has its h1 (the thread) and h2s around it."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "highlight": _highlight})
    parser.enable(["table", "strikethrough"])
    parser.core.ruler.push("headings_from_h3", _headings_from_h3)
    return parser


_PARSER = _parser()


def render(text: str, *, nofollow: bool = False) -> str:
    """``text`` (Markdown) as sanitised HTML. ``nofollow``: links also get rel="nofollow" (the
    links of accounts in their first week, so that spam earns nothing from search engines)."""
    text = text.replace("\x00", "\ufffd")
    rendered = _PARSER.render(text)
    return nh3.clean(
        rendered,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="nofollow ugc noopener noreferrer" if nofollow else "ugc noopener noreferrer",
        strip_comments=True,
        attribute_filter=_attribute_filter,
    )


def _attribute_filter(_tag: str, attribute: str, value: str) -> str | None:
    """Class names only as Pygments and the parser write them (a fence's language is the
    writer's text: "```x onclick" must not smuggle anything in, even as a class)."""
    if attribute != "class":
        return value
    names = [name for name in value.split() if CLASS_NAME.fullmatch(name)]
    return " ".join(names) or None


def excerpt(text: str, *, length: int = 160) -> str:
    """The first words of a post as plain text (for a page's description and search results)."""
    plain = nh3.clean(_PARSER.render(text.replace("\x00", "\ufffd")), tags=set())
    words = " ".join(html.unescape(plain).split())
    return words if len(words) <= length else words[: length - 1].rsplit(" ", 1)[0] + "…"
