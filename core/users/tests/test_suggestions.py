"""``core/users/suggestions.py``: "Did you mean …?" for email domains and skills."""

from __future__ import annotations

import pytest

from core.users.suggestions import split_terms, suggest_email, suggest_term, suggest_terms
from core.users.vocabulary import EMAIL_DOMAINS, TOPICS

# The vocabulary is the Topic table, seeded from TOPICS after migrate (core/users/apps.py).
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("a@gmial.com", "a@gmail.com"),
        ("a@gmail.co", "a@gmail.com"),
        ("a@hotmial.com", "a@hotmail.com"),
        ("a@outlok.com", "a@outlook.com"),
        ("a@yahoo.co", "a@yahoo.com"),
        # The part before "@" is kept exactly as typed; the domain is the known one.
        ("A.B+tag@GMIAL.COM", "A.B+tag@gmail.com"),
        ("  neha@gmial.com  ", "neha@gmail.com"),
    ],
)
def test_suggest_email_fixes_likely_domain_typos(typed, suggested):
    assert suggest_email(typed) == suggested


@pytest.mark.parametrize(
    "typed",
    [
        "a@gmail.com",
        "a@GMAIL.COM",
        "a@ymail.com",  # a real Yahoo domain, not a typo of mail.com
        "a@example.com",
        "a@iitb.ac.in",
        "a@gmx.de",
        "",
        "no-at-sign",
        "@gmial.com",
        "a@",
        None,
    ],
)
def test_suggest_email_leaves_known_or_unlike_domains_alone(typed):
    assert suggest_email(typed) is None


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Pyth", "Python"),
        ("pyhton", "Python"),
        ("Djang", "Django"),
        ("Jav", "Java"),  # the closest whole word, not JavaScript
        ("Javascrpt", "JavaScript"),
        ("Node", "Node.js"),
        ("Statistic", "Statistics"),
        ("Math", "Mathematics"),
        ("Guitarr", "Guitar"),
        ("Programing", "Programming"),
        ("Desgin", "Design"),
    ],
)
def test_suggest_term_fixes_typos_and_stubs(typed, suggested):
    assert suggest_term(typed) == suggested


@pytest.mark.parametrize(
    "typed",
    [
        # Known words, in any case
        "Python",
        "python",
        "C",
        "C++",
        # The registration form's own examples must not be "corrected"
        "Programming",
        "Design",
        # A correct word inside a longer known phrase is not a typo of it
        "Marketing",
        "Learning",
        "Development",
        "Management",
        "ML",
        # A longer phrase holding a known word is something else
        "React Native",
        "Python 3",
        "Music Theory",
        # Nothing like any known word
        "Cooking",
        "Carnatic Vocals",
        "",
        "   ",
        None,
    ],
)
def test_suggest_term_leaves_known_or_unlike_words_alone(typed):
    assert suggest_term(typed) is None


def test_suggest_term_uses_the_given_vocabulary():
    assert suggest_term("Kathak", ["Kathakali", "Bharatanatyam"]) == "Kathakali"
    assert suggest_term("Pyth", ["Kathakali"]) is None


def test_suggest_terms_maps_only_terms_with_a_suggestion():
    assert suggest_terms(["Pyth", "Django", "Cooking", "Djang"]) == {"Pyth": "Python", "Djang": "Django"}
    assert suggest_terms([]) == {}


def test_suggest_terms_accepts_any_iterable_vocabulary():
    assert suggest_terms(["Pyth"], vocabulary=(word for word in ["Python"])) == {"Pyth": "Python"}


def test_vocabularies_have_no_duplicates():
    assert len({word.casefold() for word in TOPICS}) == len(TOPICS)
    assert len(set(EMAIL_DOMAINS)) == len(EMAIL_DOMAINS)
    assert all(domain == domain.lower() for domain in EMAIL_DOMAINS)


@pytest.mark.parametrize(
    ("raw", "terms"),
    [
        ("Python, Django ,SQL", ["Python", "Django", "SQL"]),
        ("Python, python, PYTHON", ["Python"]),  # first spelling wins
        (" , ,, ", []),
        ("", []),
        (["  Go ", "Rust", "go"], ["Go", "Rust"]),
        ("Data Science,Machine Learning", ["Data Science", "Machine Learning"]),
    ],
)
def test_split_terms(raw, terms):
    assert split_terms(raw) == terms
