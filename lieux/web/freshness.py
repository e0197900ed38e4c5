"""How fresh a lieu's hours are: when they were last confirmed (saved, or "still right"), in
the reader's language and the local time zone, and whether that is past the stale threshold
(`Settings.hours_stale_days`). Never verified counts as stale."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import msgspec

from lieux.dates import long_date
from lieux.hours import live


class Freshness(msgspec.Struct, frozen=True, kw_only=True):
    verified_on: date | None  # the local day of the last confirmation; None: never
    date_label: str  # "3 novembre 2026", "3 november 2026", "3 November 2026"; "" if never
    stale: bool  # never confirmed, or more than the threshold ago: ask to confirm
    days: int | None  # whole days since the confirmation


def date_label(day: date, lang: str) -> str:
    """'3 novembre 2026' ('1er novembre 2026'), '3 november 2026', '3 November 2026'."""
    return long_date(day, lang)


def hours_freshness(
    verified_at: datetime | None, now: datetime, *, zone: ZoneInfo, stale_days: int, lang: str
) -> Freshness:
    if verified_at is None:
        return Freshness(verified_on=None, date_label="", stale=True, days=None)
    day = verified_at.astimezone(zone).date()
    age = now - verified_at
    return Freshness(
        verified_on=day,
        date_label=date_label(day, lang),
        stale=live.hours_stale(verified_at, True, now, stale_days),
        days=max(0, age.days),
    )
