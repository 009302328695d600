"""The ranking engine on plain data: every reason names the signal that produced it, nothing booked
or dismissed comes back, and the same inputs always give the same model and the same ranking."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.recommendations import engine
from plugins.recommendations.engine import Catalogue, Learner, Offering, fit, offering_key, rank


def _offering(mentor_id: int, title: str, topics: str = "", **extra) -> Offering:
    return Offering(
        key=offering_key(mentor_id=mentor_id, title=title),
        title=title,
        text=f"{title}. {topics}",
        mentor_id=mentor_id,
        **extra,
    )


PYTHON = _offering(1, "Hands-on Python", "Python programming", domain="Programming")
SQL = _offering(2, "SQL for analysts", "SQL data queries", domain="Data")
FIGMA = _offering(3, "Figma for beginners", "Figma design prototypes", domain="Design")
GUITAR = _offering(4, "Guitar basics", "Guitar music chords", domain="Music")
ALL = [PYTHON, SQL, FIGMA, GUITAR]


def _catalogue(offerings=ALL, histories=()) -> Catalogue:
    return Catalogue(fit(histories=histories, offerings=offerings), offerings)


def test_a_stated_interest_gives_the_content_reason():
    found = rank(_catalogue(), Learner(interests=("Figma",)), limit=1)
    assert [(item.offering, item.signal, item.reason) for item in found] == [
        (FIGMA, "content", "Because you're interested in Figma")
    ]


def test_a_past_booking_gives_the_reason_of_what_was_booked():
    intro = _offering(5, "Intro to Figma", "Figma design")
    found = rank(_catalogue([*ALL, intro]), Learner(booked=(intro.key,)), limit=1)
    assert (found[0].offering, found[0].signal, found[0].reason) == (
        FIGMA,
        "content",
        "Because you booked Intro to Figma",
    )


def test_the_same_class_from_another_mentor_says_so_instead_of_naming_itself():
    theirs = _offering(8, "Hands-on Python", "Python programming")
    found = rank(_catalogue([*ALL, theirs]), Learner(booked=(theirs.key,)), limit=1)
    assert (found[0].offering, found[0].reason) == (PYTHON, "You booked Hands-on Python with another mentor")
    together = [[theirs.key, PYTHON.key]] * engine.MIN_SUPPORT
    found = rank(_catalogue([*ALL, theirs], histories=together), Learner(booked=(theirs.key,)), limit=1)
    assert (found[0].offering, found[0].signal) == (PYTHON, "collaborative")
    assert found[0].reason == "Learners who booked Hands-on Python also booked this mentor's class"


def test_offerings_booked_together_by_enough_learners_give_the_collaborative_reason():
    together = [[PYTHON.key, GUITAR.key]] * engine.MIN_SUPPORT
    found = rank(_catalogue(histories=together), Learner(booked=(PYTHON.key,)), limit=1)
    assert (found[0].offering, found[0].signal) == (GUITAR, "collaborative")
    assert found[0].reason == "Learners who booked Hands-on Python also booked this"


def test_fewer_learners_than_the_minimum_never_count_nor_get_named():
    together = [[PYTHON.key, GUITAR.key]] * (engine.MIN_SUPPORT - 1)
    catalogue = _catalogue(histories=together)
    assert catalogue.model.pairs_with(PYTHON.key) == {}
    for item in rank(catalogue, Learner(booked=(PYTHON.key,)), limit=4):
        assert item.signals["collaborative"] == 0
        assert "also booked" not in item.reason


def test_a_mentor_with_many_high_ratings_is_top_rated_in_their_field_and_few_ratings_are_not_enough():
    rated = _offering(6, "Statistics clinic", "statistics", domain="Data", rating_sum=4.9 * 40, rating_count=40)
    lucky = _offering(7, "Excel tricks", "excel", domain="Data", rating_sum=15, rating_count=3)
    found = rank(_catalogue([rated, lucky]), Learner(), limit=2)
    assert [(item.offering, item.signal, item.reason) for item in found] == [
        (rated, "quality", "Top-rated mentor in Data"),
        (lucky, "none", "Open for booking"),  # 3 five-star ratings: 4.4 on the Bayesian average
    ]
    assert engine.mentor_rating(lucky) < engine.TOP_RATED


def test_with_nothing_to_go_on_a_learner_gets_what_is_live_and_popular():
    live = _offering(8, "Live Q&A", "anything", is_live=True)
    busy = _offering(9, "Resume review", "career", recent_bookings=12)
    quiet = _offering(10, "Tabla", "music", recent_bookings=1)
    found = rank(_catalogue([live, busy, quiet]), Learner(), limit=3)
    assert [(item.offering, item.reason) for item in found] == [
        (live, "Live now"),
        (busy, "Popular this week: 12 bookings"),
        (quiet, "Open for booking"),  # one booking is not "popular"
    ]


def test_the_same_inputs_give_the_same_model_whatever_their_order():
    histories = [[PYTHON.key, SQL.key], [SQL.key, PYTHON.key, FIGMA.key]] * 3 + [[GUITAR.key]]
    first = fit(histories=histories, offerings=ALL)
    second = fit(histories=list(reversed(histories)), offerings=list(reversed(ALL)))
    assert first.keys == second.keys
    assert (first.similarity != second.similarity).nnz == 0
    assert (first.support != second.support).nnz == 0
    learner = Learner(interests=("data",), booked=(PYTHON.key,))
    assert rank(Catalogue(first, ALL), learner, limit=4) == rank(Catalogue(second, ALL), learner, limit=4)


@st.composite
def _worlds(draw):
    words = ["python", "sql", "design", "music", "exam", "career", "data", "english", "yoga", "finance"]
    count = draw(st.integers(min_value=1, max_value=12))
    offerings = []
    for index in range(count):
        title = " ".join(draw(st.lists(st.sampled_from(words), min_size=1, max_size=3)))
        offerings.append(
            _offering(
                index + 1,
                title + draw(st.sampled_from(["", f" {index}"])),  # some classes share a title
                draw(st.sampled_from(words)),
                domain=draw(st.sampled_from(["Data", "Design", ""])),
                rating_sum=draw(st.floats(min_value=0, max_value=5)) * (ratings := draw(st.integers(0, 50))),
                rating_count=ratings,
                recent_bookings=draw(st.integers(0, 30)),
                is_live=draw(st.booleans()),
            )
        )
    keys = [offering.key for offering in offerings]
    histories = draw(st.lists(st.lists(st.sampled_from(keys), max_size=5), max_size=30))
    learner = Learner(
        interests=tuple(draw(st.lists(st.sampled_from(words), max_size=3))),
        goals=draw(st.sampled_from(["", "get a data job", "sing"])),
        booked=tuple(draw(st.lists(st.sampled_from(keys), max_size=4))),
        dismissed=frozenset(draw(st.lists(st.sampled_from(keys), max_size=3))),
    )
    return offerings, histories, learner


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=_worlds(), limit=st.integers(min_value=0, max_value=15))
def test_any_catalogue_never_suggests_what_was_booked_or_dismissed_and_every_reason_is_true(world, limit):
    offerings, histories, learner = world
    catalogue = Catalogue(fit(histories=histories, offerings=offerings), offerings)
    found = rank(catalogue, learner, limit=limit)
    open_ = [offering for offering in offerings if offering.key not in set(learner.booked) | learner.dismissed]
    assert len(found) == min(limit, len(open_))
    assert len({item.offering.key for item in found}) == len(found)
    assert [item.score for item in found] == sorted((item.score for item in found), reverse=True)
    booked_titles = {catalogue.model.titles[key] for key in learner.booked}
    for item in found:
        assert item.offering.key not in learner.booked and item.offering.key not in learner.dismissed
        reason, signal = item.reason, item.signal
        if signal == "content":
            assert item.signals["content"] > 0
            if reason.startswith("Because you're interested in "):
                assert reason.removeprefix("Because you're interested in ") in learner.interests
            elif reason.startswith("Because you booked "):
                assert reason.removeprefix("Because you booked ") in booked_titles
                assert reason.removeprefix("Because you booked ").casefold() != item.offering.title.casefold()
            elif reason.endswith(" with another mentor"):
                title = reason.removeprefix("You booked ").removesuffix(" with another mentor")
                assert title in booked_titles and title.casefold() == item.offering.title.casefold()
            else:
                assert reason == "Matches your goals" and learner.goals
        elif signal == "collaborative":
            assert item.signals["collaborative"] > 0
            same_class = reason.endswith(" also booked this mentor's class")
            named = reason.removeprefix("Learners who booked ").removesuffix(" also booked this mentor's class")
            named = named.removesuffix(" also booked this")
            assert same_class == (named.casefold() == item.offering.title.casefold())
            source = next(key for key in learner.booked if catalogue.model.titles[key] == named)
            assert catalogue.model.pairs_with(source)[item.offering.key][1] >= engine.MIN_SUPPORT
        elif signal == "quality":
            assert item.offering.rating_count >= engine.TOP_RATED_MIN
            assert engine.mentor_rating(item.offering) >= engine.TOP_RATED
        elif signal == "trending":
            assert (
                reason == "Live now" if item.offering.is_live else item.offering.recent_bookings >= engine.TRENDING_MIN
            )
        else:
            assert (signal, reason) == ("none", "Open for booking")


def test_not_interested_also_sinks_look_alikes_and_nothing_else():
    chords = _offering(9, "Guitar chords clinic", "Guitar music chords")
    catalogue = _catalogue([*ALL, chords])
    learner = Learner(interests=("music", "SQL"))
    before = {item.offering.key: item for item in rank(catalogue, learner, limit=5)}
    dismissing = Learner(interests=learner.interests, dismissed=frozenset({GUITAR.key}))
    after = {item.offering.key: item for item in rank(catalogue, dismissing, limit=5)}
    assert GUITAR.key not in after
    vectors = catalogue.vectors
    likeness = (vectors[catalogue.position[chords.key]] @ vectors[catalogue.position[GUITAR.key]].T).toarray()[0, 0]
    assert likeness > 0.3 and after[chords.key].dislike == pytest.approx(likeness)
    assert after[chords.key].score == pytest.approx(before[chords.key].score - engine.DISLIKE * likeness)
    assert after[SQL.key].score == before[SQL.key].score and after[SQL.key].dislike == 0
    assert after[chords.key].reason == before[chords.key].reason  # the reason still holds
    closed = Learner(
        interests=learner.interests, dismissed=frozenset({offering_key(mentor_id=99, title="Guitar chords")})
    )
    assert {item.offering.key: item for item in rank(catalogue, closed, limit=5)}[chords.key].dislike > 0.3  # by title


def test_the_scores_are_the_documented_weighted_sum():
    catalogue = _catalogue(histories=[[PYTHON.key, SQL.key]] * 4)
    learner = Learner(interests=("SQL",), booked=(PYTHON.key,), dismissed=frozenset({FIGMA.key}))
    for item in rank(catalogue, learner, limit=3):
        expected = sum(engine.WEIGHTS[name] * value for name, value in item.signals.items())
        assert np.isclose(item.score, expected - engine.DISLIKE * item.dislike)
