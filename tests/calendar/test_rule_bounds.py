"""The recurrence model (lieux.calendar.rules) and its bounded expansion (lieux.calendar.expansion):
what it refuses, and that checking or expanding any rule, absurd ones included, stays within a
fixed number of steps (issue 20).

Speed is asserted as steps counted by the walk itself (periods dateutil walked, dates it
yielded), never as time; `bench/rules.py` times the worst rules.
"""

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec
import pytest
from dateutil.rrule import rrulestr
from hypothesis import assume, given
from hypothesis import strategies as st

from lieux import budget
from lieux.calendar import expansion, rules
from lieux.calendar.expansion import OCCURRENCES_MAX, PERIODS_MAX, RuleError, walk
from lieux.calendar.models import Activity
from lieux.calendar.recurrence import occurrences
from lieux.calendar.rules import check_series, keep_overrides, normalize_rrule

ZONE = ZoneInfo("Europe/Brussels")
START = datetime(2026, 11, 24, 14, 0)  # a Tuesday
HOUR = timedelta(hours=1)


def aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=ZONE)


@contextmanager
def counted_walks():
    """Every walk made meanwhile, to read what each one cost (the real walk runs)."""
    walks = []
    real = expansion.walk

    def recording(*args, **kwargs):
        found = real(*args, **kwargs)
        walks.append(found)
        return found

    expansion.walk = recording
    try:
        yield walks
    finally:
        expansion.walk = real


def within_caps(found: expansion.Walk) -> bool:
    # A cap is noticed on the step that goes past it.
    return found.periods <= PERIODS_MAX + 1 and found.occurrences <= OCCURRENCES_MAX + 1


NEVER = [
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;INTERVAL=7;BYDAY=MO",  # from a Tuesday, every 7 days: always a Tuesday
    "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",  # from 2026: never a leap year
    "FREQ=YEARLY;COUNT=5;BYMONTH=2;BYMONTHDAY=30",
]


@pytest.mark.parametrize("rule", NEVER)
def test_a_rule_that_never_occurs_is_walked_within_the_caps(rule):
    found = walk(rule, aware(START), aware(START), aware(datetime(2199, 12, 31)))
    assert found.found == [] and found.cut
    assert within_caps(found) and found.periods > PERIODS_MAX  # stopped by the cap, not 9999


@pytest.mark.parametrize("rule", NEVER)
def test_a_rule_that_never_occurs_is_refused_by_the_check(rule):
    with counted_walks() as walks, pytest.raises(RuleError) as refused:
        check_series(START, START + HOUR, normalize_rrule(rule, ZONE), ZONE)
    assert refused.value.reason in ("never", "count-span")
    assert 1 <= len(walks) <= 2 and all(within_caps(w) for w in walks)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=WEEKLY;INTERVAL=0;BYMONTH=2",
        "FREQ=HOURLY",
        "FREQ=DAILY;BYHOUR=1,2",
    ],
)
def test_interval_zero_and_finer_than_daily_are_never_iterated(rule):
    """dateutil loops forever on INTERVAL=0, even inside between(): not one step is taken."""
    found = walk(rule, aware(START), aware(START), aware(START + timedelta(days=30)))
    assert found == expansion.Walk(found=[], cut=True)


def test_the_step_counter_sees_dateutil_walk_its_periods():
    """The cap counts where dateutil rebuilds its tables (expansion._Counted): if a dateutil release
    stopped reading `_byeaster` there, the walk would have no period cap; this says so."""
    found = walk(
        "FREQ=WEEKLY;BYDAY=TU", aware(START), aware(START), aware(START + timedelta(days=366))
    )
    assert len(found.found) == 53 and not found.cut
    assert 12 <= found.periods <= 15 and found.occurrences == 54  # the one past the end too


def test_a_walk_starts_near_its_window_not_at_dtstart():
    """A daily series from 1970 seen in 2199 costs a month of steps, not 84,000 dates."""
    dtstart = aware(datetime(1970, 1, 1, 10))
    found = walk("FREQ=DAILY", dtstart, aware(datetime(2199, 3, 1)), aware(datetime(2199, 3, 31)))
    assert len(found.found) == 30 and found.occurrences < 70 and found.periods < 5


@pytest.mark.parametrize(
    ("rule", "dtstart"),
    [
        ("FREQ=DAILY", datetime(1970, 1, 1, 10)),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,TH", datetime(1999, 3, 4, 9)),
        ("FREQ=MONTHLY", datetime(2001, 1, 31, 18)),  # the 31st: months without one skipped
        ("FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR", datetime(2010, 5, 28, 20)),
        ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", datetime(2015, 1, 30, 12)),
        ("FREQ=YEARLY", datetime(2024, 2, 29, 11)),  # 29 February: leap years only
        ("FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO", datetime(2003, 12, 29, 8)),
        ("FREQ=DAILY;INTERVAL=10;UNTIL=20300101T000000Z", datetime(2020, 1, 1, 7)),
    ],
)
def test_walking_from_near_the_window_gives_dateutil_own_dates(rule, dtstart):
    start, end = aware(datetime(2027, 3, 20)), aware(datetime(2028, 4, 2))
    expected = rrulestr(rule, dtstart=aware(dtstart)).between(start, end, inc=True)
    assert expansion.between(rule, aware(dtstart), start, end) == expected


@pytest.mark.parametrize(
    ("starts", "rule", "reason"),
    [
        (START, "FREQ=DAILY;INTERVAL=0", "interval"),
        (START, "FREQ=WEEKLY;INTERVAL=53", "interval"),
        (START, "FREQ=WEEKLY;COUNT=501", "count"),
        (START, "FREQ=WEEKLY;COUNT=0", "count"),
        (START, "FREQ=DAILY;UNTIL=99991231T000000Z", "dates"),
        (datetime(1, 1, 1, 10), "FREQ=WEEKLY", "dates"),
        (datetime(2300, 1, 1, 10), "FREQ=WEEKLY", "dates"),
        (START, "FREQ=YEARLY;BYSETPOS=1,2,3,4,5;BYMONTH=1", "values"),
        (START, "FREQ=YEARLY;BYYEARDAY=" + ",".join(map(str, range(1, 40))), "values"),
        (START, "FREQ=DAILY;BYEASTER=0", "part"),
        (START, "FREQ=MONTHLY;INTERVAL=52;COUNT=500", "count-span"),
        (START, "FREQ=SECONDLY", "frequency"),
        (START, "FREQ=WEEKLY;" + "X-PAD=1;" * 100, "unreadable"),
    ],
)
def test_what_the_model_refuses_and_why(starts, rule, reason):
    with pytest.raises(RuleError) as refused:
        check_series(starts, starts + HOUR, normalize_rrule(rule, ZONE), ZONE)
    assert refused.value.reason == reason
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;BYDAY=TU",
        "FREQ=WEEKLY;INTERVAL=52",
        "FREQ=MONTHLY;BYDAY=-1TU",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",  # from 2026: first in 2028, within five years
        "FREQ=DAILY;COUNT=500",
        "FREQ=WEEKLY;UNTIL=21991231T000000Z",
    ],
)
def test_what_the_model_accepts(rule):
    check_series(START, START + HOUR, normalize_rrule(rule, ZONE), ZONE)


def test_a_series_date_lasts_at_most_a_year_and_one_offs_keep_to_the_years():
    with pytest.raises(RuleError, match="at most 366 days"):
        check_series(START, START + timedelta(days=400), "FREQ=YEARLY", ZONE)
    check_series(START, START + timedelta(days=400), None, ZONE)  # a long one-off is fine
    with pytest.raises(RuleError, match="between 1970 and 2199"):
        check_series(datetime(9999, 12, 31), datetime(9999, 12, 31, 1), None, ZONE)


def test_far_away_exdates_are_dropped_by_comparison_and_too_many_refused():
    """300,000 EXDATEs in year 9999 cost a comparison each, not an expansion each."""
    rule = "FREQ=DAILY"
    far = [datetime(9999, 1, 1, 14) - timedelta(days=n) for n in range(300_000)]
    with counted_walks() as walks:
        kept, dropped = keep_overrides(START, rule, far, ZONE)
    assert kept == [] and len(dropped) == 300_000 and walks == []
    near = [START + timedelta(days=n) for n in range(rules.OVERRIDES_MAX + 1)]
    with pytest.raises(RuleError, match="more than 500"):
        keep_overrides(START, rule, near, ZONE)
    off_rule = [START + timedelta(days=1, hours=1), START + timedelta(days=2)]
    assert keep_overrides(START, rule, off_rule, ZONE) == ([off_rule[1]], [off_rule[0]])


def test_a_stored_rule_that_slipped_in_expands_to_nothing_or_little():
    """Old data: expansion stays bounded whatever is stored (the agenda, feeds, API...)."""
    stamp = datetime(2026, 1, 1)
    for rule, starts in [
        ("FREQ=DAILY;INTERVAL=0", START),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", START),
        ("FREQ=WEEKLY;COUNT=100000", datetime(1, 1, 1, 10)),
    ]:
        activity = Activity(
            id=1,
            uid="old@test",
            lieu_id=1,
            kind="autre",
            title="Old",
            starts_at=starts,
            ends_at=starts + HOUR,
            rrule=rule,
            created_at=stamp,
            updated_at=stamp,
        )
        window = (aware(datetime(2027, 1, 1)), aware(datetime(2027, 12, 31)))
        assert occurrences(activity, *window, ZONE) == []
        assert rules.ended_before(activity, window[0], ZONE)


def test_which_dates_a_series_gives_is_one_walk_and_agrees_with_asking_each():
    """The feed keeps an override only on a date its series gives: asked once per date, a lieu
    with thousands of changed dates cost seconds per feed; one walk over their span now."""
    stamp = datetime(2026, 1, 1)
    weekly = Activity(
        id=1,
        uid="w@test",
        lieu_id=1,
        kind="autre",
        title="Weekly",
        starts_at=START,
        ends_at=START + HOUR,
        rrule="FREQ=WEEKLY;COUNT=300",
        created_at=stamp,
        updated_at=stamp,
    )
    dates = [START + timedelta(days=d) for d in range(0, 2200, 3)]  # 1 in 7 is an occurrence
    found = rules.occurrences_among(weekly, dates, ZONE)
    assert found == {d for d in dates if rules.is_occurrence(weekly, d, ZONE)}
    assert len(found) == len(range(0, 2100, 21))  # every third week, until the 300th
    bad = Activity(**{**msgspec.structs.asdict(weekly), "rrule": "FREQ=DAILY;INTERVAL=0"})
    assert rules.occurrences_among(bad, dates, ZONE) == frozenset()


# --- any rule at all: drawn by hypothesis, absurd parts included ---------------------------

FREQS = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "SECONDLY", "SOMETIMES"]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _values(values, most=40):
    return st.lists(values, min_size=1, max_size=most).map(lambda v: ",".join(map(str, v)))


PARTS = {
    "INTERVAL": st.one_of(st.integers(-3, 60), st.integers(-(10**9), 10**9)).map(str),
    "COUNT": st.one_of(st.integers(-3, 600), st.integers(0, 10**9)).map(str),
    "UNTIL": st.dates(date(1, 1, 1), date(9999, 12, 30)).map(lambda d: f"{d:%Y%m%d}T000000Z"),
    "BYMONTH": _values(st.integers(-1, 14)),
    "BYMONTHDAY": _values(st.integers(-33, 33)),
    "BYYEARDAY": _values(st.integers(-370, 370)),
    "BYWEEKNO": _values(st.integers(-55, 55)),
    "BYSETPOS": _values(st.integers(-370, 370)),
    "BYDAY": _values(
        st.tuples(
            st.sampled_from(["", "1", "-1", "2", "5", "-5", "53", "60"]), st.sampled_from(WEEKDAYS)
        ).map("".join)
    ),
    "WKST": st.sampled_from(WEEKDAYS),
}


@st.composite
def any_rule(draw):
    parts = [f"FREQ={draw(st.sampled_from(FREQS))}"]
    for name in draw(st.lists(st.sampled_from(sorted(PARTS)), unique=True, max_size=5)):
        parts.append(f"{name}={draw(PARTS[name])}")
    return ";".join(parts)


STARTS = st.one_of(
    st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30), timezones=st.none()),
    st.datetimes(datetime(1965, 1, 1), datetime(2210, 1, 1), timezones=st.none()),
).map(lambda moment: moment.replace(second=0, microsecond=0))


@given(rule=any_rule(), starts=STARTS)
def test_checking_any_rule_is_bounded_and_answers_yes_or_why(rule, starts):
    with counted_walks() as walks:
        try:
            check_series(starts, starts + HOUR, normalize_rrule(rule, ZONE), ZONE)
        except RuleError as refused:
            assert refused.reason and "\n" not in str(refused)
    assert len(walks) <= 2 and all(within_caps(w) for w in walks)


def _few(values):
    return st.lists(values, min_size=1, max_size=4, unique=True).map(
        lambda v: ",".join(map(str, v))
    )


# Rules the model may well accept: the expansion test needs many of them.
PLAUSIBLE = {
    "INTERVAL": st.integers(1, 52).map(str),
    "COUNT": st.integers(1, 500).map(str),
    "UNTIL": st.dates(date(1971, 1, 1), date(2199, 1, 1)).map(lambda d: f"{d:%Y%m%d}T000000Z"),
    "BYMONTH": _few(st.integers(1, 12)),
    "BYMONTHDAY": _few(st.integers(-31, 31).filter(bool)),
    "BYDAY": _few(
        st.tuples(st.sampled_from(["", "1", "2", "-1", "5"]), st.sampled_from(WEEKDAYS)).map(
            "".join
        )
    ),
    "BYSETPOS": _few(st.sampled_from([1, 2, -1, -2])),
}


@st.composite
def plausible_rule(draw):
    parts = [f"FREQ={draw(st.sampled_from(FREQS[:4]))}"]
    names = draw(st.lists(st.sampled_from(sorted(PLAUSIBLE)), unique=True, max_size=3))
    if "COUNT" in names and "UNTIL" in names:
        names.remove("UNTIL")
    parts += [f"{name}={draw(PLAUSIBLE[name])}" for name in names]
    return ";".join(parts)


@given(
    rule=plausible_rule(),
    starts=st.datetimes(datetime(1970, 1, 2), datetime(2190, 1, 1)).map(
        lambda moment: moment.replace(second=0, microsecond=0)
    ),
    offset=st.integers(-400, 80_000),
    days=st.integers(0, 400),
)
def test_expanding_whatever_is_accepted_is_bounded_and_is_dateutil_own(rule, starts, offset, days):
    try:
        rule = normalize_rrule(rule, ZONE)
        check_series(starts, starts + HOUR, rule, ZONE)
    except RuleError:
        assume(False)
    start = aware(starts) + timedelta(days=offset)
    assume(start.year < 2200)
    end = start + timedelta(days=days)
    found = walk(rule, aware(starts), start, end)
    assert within_caps(found)
    # A series with decades between two dates may be cut short (what it found is still right);
    # dateutil's own between() walks from DTSTART: compared when that stays short.
    if not found.cut and offset < 3660:
        assert found.found == rrulestr(rule, dtstart=aware(starts)).between(start, end, inc=True)


def test_a_request_past_its_budget_stops_inside_the_walk():
    """Defence in depth behind the caps: the walk checks the request's budget at every step, so
    a request that has spent it ends (503) instead of holding its worker."""
    zone = ZoneInfo("Europe/Brussels")
    start = datetime(2026, 1, 5, 14, tzinfo=zone)
    with budget.limit(0), pytest.raises(budget.BudgetExceeded):
        walk("FREQ=DAILY", start, start, start + timedelta(days=30))
    assert len(walk("FREQ=DAILY", start, start, start + timedelta(days=30)).found) == 31


@pytest.mark.parametrize("rule", ["FREQ=MONTHLY;BYDAY=53MO", "FREQ=YEARLY;BYMONTH=12;BYDAY=-53FR"])
def test_a_weekday_ordinal_past_its_period_is_refused_not_a_crash(rule):
    """dateutil raises IndexError on these (found by the property test below): the form, a
    proposal and an import answered 500; now the rule never occurs, and says so."""
    with pytest.raises(RuleError) as refused:
        check_series(START, START + HOUR, rule, ZONE)
    assert refused.value.reason == "never"
    walked = walk(rule, aware(START), aware(START), aware(START + timedelta(days=800)), quiet=True)
    assert walked.found == [] and walked.cut
