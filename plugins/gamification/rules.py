"""What one person has earned, worked out from their records alone: a pure function, no database.

A session *counts* when both people were in the room together for at least half its scheduled
length (core's presence records, through ``core.plugin_api.sessions_attended``) and it was not
refunded in full. From the
sessions that count, the feedback and the reviews, ``standing`` works out every badge the rules
give, the points, the streaks (calendar weeks, Monday to Sunday, in the person's timezone) and
the progress towards the next badges. Because the answer depends only on the records, awarding
it again, or after events that came out of order, changes nothing, and a recompute from
scratch gives the same answer (docs/decisions/0018-badges.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

# Points: what earns them, how many, and the line shown beside the total.
POINTS_SESSION = 10
POINTS_FEEDBACK = 5
POINTS_STREAK_WEEK = 5
POINT_RULES = (
    ("session", POINTS_SESSION, "for each session that counts (you and the other person both there for half of it)"),
    ("feedback", POINTS_FEEDBACK, "for each review you write after a session"),
    ("streak_week", POINTS_STREAK_WEEK, "for each week that keeps a streak going"),
)

TOPIC_SESSIONS = "topic_sessions"
SESSIONS = "sessions"
HOURS = "hours"
STREAK_WEEKS = "streak_weeks"
FEEDBACK_GIVEN = "feedback_given"
TOP_RATED = "top_rated"


@dataclass(frozen=True)
class Rule:
    """A badge rule as the engine sees it (``BadgeRule`` without the database)."""

    id: int
    kind: str
    audience: str  # "learner", "mentor" or "both"
    threshold: int
    name: str
    description: str = ""
    icon: str = "sparkles"
    min_average: float | None = None

    def name_for(self, topic: str = "") -> str:
        return _fill(self.name, topic=topic, threshold=self.threshold)

    def description_for(self, topic: str = "") -> str:
        return _fill(self.description, topic=topic, threshold=self.threshold)


def _fill(pattern: str, **values) -> str:
    try:
        return pattern.format(**values)
    except (KeyError, IndexError, ValueError):
        return pattern


@dataclass(frozen=True)
class Attended:
    """One completed session the person came into the room for (``SessionAttendance``'s fields)."""

    id: int
    role: str  # "learner" or "mentor"
    starts_at: datetime
    scheduled_minutes: int
    together_minutes: int
    topics: tuple[str, ...] = ()
    refunded: bool = False

    @property
    def counts(self) -> bool:
        """Both people were there together for at least half the scheduled length, and the
        learner's payment was not refunded in full."""
        return not self.refunded and self.scheduled_minutes > 0 and self.together_minutes * 2 >= self.scheduled_minutes


@dataclass(frozen=True)
class Feedback:
    given: int = 0
    received: int = 0
    received_average: float | None = None


@dataclass(frozen=True)
class Progress:
    """How far the person is towards one badge: ``have`` of ``need``, said in ``text``."""

    rule: Rule
    topic: str  # the topic's key ("" for rules without one)
    name: str
    have: float
    need: int
    text: str

    @property
    def percent(self) -> int:
        return max(0, min(100, int(100 * self.have / self.need))) if self.need else 100


@dataclass
class Standing:
    sessions: int = 0
    minutes: int = 0
    topic_sessions: dict[str, int] = field(default_factory=dict)  # topic key -> sessions that count
    topic_names: dict[str, str] = field(default_factory=dict)  # topic key -> as people read it
    weeks: tuple[date, ...] = ()  # the Mondays of the weeks with a session that counts, oldest first
    current_streak: int = 0
    best_streak: int = 0
    feedback: Feedback = field(default_factory=Feedback)
    earned: dict[tuple[int, str], str] = field(default_factory=dict)  # (rule id, topic key) -> badge name
    points: dict[tuple[str, str], int] = field(default_factory=dict)  # (reason, reference) -> points
    progress: list[Progress] = field(default_factory=list)  # towards badges not earned, closest first

    @property
    def points_total(self) -> int:
        return sum(self.points.values())


def topic_key(topic: str) -> str:
    return " ".join(str(topic).split()).casefold()[:100]


def _topic_names(sessions: Iterable[Attended], vocabulary: Iterable[str]) -> dict[str, str]:
    """Each topic key as people read it: PeerLearn's own spelling ("SQL"), else the spelling the
    mentors used most (the first in alphabetical order on a tie)."""
    known = {topic_key(word): word for word in vocabulary}
    spellings: dict[str, Counter] = {}
    for session in sessions:
        for topic in session.topics:
            key = topic_key(topic)
            if key:
                spellings.setdefault(key, Counter())[" ".join(str(topic).split())] += 1
    return {
        key: known.get(key) or sorted(counter.items(), key=lambda item: (-item[1], item[0]))[0][0]
        for key, counter in spellings.items()
    }


def monday(moment: datetime, tz: ZoneInfo) -> date:
    day = moment.astimezone(tz).date()
    return day - timedelta(days=day.weekday())


def streaks(weeks: Sequence[date], this_week: date) -> tuple[int, int]:
    """(current, best) runs of consecutive weeks. The current run is alive while its last week
    is this week or the week before (this week may still bring a session)."""
    best = current = run = 0
    previous = None
    for week in weeks:
        run = run + 1 if previous is not None and week - previous == timedelta(days=7) else 1
        best = max(best, run)
        previous = week
    if previous is not None and this_week - previous <= timedelta(days=7):
        current = run
    return current, best


def _for(audience: str, sessions: Sequence[Attended]) -> list[Attended]:
    return [session for session in sessions if audience == "both" or session.role == audience]


def standing(
    *,
    attended: Iterable[Attended],
    feedback: Feedback,
    tz: ZoneInfo,
    rules: Sequence[Rule],
    today: date,
    vocabulary: Iterable[str] = (),
) -> Standing:
    """Everything the person has earned, from their records (see the module docstring)."""
    counted = sorted((s for s in attended if s.counts), key=lambda s: (s.starts_at, s.id))
    names = _topic_names(counted, vocabulary)
    this_week = today - timedelta(days=today.weekday())
    result = Standing(feedback=feedback, topic_names=names)
    result.sessions = len(counted)
    result.minutes = sum(s.together_minutes for s in counted)
    result.topic_sessions = dict(_topic_counts(counted))
    result.weeks = tuple(sorted({monday(s.starts_at, tz) for s in counted}))
    result.current_streak, result.best_streak = streaks(result.weeks, this_week)

    for session in counted:
        result.points[("session", f"session:{session.id}")] = POINTS_SESSION
    for number in range(1, feedback.given + 1):
        result.points[("feedback", f"feedback:{number}")] = POINTS_FEEDBACK
    for previous, week in zip(result.weeks, result.weeks[1:], strict=False):
        if week - previous == timedelta(days=7):
            result.points[("streak_week", f"week:{week.isoformat()}")] = POINTS_STREAK_WEEK

    progress: list[Progress] = []
    for rule in rules:
        mine = _for(rule.audience, counted)
        if rule.kind == TOPIC_SESSIONS:
            for key, count in _topic_counts(mine).items():
                name = rule.name_for(names[key])
                if count >= rule.threshold:
                    result.earned[(rule.id, key)] = name
                else:
                    text = f"{count} of {rule.threshold} {names[key]} sessions"
                    progress.append(Progress(rule, key, name, count, rule.threshold, text))
            continue
        have, text = _measure(rule, mine, feedback, tz, this_week)
        if _earned(rule, have, feedback):
            result.earned[(rule.id, "")] = rule.name_for()
        else:
            progress.append(Progress(rule, "", rule.name_for(), have, rule.threshold, text))
    result.progress = sorted(progress, key=lambda p: (-p.have / p.need if p.need else 0, p.rule.id, p.topic))
    return result


def _topic_counts(sessions: Iterable[Attended]) -> Counter:
    counts: Counter = Counter()
    for session in sessions:
        counts.update({topic_key(topic) for topic in session.topics if topic_key(topic)})
    return counts


def _measure(rule: Rule, sessions: Sequence[Attended], feedback: Feedback, tz: ZoneInfo, this_week: date):
    """(how far, the words for it) for a rule without a topic."""
    need = rule.threshold
    if rule.kind == SESSIONS:
        return len(sessions), f"{len(sessions)} of {need} session{'s' if need != 1 else ''}"
    if rule.kind == HOURS:
        hours = sum(s.together_minutes for s in sessions) / 60
        return hours, f"{_hours(hours)} of {need} hours"
    if rule.kind == STREAK_WEEKS:
        weeks = sorted({monday(s.starts_at, tz) for s in sessions})
        current, best = streaks(weeks, this_week)
        # Earned on the best run ever; progress is what the current run still needs.
        return best, f"{current} of {need} weeks in a row"
    if rule.kind == FEEDBACK_GIVEN:
        return feedback.given, f"{feedback.given} of {need} reviews written"
    if rule.kind == TOP_RATED:
        average = f", averaging {feedback.received_average:.1f}" if feedback.received_average is not None else ""
        return feedback.received, f"{feedback.received} of {need} reviews{average} (needs {rule.min_average or 0:g})"
    return 0, ""


def _earned(rule: Rule, have: float, feedback: Feedback) -> bool:
    if have < rule.threshold:
        return False
    if rule.kind == TOP_RATED:
        return (
            rule.min_average is not None
            and feedback.received_average is not None
            and feedback.received_average >= rule.min_average
        )
    return True


def _hours(hours: float) -> str:
    whole = int(hours * 10) / 10  # never rounded up to a number not yet reached
    return f"{whole:g}"
