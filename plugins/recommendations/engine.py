"""How the plugin ranks sessions for a learner: four signals, one documented scoring function, and
for every suggestion the reason in plain words.

Pure functions over plain data, no Django: ``services`` builds the inputs from the database
(through ``core.plugin_api``) and ``bench/recommendations.py`` from a synthetic population, and
both rank with this code, so the figures the bench prints are the product's.

The things ranked are **offerings**: what a mentor teaches again and again (one mentor, one
title). Sessions are one-off slots, so what learners booked together is counted per offering,
and a learner is shown the soonest bookable session of each offering.

The signals, each in [0, 1] for one learner and one offering:

- **content**: cosine similarity of TF-IDF vectors (scikit-learn) between what the learner told
  us or did — their interests, their goals, the offerings they booked — and the offering's
  title, topics and description. Each of those parts is compared on its own; the best one is
  both the signal and its reason.
- **collaborative**: item-item cosine between offerings over who booked them (scipy sparse
  matrices), for pairs at least ``MIN_SUPPORT`` learners booked together, so that no
  suggestion rests on one person's choice. An offering's signal combines its similarities to
  each offering the learner booked as a noisy-or: 1 - Π(1 - s).
- **quality**: the mentor's Bayesian-average rating (``PRIOR_RATINGS`` pseudo-ratings of
  ``PRIOR_MEAN``, so three 5-star reviews do not beat thirty 4.8s), scaled to [0, 1], times the
  share of their sessions that took place.
- **trending**: bookings of the offering in the last seven days, log-scaled against the busiest
  offering; a session that is live now gets the full signal.

The two personal signals are scaled so that the learner's best match is 1 (cosines differ in
size from one learner and one catalogue to the next); the score is ``WEIGHTS`` · signals, less
``DISLIKE`` times the offering's likeness to a class the learner said "Not interested" to (so
that "Not interested" teaches: look-alikes sink too, while the class itself never returns). The
weights come from a grid searched on a validation split of the bench's population (learners'
second-to-last bookings), never on the split the bench reports (``bench/recommendations.py
--tune``). The grid's best gave quality no weight; these take 0.05 from collaborative for it,
within 0.001 NDCG@5 of the best on validation (0.166 and 0.167), so that a top-rated mentor
still counts where nothing else tells two sessions apart. Collaborative weighs most, but it is
zero until enough learners booked an offering together, so a new marketplace, or a learner with
no bookings yet, is ranked by their interests and goals first. Ties go to the smaller offering
key, so a ranking is the same every time. Why so, and what a reason may say:
docs/decisions/0019-recommendations.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

WEIGHTS = {"content": 0.20, "collaborative": 0.60, "quality": 0.05, "trending": 0.15}  # see the docstring
MIN_SUPPORT = 3  # learners who booked both offerings before the pair counts (and is ever named)
SHRINK = 10  # a pair's similarity is scaled by n / (n + SHRINK), n the learners who booked both
PRIOR_MEAN, PRIOR_RATINGS = 4.0, 5  # the Bayesian average's prior: 5 pseudo-ratings of 4.0
TOP_RATED = 4.5  # a Bayesian average from at least TOP_RATED_MIN ratings reads "Top-rated mentor"
TOP_RATED_MIN = 5
TRENDING_MIN = 3  # "Popular this week" needs this many bookings in the last 7 days
INTEREST_WEIGHT = 2  # stated interests count twice in the learner's profile text
DISLIKE = 0.30  # taken off a score per unit of likeness to a class the learner said "Not interested" to


@dataclass(frozen=True)
class Offering:
    """One thing that can be suggested: a mentor's class, with its soonest bookable session."""

    key: str  # stable: "mentor id:normalised title"
    title: str
    text: str  # title, topics and description, as the content signal reads it
    domain: str = ""  # the mentor's field, for "Top-rated mentor in …"
    mentor_id: int = 0
    rating_sum: float = 0.0  # the mentor's verified ratings (1-5), summed
    rating_count: int = 0
    completion: float = 1.0  # share of the mentor's sessions that took place
    recent_bookings: int = 0  # of this offering, in the last 7 days
    is_live: bool = False
    session_id: int = 0  # the soonest bookable session (0 in the bench)


@dataclass(frozen=True)
class Learner:
    """What one learner told us or did, all of it their own."""

    interests: tuple[str, ...] = ()
    goals: str = ""
    booked: tuple[str, ...] = ()  # offering keys, oldest first
    dismissed: frozenset[str] = frozenset()  # offering keys they said "Not interested" to


@dataclass(frozen=True)
class Suggestion:
    offering: Offering
    score: float
    signal: str  # the signal the reason comes from: content, collaborative, quality, trending or none
    reason: str
    signals: Mapping[str, float] = field(default_factory=dict)
    dislike: float = 0.0  # likeness to what the learner said "Not interested" to (score: minus DISLIKE ×)


def offering_key(*, mentor_id: int, title: str) -> str:
    return f"{mentor_id}:{' '.join(title.casefold().split())}"


class Model:
    """What is learnt from everyone, in aggregate: the vocabulary and the offerings booked together.

    Built by ``fit``; read-only afterwards, so one model serves many learners (and threads)."""

    def __init__(
        self,
        *,
        vectorizer: TfidfVectorizer,
        keys: list[str],
        similarity: sparse.csr_matrix,
        support: sparse.csr_matrix,
        titles: Mapping[str, str],
    ) -> None:
        self.vectorizer = vectorizer
        self.keys = keys
        self.index = {key: position for position, key in enumerate(keys)}
        self.similarity = similarity
        self.support = support
        self.titles = dict(titles)

    def pairs_with(self, key: str) -> dict[str, tuple[float, int]]:
        """The offerings booked together with ``key``: {other key: (cosine, learners who booked both)}."""
        row = self.index.get(key)
        if row is None:
            return {}
        start, end = self.similarity.indptr[row], self.similarity.indptr[row + 1]
        columns = self.similarity.indices[start:end]
        values = self.similarity.data[start:end]
        counts = self.support[row].toarray().ravel()
        return {
            self.keys[column]: (float(value), int(counts[column]))
            for column, value in zip(columns, values, strict=True)
        }


def fit(*, histories: Iterable[Sequence[str]], offerings: Iterable[Offering]) -> Model:
    """Learn the vocabulary from the offerings' texts and the item-item similarities from
    ``histories`` (each learner's booked offering keys). The same inputs give the same model."""
    offerings = sorted(offerings, key=lambda offering: offering.key)
    titles = {offering.key: offering.title for offering in offerings}
    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), stop_words="english", token_pattern=TOKENS)
    # One more document of a word no offering uses, so an empty catalogue, or one whose texts are
    # all stop words ("The"), still gives a vocabulary (with nothing in common with anyone).
    vectorizer.fit([*(offering.text for offering in offerings), "peerlearn"])

    histories = [list(dict.fromkeys(history)) for history in histories]  # each offering once per learner
    keys = sorted({key for history in histories for key in history} | set(titles))
    index = {key: position for position, key in enumerate(keys)}
    rows, columns = [], []
    for learner, history in enumerate(histories):
        for key in history:
            rows.append(learner)
            columns.append(index[key])
    booked = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, columns)), shape=(len(histories), len(keys))
    )
    together = (booked.T @ booked).tocsr()  # learners who booked both
    counts = together.diagonal()
    together.setdiag(0)
    together.eliminate_zeros()
    together.data[together.data < MIN_SUPPORT] = 0
    together.eliminate_zeros()
    support = together.copy()
    cosine = together.tocoo()
    norms = np.sqrt(counts)
    # Shrunk towards 0 by how few learners back the pair (Koren's shrinkage, n / (n + SHRINK)): a
    # cosine of 1.0 from three learners says less than 0.6 from three hundred.
    values = cosine.data / (norms[cosine.row] * norms[cosine.col]) * (cosine.data / (cosine.data + SHRINK))
    similarity = sparse.csr_matrix((values, (cosine.row, cosine.col)), shape=together.shape)
    return Model(vectorizer=vectorizer, keys=keys, similarity=similarity, support=support, titles=titles)


TOKENS = r"(?u)\b\w[\w+#]*"  # words, and C++ / C# as one token each


class Catalogue:
    """The offerings open for booking now, vectorised once for many learners: their text vectors
    and the two signals that are the same for everyone (quality, trending)."""

    def __init__(self, model: Model, offerings: Sequence[Offering]) -> None:
        self.model = model
        self.offerings = sorted(offerings, key=lambda offering: offering.key)
        self.position = {offering.key: position for position, offering in enumerate(self.offerings)}
        texts = [offering.text for offering in self.offerings]
        self.vectors = model.vectorizer.transform(texts) if texts else None
        busiest = max((offering.recent_bookings for offering in self.offerings), default=0)
        scale = math.log1p(busiest) or 1.0
        self.quality = np.array([mentor_quality(offering) for offering in self.offerings])
        self.trending = np.array(
            [1.0 if offering.is_live else math.log1p(offering.recent_bookings) / scale for offering in self.offerings]
        )


def mentor_rating(offering: Offering) -> float:
    """The Bayesian average of the mentor's ratings (1-5)."""
    return (PRIOR_MEAN * PRIOR_RATINGS + offering.rating_sum) / (PRIOR_RATINGS + offering.rating_count)


def mentor_quality(offering: Offering) -> float:
    return max(0.0, (mentor_rating(offering) - 1) / 4) * max(0.0, min(1.0, offering.completion))


def _content(catalogue: Catalogue, learner: Learner) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per offering: the content signal, and which part of the learner's profile gave it (an
    index into the returned labels)."""
    count = len(catalogue.offerings)
    parts: list[tuple[str, str]] = []  # (label for the reason, text)
    for interest in learner.interests:
        if interest.strip():
            parts.append((f"interest:{interest.strip()}", " ".join([interest] * INTEREST_WEIGHT)))
    if learner.goals.strip():
        parts.append(("goals:", learner.goals))
    for key in learner.booked[-10:]:  # the ten latest bookings speak for their taste
        title = catalogue.model.titles.get(key)
        if title:
            parts.append((f"booked:{title}", title))
    if not parts or catalogue.vectors is None:
        return np.zeros(count), np.full(count, -1), []
    vectors = catalogue.model.vectorizer.transform([text for _label, text in parts])
    combined = vectors.sum(axis=0)
    norm = np.linalg.norm(combined)
    similarities = (catalogue.vectors @ vectors.T).toarray()  # offerings × parts
    whole = np.asarray(catalogue.vectors @ (np.asarray(combined).ravel() / norm)).ravel() if norm else np.zeros(count)
    best = similarities.argmax(axis=1)
    best[similarities.max(axis=1) <= 0] = -1
    return whole, best, [label for label, _text in parts]


def _collaborative(catalogue: Catalogue, learner: Learner) -> tuple[np.ndarray, list[str]]:
    """Per offering: the noisy-or of its similarities to what the learner booked, and the
    booked offering that gave the most."""
    count = len(catalogue.offerings)
    miss = np.ones(count)
    best_value = np.zeros(count)
    best_from = [""] * count
    for key in dict.fromkeys(learner.booked):
        for other, (value, _support) in catalogue.model.pairs_with(key).items():
            position = catalogue.position.get(other)
            if position is None:
                continue
            miss[position] *= 1 - value
            if value > best_value[position]:
                best_value[position], best_from[position] = value, key
    return 1 - miss, best_from


def _dislike(catalogue: Catalogue, learner: Learner) -> np.ndarray:
    """Per offering: its likeness to the classes the learner said "Not interested" to (the
    highest cosine of their texts, in [0, 1]), so that one "Not interested" also lowers the
    look-alikes. A dismissed class no longer open is compared by its title."""
    count = len(catalogue.offerings)
    if not learner.dismissed or catalogue.vectors is None:
        return np.zeros(count)
    dismissed = sorted(learner.dismissed)
    rows = [catalogue.position[key] for key in dismissed if key in catalogue.position]
    titles = [key.partition(":")[2] for key in dismissed if key not in catalogue.position]
    parts = [catalogue.vectors[rows]] if rows else []
    if titles:
        parts.append(catalogue.model.vectorizer.transform(titles))
    likeness = (catalogue.vectors @ sparse.vstack(parts).T).toarray()  # offerings × dismissed, cosines
    return np.clip(likeness.max(axis=1), 0.0, 1.0)


@dataclass
class Signals:
    """One learner's four signals for every offering of a catalogue, and where the two personal
    ones came from (for the reasons)."""

    catalogue: Catalogue
    values: dict[str, np.ndarray]
    excluded: np.ndarray  # booked or dismissed: never suggested
    content_from: np.ndarray  # index into content_labels, -1 for none
    content_labels: list[str]
    collaborative_from: list[str]  # the booked offering that gave the most, "" for none
    dislike: np.ndarray  # likeness to what the learner said "Not interested" to

    def scores(self, weights: Mapping[str, float] = WEIGHTS) -> np.ndarray:
        total = sum(weights[name] * self.values[name] for name in SIGNALS) - DISLIKE * self.dislike
        return np.where(self.excluded, -np.inf, total)

    def top(self, limit: int, weights: Mapping[str, float] = WEIGHTS) -> list[int]:
        """Positions of the ``limit`` best offerings, best first; ties to the smaller key."""
        scores = self.scores(weights)
        allowed = int((~self.excluded).sum())
        order = np.lexsort((np.arange(len(scores)), -scores))  # by score, then by key (the catalogue's order)
        return [int(position) for position in order[: min(limit, allowed)]]


SIGNALS = ("content", "collaborative", "quality", "trending")


def _relative(values: np.ndarray) -> np.ndarray:
    """Scaled so that the learner's best match is 1: cosines differ in size from one learner (and
    one catalogue) to the next, and the weights must mean the same for everyone."""
    top = float(values.max()) if len(values) else 0.0
    return values / top if top > 0 else values


def signals(catalogue: Catalogue, learner: Learner) -> Signals:
    content, content_from, content_labels = _content(catalogue, learner)
    collaborative, collaborative_from = _collaborative(catalogue, learner)
    content, collaborative = _relative(content), _relative(collaborative)
    excluded = np.zeros(len(catalogue.offerings), dtype=bool)
    for key in set(learner.booked) | set(learner.dismissed):
        position = catalogue.position.get(key)
        if position is not None:
            excluded[position] = True
    return Signals(
        catalogue=catalogue,
        values={"content": content, "collaborative": collaborative, "quality": catalogue.quality,
                "trending": catalogue.trending},
        excluded=excluded,
        content_from=content_from,
        content_labels=content_labels,
        collaborative_from=collaborative_from,
        dislike=_dislike(catalogue, learner),
    )  # fmt: skip


def rank(
    catalogue: Catalogue, learner: Learner, *, limit: int, weights: Mapping[str, float] = WEIGHTS
) -> list[Suggestion]:
    """Up to ``limit`` offerings for ``learner``, best first, each with its reason. Offerings the
    learner booked or dismissed never come back."""
    if limit <= 0 or not catalogue.offerings:
        return []
    found = signals(catalogue, learner)
    scores = found.scores(weights)
    suggestions = []
    for position in found.top(limit, weights):
        offering = catalogue.offerings[position]
        values = {name: float(found.values[name][position]) for name in SIGNALS}
        label_index = int(found.content_from[position])
        signal, reason = _reason(
            catalogue,
            offering,
            values,
            weights,
            content_label=found.content_labels[label_index] if label_index >= 0 else "",
            collaborative_from=found.collaborative_from[position],
        )
        suggestions.append(
            Suggestion(
                offering=offering,
                score=float(scores[position]),
                signal=signal,
                reason=reason,
                signals=values,
                dislike=float(found.dislike[position]),
            )
        )
    return suggestions


def _same_class(title: str, other: str) -> bool:
    """Whether two titles name the same class (then "also booked this" would read as nonsense)."""
    return " ".join(title.casefold().split()) == " ".join(other.casefold().split())


def _reason(
    catalogue: Catalogue,
    offering: Offering,
    signals: Mapping[str, float],
    weights: Mapping[str, float],
    *,
    content_label: str,
    collaborative_from: str,
) -> tuple[str, str]:
    """The plain-words reason of the signal that gave the most to the score and can be said
    truthfully; never anything about another person."""
    for name in sorted(signals, key=lambda name: (-weights[name] * signals[name], name)):
        if weights[name] * signals[name] <= 0:
            break
        if name == "content" and content_label:
            kind, _, detail = content_label.partition(":")
            if kind == "interest":
                return name, f"Because you're interested in {detail}"
            if kind == "booked":
                if _same_class(detail, offering.title):  # the same class, another mentor's
                    return name, f"You booked {detail} with another mentor"
                return name, f"Because you booked {detail}"
            return name, "Matches your goals"
        if name == "collaborative" and collaborative_from:
            title = catalogue.model.titles.get(collaborative_from, "")
            if title and _same_class(title, offering.title):
                return name, f"Learners who booked {title} also booked this mentor's class"
            if title:
                return name, f"Learners who booked {title} also booked this"
        if name == "quality" and offering.rating_count >= TOP_RATED_MIN and mentor_rating(offering) >= TOP_RATED:
            return name, f"Top-rated mentor in {offering.domain}" if offering.domain else "Top-rated mentor"
        if name == "trending":
            if offering.is_live:
                return name, "Live now"
            if offering.recent_bookings >= TRENDING_MIN:
                return name, f"Popular this week: {offering.recent_bookings} bookings"
    return "none", "Open for booking"
