"""“Did you mean …?” for email domains and skills, with rapidfuzz.

These functions only *suggest*: the person accepts or ignores each suggestion, and nothing
they typed is ever changed without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils

from core.users.selectors import topics_vocabulary
from core.users.vocabulary import EMAIL_DOMAINS

DOMAIN_CUTOFF = 80
TERM_CUTOFF = 80
MIN_WHOLE_RATIO = 50


def suggest_email(email: str) -> str | None:
    """The address with a likely domain typo fixed (``a@gmial.com`` → ``a@gmail.com``), or None."""
    local, at, domain = (email or "").strip().rpartition("@")
    domain = domain.lower()
    if not at or not local or not domain or domain in EMAIL_DOMAINS:
        return None
    match = process.extractOne(domain, EMAIL_DOMAINS, scorer=fuzz.ratio, score_cutoff=DOMAIN_CUTOFF)
    return f"{local}@{match[0]}" if match else None


def suggest_term(term: str, vocabulary: Iterable[str] | None = None) -> str | None:
    """The vocabulary word ``term`` is probably a typo or a stub of (``Pyth`` → ``Python``), or None.
    The vocabulary is the topics staff keep unless given."""
    term = (term or "").strip()
    if not term:
        return None
    vocabulary = topics_vocabulary() if vocabulary is None else tuple(vocabulary)
    if term.casefold() in {word.casefold() for word in vocabulary}:
        return None
    candidates = process.extract(
        term, vocabulary, scorer=fuzz.WRatio, processor=utils.default_process, limit=3, score_cutoff=TERM_CUTOFF
    )
    # WRatio also scores partial matches ("Pyth" in "Python"); the plain ratio keeps a short
    # word from matching a long one ("Cooking" is not "C") and, among close candidates,
    # prefers the word closest as a whole ("Jav" → "Java", not "JavaScript").
    whole = {word: fuzz.ratio(term.casefold(), word.casefold()) for word, _, _ in candidates}
    pool = [
        (word, score)
        for word, score, _ in candidates
        if whole[word] >= MIN_WHOLE_RATIO and not _is_other_phrase(term, word)
    ]
    if not pool:
        return None
    top = max(score for _, score in pool)
    return max((word for word, score in pool if score >= top - 6), key=whole.__getitem__)


def _is_other_phrase(term: str, word: str) -> bool:
    """Whether ``term`` and ``word`` differ by whole words rather than by a typo.

    A correctly spelled word inside a longer phrase ("Design" in "UI Design", "ML" in "HTML")
    or a phrase holding the word ("React Native", "Music Theory") is something else, not a
    typo; only a stub at the start ("Pyth" → "Python", "Node" → "Node.js") is a suggestion.
    """
    typed, known = term.casefold(), word.casefold()
    inside = typed in known and not known.startswith(typed)
    holds = typed != known and re.search(rf"(?<!\w){re.escape(known)}(?!\w)", typed) is not None
    return inside or holds


def suggest_terms(terms: Iterable[str], vocabulary: Iterable[str] | None = None) -> dict[str, str]:
    """``{typed: suggested}`` for each term that has a suggestion."""
    vocabulary = topics_vocabulary() if vocabulary is None else tuple(vocabulary)
    suggestions = {}
    for term in terms:
        suggestion = suggest_term(term, vocabulary)
        if suggestion:
            suggestions[term] = suggestion
    return suggestions


def split_terms(raw: str | Iterable[str]) -> list[str]:
    """Comma-separated text (or a list) → distinct, trimmed terms in the order typed."""
    items = raw.split(",") if isinstance(raw, str) else raw
    seen: dict[str, str] = {}
    for item in items:
        item = item.strip()
        if item and item.casefold() not in seen:
            seen[item.casefold()] = item
    return list(seen.values())
