"""Do the recommendations beat popularity? Offline, on a synthetic population with a held-out booking.

    .venv/bin/python bench/recommendations.py [--learners 5000] [--mentors 300] [--seed 7] [--tune] [--tiny]

Builds a population the way a mentoring marketplace's data looks (no database, no Django):

- 72 topics in 9 fields (Programming, Data, Design, Exams, ...), with a long tail: the topics of a
  field are chosen with Zipf weights, and fields themselves are unevenly popular.
- ``--mentors`` mentors, each teaching one to four topics of one field; each topic is an
  *offering* (one mentor, one title such as "Hands-on SQL for analysts"), with a description
  drawn from the field's words. Every mentor has a hidden quality; the ratings learners gave
  are drawn from it (more ratings for busier mentors), and so is the share of sessions that
  took place.
- ``--learners`` learners, each with hidden interests: two to four topics, mostly in one
  field, with Dirichlet weights. Three in four said one to three of their topics at signup
  (sometimes one they care little about); half wrote a goal naming their field; the rest said
  nothing.
- Each learner books one or more offerings (geometric, mean 5), one after another, with
  probability ∝ interest in the topic (plus a little curiosity) × the offering's hidden appeal
  (Zipf: popularity skew) × the mentor's quality, and three times as likely with a mentor they
  booked before (repeat mentors).

Each learner's last booking is held out (the test split); what they booked before is their
history, and everyone's histories train the model. "Trending" counts the training bookings of
the latest fifth of the timeline. The second-to-last booking (the validation split, with the
history before it) is what ``--tune`` grid-searches the hybrid's weights on; the figures below
never come from tuning on the test split.

Methods, each ranking every offering the learner has not booked: random; popularity (training
bookings); content only, collaborative only and the hybrid, all three with
``plugins.recommendations.engine`` (the product's code, with one signal or with ``WEIGHTS``);
and implicit's AlternatingLeastSquares (an established library for implicit feedback:
conjugate-gradient ALS with 64 factors, 15 iterations) on the same training matrix.

Prints, per method: HitRate@5 (the held-out offering in the top five), NDCG@5 (one relevant
item: 1/log2(rank + 1)), catalogue coverage (offerings that are in someone's top five / all
offerings), the p95 time to rank for one learner (the model is fitted once; its fit time is
printed apart), and HitRate@5 of the cold learners (no earlier booking). Then the hybrid's gain
over popularity on NDCG@5 and its NDCG@5 against the library's.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # implicit asks for it; one thread also keeps timings honest

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from plugins.recommendations import engine

FIELDS = {
    "Programming": ["Python", "JavaScript", "React", "Django", "Java", "Go", "Rust", "Kotlin"],
    "Data": ["SQL", "Excel", "Power BI", "Statistics", "Machine learning", "Pandas", "Tableau", "Deep learning"],
    "Design": ["Figma", "UX research", "UI design", "Illustrator", "Motion design", "Typography", "Branding",
               "Design systems"],
    "Exams": ["JEE physics", "JEE maths", "NEET biology", "GATE CS", "UPSC essay", "CAT quant", "GRE verbal",
              "IELTS writing"],
    "Languages": ["Spoken English", "Hindi", "French", "German", "Japanese", "Spanish", "Tamil", "Business English"],
    "Business": ["Product management", "Marketing", "Finance basics", "Startups", "Sales", "Negotiation",
                 "Accounting", "Strategy"],
    "Careers": ["Resume review", "Interview prep", "System design", "Public speaking", "LinkedIn", "Career change",
                "Salary negotiation", "Leadership"],
    "Music": ["Guitar", "Piano", "Carnatic vocals", "Hindustani vocals", "Music production", "Tabla", "Ukulele",
              "Songwriting"],
    "Wellbeing": ["Yoga", "Meditation", "Fitness", "Nutrition", "Sleep", "Stress", "Running", "Mindfulness"],
}  # fmt: skip
FIELD_WORDS = {
    "Programming": "code programming developer software functions apps debugging projects backend frontend",
    "Data": "data analysis analytics dashboards queries models numbers insights reporting datasets",
    "Design": "design visual layout prototypes users interfaces colour portfolio creative tools",
    "Exams": "exam preparation practice problems syllabus mock tests marks revision rank",
    "Languages": "language speaking vocabulary grammar conversation fluency pronunciation reading",
    "Business": "business growth customers revenue teams planning market company",
    "Careers": "career job interview hiring profile growth professional skills",
    "Music": "music practice technique songs rhythm performance lessons ear",
    "Wellbeing": "health habits routine energy breathing balance body mind",
}
FIELD_WEIGHTS = [1.0 / (rank + 1) ** 0.7 for rank in range(len(FIELDS))]  # Programming and Data busiest
TITLES = ("Intro to {}", "Hands-on {}", "{} for beginners", "Mastering {}", "{} in practice", "{}: live Q&A",
          "{} deep dive", "Weekend {} workshop")  # fmt: skip
GOALS = {
    "Programming": "get a job as a software developer", "Data": "become a data analyst",
    "Design": "build a design portfolio", "Exams": "crack my exam with a good rank",
    "Languages": "speak the language fluently", "Business": "grow my business",
    "Careers": "switch careers and get hired", "Music": "perform music on stage", "Wellbeing": "build healthy habits",
}  # fmt: skip
K = 5


@dataclass
class Population:
    offerings: list[engine.Offering]
    topic_of: dict[str, str]
    field_of_topic: dict[str, str]
    learners: list[dict]  # interests, goals, bookings (keys in order), times


def _zipf(count: int, exponent: float, rng: random.Random) -> list[float]:
    weights = [1.0 / (rank + 1) ** exponent for rank in range(count)]
    rng.shuffle(weights)
    return weights


def population_build(*, learners: int, mentors: int, seed: int) -> Population:
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    fields = list(FIELDS)
    topic_weight = {}  # within its field, Zipf: a long tail
    field_of_topic = {}
    for field_name, topics in FIELDS.items():
        for topic, weight in zip(topics, _zipf(len(topics), 1.1, rng), strict=True):
            topic_weight[topic], field_of_topic[topic] = weight, field_name

    offerings, appeal, quality_of, topic_of = [], {}, {}, {}
    for mentor_id in range(1, mentors + 1):
        field_name = rng.choices(fields, FIELD_WEIGHTS)[0]
        topics = FIELDS[field_name]
        chosen = set()
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            chosen.add(rng.choices(topics, [topic_weight[topic] for topic in topics])[0])
        quality = float(nrng.beta(6, 2))
        quality_of[mentor_id] = quality
        for topic in sorted(chosen):
            title = rng.choice(TITLES).format(topic)
            key = engine.offering_key(mentor_id=mentor_id, title=title)
            words = FIELD_WORDS[field_name].split()
            description = " ".join(rng.sample(words, 5))
            appeal[key] = 1.0 / (rng.random() * 40 + 1) ** 0.9  # popularity skew between offerings
            topic_of[key] = topic
            offerings.append(
                engine.Offering(
                    key=key, title=title, text=f"{title}. {topic}. {description}", domain=field_name,
                    mentor_id=mentor_id,
                )
            )  # fmt: skip
    by_key = {offering.key: offering for offering in offerings}
    keys = [offering.key for offering in offerings]
    topic_index = {topic: position for position, topic in enumerate(topic_weight)}
    offering_topic = np.array([topic_index[topic_of[key]] for key in keys])
    offering_mentor = np.array([by_key[key].mentor_id for key in keys])
    base = np.array([appeal[key] * (0.3 + quality_of[by_key[key].mentor_id]) for key in keys])

    people = []
    for _ in range(learners):
        main = rng.choices(fields, FIELD_WEIGHTS)[0]
        pool = FIELDS[main]
        picked = {rng.choices(pool, [topic_weight[topic] for topic in pool])[0] for _ in range(rng.choice((2, 3, 4)))}
        if rng.random() < 0.3:  # a side interest in another field
            other = rng.choices(fields, FIELD_WEIGHTS)[0]
            picked.add(rng.choice(FIELDS[other]))
        topics = sorted(picked)
        weights = dict(zip(topics, nrng.dirichlet([0.7] * len(topics)), strict=True))
        said = []
        if rng.random() < 0.75:
            by_weight = sorted(topics, key=lambda topic: -weights[topic])
            said = by_weight[: rng.choice((1, 2, 3))]
            if rng.random() < 0.2:  # one they care little about: picked from the list at signup, never booked
                said[-1] = rng.choice([topic for topic in pool if topic not in weights] or pool)
        goals = f"I want to {GOALS[main]}" if rng.random() < 0.5 else ""
        count = min(30, int(nrng.geometric(0.2)))  # mean 5
        interest = np.full(len(topic_weight), 0.004)  # a little curiosity for every topic
        for topic, weight in weights.items():
            interest[topic_index[topic]] += weight
        scores = interest[offering_topic] * base
        booked = []
        for _ in range(count):
            chosen = int(nrng.choice(len(keys), p=scores / scores.sum()))
            booked.append(keys[chosen])
            scores[offering_mentor == offering_mentor[chosen]] *= 3.0  # they come back to mentors they know
            scores[chosen] = 0.0  # an offering once
        times = sorted(rng.random() for _ in booked)
        people.append({"interests": tuple(said), "goals": goals, "booked": booked, "times": times})

    # What the site knows of each mentor: ratings drawn from their hidden quality, more of them for
    # busier mentors, and the share of their sessions that took place.
    sessions_of = {}
    for person in people:
        for key in person["booked"]:
            sessions_of[by_key[key].mentor_id] = sessions_of.get(by_key[key].mentor_id, 0) + 1
    rated = []
    for offering in offerings:
        quality = quality_of[offering.mentor_id]
        count = int(nrng.binomial(sessions_of.get(offering.mentor_id, 0), 0.6))
        ratings = np.clip(np.rint(nrng.normal(1 + 4 * quality, 0.7, size=count)), 1, 5)
        completion = float(np.clip(nrng.normal(0.85 + 0.13 * quality, 0.03), 0, 1))
        rated.append(
            engine.Offering(
                **{**offering.__dict__, "rating_sum": float(ratings.sum()), "rating_count": count,
                   "completion": completion}
            )
        )  # fmt: skip
    return Population(offerings=rated, topic_of=topic_of, field_of_topic=field_of_topic, learners=people)


@dataclass
class Split:
    histories: list[list[str]]  # what trains the model (everyone's)
    cases: list[tuple[int, engine.Learner, str]]  # (their row in histories, the learner as the site knows them,
    #                                               the held-out offering)
    recent: dict[str, int]  # training bookings in the latest fifth of the timeline


def split_make(population: Population, *, back: int) -> Split:
    """Hold out each learner's ``back``-th booking from the end (1: the last, for the test split;
    2: the one before, for validation); the bookings before it are their history."""
    histories, cases, recent = [], [], {}
    for person in population.learners:
        booked, times = person["booked"], person["times"]
        if len(booked) < back:
            histories.append(list(booked))
            continue
        cut = len(booked) - back
        history = booked[:cut]
        histories.append(history)
        for key, moment in zip(history, times[:cut], strict=True):
            if moment > 0.8:
                recent[key] = recent.get(key, 0) + 1
        learner = engine.Learner(interests=person["interests"], goals=person["goals"], booked=tuple(history))
        cases.append((len(histories) - 1, learner, booked[cut]))
    return Split(histories=histories, cases=cases, recent=recent)


@dataclass
class Result:
    name: str
    hits: int = 0
    gain: float = 0.0
    shown: set = field(default_factory=set)
    times: list = field(default_factory=list)
    cold_hits: int = 0
    cold: int = 0
    cases: int = 0
    fit_ms: float = 0.0

    def add(self, ranked: list[str], target: str, seconds: float, *, cold: bool) -> None:
        self.cases += 1
        self.times.append(seconds * 1000)
        self.shown.update(ranked)
        self.cold += cold
        if target in ranked:
            self.hits += 1
            self.cold_hits += cold
            self.gain += 1 / math.log2(ranked.index(target) + 2)

    @property
    def hit_rate(self) -> float:
        return self.hits / self.cases if self.cases else 0.0

    @property
    def ndcg(self) -> float:
        return self.gain / self.cases if self.cases else 0.0


def evaluate(
    population: Population, split: Split, *, weights_list: dict[str, dict], seed: int, als: dict | None
) -> list[Result]:
    """Every method on every case of ``split``. The engine's methods share one computation of the
    learner's signals per case (as the product computes them: all four, then the top five), and
    each is timed as that computation plus its own ranking."""
    offerings = [
        engine.Offering(**{**offering.__dict__, "recent_bookings": split.recent.get(offering.key, 0)})
        for offering in population.offerings
    ]
    began = time.perf_counter()
    model = engine.fit(histories=split.histories, offerings=offerings)
    catalogue = engine.Catalogue(model, offerings)
    fitted = (time.perf_counter() - began) * 1000
    keys = [offering.key for offering in catalogue.offerings]
    counts = {}
    for history in split.histories:
        for key in history:
            counts[key] = counts.get(key, 0) + 1
    popular = sorted(keys, key=lambda key: (-counts.get(key, 0), key))
    rng = random.Random(seed)

    results = {name: Result(name=name) for name in ("random", "popularity", *weights_list)}
    for name in weights_list:
        results[name].fit_ms = fitted
    for _row, learner, target in split.cases:
        cold = not learner.booked
        seen = set(learner.booked)
        start = time.perf_counter()
        ranked = [key for key in rng.sample(keys, min(len(keys), K + len(seen))) if key not in seen][:K]
        results["random"].add(ranked, target, time.perf_counter() - start, cold=cold)
        start = time.perf_counter()
        ranked = [key for key in popular if key not in seen][:K]
        results["popularity"].add(ranked, target, time.perf_counter() - start, cold=cold)
        start = time.perf_counter()
        found = engine.signals(catalogue, learner)
        shared = time.perf_counter() - start
        for name, weights in weights_list.items():
            start = time.perf_counter()
            ranked = [keys[position] for position in found.top(K, weights)]
            results[name].add(ranked, target, shared + time.perf_counter() - start, cold=cold)
    found_results = list(results.values())
    if als is not None:
        found_results.append(_implicit_als(split, keys, seed=seed, **als))
    return found_results


ALS_DEFAULTS = {"factors": 32, "regularization": 0.01, "bm25": True}  # the best of --tune's grid at full size


def _implicit_als(
    split: Split, keys: list[str], *, seed: int, factors: int, regularization: float, bm25: bool
) -> Result:
    from implicit.als import AlternatingLeastSquares
    from implicit.nearest_neighbours import bm25_weight

    index = {key: position for position, key in enumerate(keys)}
    rows, columns = [], []
    for learner, history in enumerate(split.histories):
        for key in dict.fromkeys(history):
            rows.append(learner)
            columns.append(index[key])
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(len(split.histories), len(keys))
    )
    model = AlternatingLeastSquares(
        factors=factors, iterations=15, regularization=regularization, random_state=seed, num_threads=1
    )
    began = time.perf_counter()
    model.fit(bm25_weight(matrix, K1=100, B=0.8).tocsr() if bm25 else matrix, show_progress=False)
    result = Result(name="implicit ALS (library)", fit_ms=(time.perf_counter() - began) * 1000)
    for row, learner, target in split.cases:
        start = time.perf_counter()
        if not learner.booked:
            ranked = []  # nothing to go on: ALS has no vector for a learner with no bookings
        else:
            ids, _scores = model.recommend(row, matrix[row], N=K, filter_already_liked_items=True)
            ranked = [keys[int(item)] for item in ids]
        result.add(ranked, target, time.perf_counter() - start, cold=not learner.booked)
    return result


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)] if ordered else 0.0


def report(results: list[Result], *, offerings: int) -> None:
    header = f"{'method':<26}{'HitRate@5':>10}{'NDCG@5':>9}{'coverage':>10}{'p95 ms':>8}{'fit ms':>8}{'cold HR@5':>11}"
    print(header)
    print("-" * len(header))
    for result in results:
        cold = f"{result.cold_hits / result.cold:.3f}" if result.cold else "-"
        print(
            f"{result.name:<26}{result.hit_rate:>10.3f}{result.ndcg:>9.3f}{len(result.shown) / offerings:>10.1%}"
            f"{percentile(result.times, 0.95):>8.2f}{result.fit_ms:>8.0f}{cold:>11}"
        )


def tune(population: Population, *, seed: int) -> tuple[dict[str, float], dict]:
    """Grid-search the hybrid's weights, and implicit's factors, regularisation and weighting, on
    the validation split (second-to-last bookings): the same care for both sides."""
    split = split_make(population, back=2)
    grid = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8)
    candidates = {}
    for content, collaborative, quality in itertools.product(grid, grid, grid):
        trending = round(1 - content - collaborative - quality, 2)
        if trending >= 0 and content > 0:
            candidates[f"{content}/{collaborative}/{quality}/{trending}"] = {
                "content": content, "collaborative": collaborative, "quality": quality, "trending": trending,
            }  # fmt: skip
    results = evaluate(population, split, weights_list=candidates, seed=seed, als=None)
    best = max((result for result in results if result.name in candidates), key=lambda result: result.ndcg)
    print(f"validation split ({len(split.cases):,} learners): best of {len(candidates)} weightings by NDCG@5:")
    print(f"  content/collaborative/quality/trending = {best.name} ({best.ndcg:.3f})")
    keys = sorted(offering.key for offering in population.offerings)
    best_als, best_als_ndcg = {}, -1.0
    for factors, regularization, bm25 in itertools.product((16, 32, 64), (0.01, 0.1, 1.0), (False, True)):
        als = {"factors": factors, "regularization": regularization, "bm25": bm25}
        result = _implicit_als(split, keys, seed=seed, **als)
        if result.ndcg > best_als_ndcg:
            best_als, best_als_ndcg = als, result.ndcg
    print(f"  implicit ALS: {best_als} ({best_als_ndcg:.3f})")
    return candidates[best.name], best_als


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--mentors", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tune", action="store_true", help="grid-search the weights on the validation split first")
    parser.add_argument("--tiny", action="store_true", help="200 learners, 40 mentors (CI; no figures)")
    args = parser.parse_args()
    if args.tiny:
        args.learners, args.mentors = 200, 40
    if not 20 <= args.learners <= 200_000 or not 5 <= args.mentors <= 20_000:
        parser.error("--learners must be between 20 and 200,000 and --mentors between 5 and 20,000")

    began = time.perf_counter()
    population = population_build(learners=args.learners, mentors=args.mentors, seed=args.seed)
    bookings = sum(len(person["booked"]) for person in population.learners)
    print(
        f"population: {args.learners:,} learners, {args.mentors} mentors, {len(population.offerings)} offerings,"
        f" {bookings:,} bookings ({bookings / args.learners:.1f} a learner), seed {args.seed},"
        f" built in {time.perf_counter() - began:.0f} s"
    )
    weights, als = tune(population, seed=args.seed) if args.tune else (engine.WEIGHTS, ALS_DEFAULTS)
    split = split_make(population, back=1)
    only = {name: {signal: float(signal == name) for signal in engine.WEIGHTS} for name in ("content", "collaborative")}
    results = evaluate(
        population,
        split,
        weights_list={"content only": only["content"], "collaborative only": only["collaborative"], "hybrid": weights},
        seed=args.seed,
        als=als,
    )
    print(f"test split: each learner's last booking held out ({len(split.cases):,} learners)")
    print(f"hybrid weights {weights}; implicit ALS {als}, 15 iterations")
    print()
    report(results, offerings=len(population.offerings))
    by_name = {result.name: result for result in results}
    hybrid, popular = by_name["hybrid"], by_name["popularity"]
    library = by_name["implicit ALS (library)"]
    print()
    print(f"hybrid vs popularity, NDCG@5: {hybrid.ndcg / popular.ndcg - 1:+.0%} (goal: at least +30 %)")
    print(f"hybrid vs implicit ALS, NDCG@5: {hybrid.ndcg:.3f} vs {library.ndcg:.3f} (goal: no worse)")
    print(f"whole run: {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
