"""Opening slots, dated exceptions and holiday rules."""

from collections import defaultdict

import msgspec
from sqlite_utils import Database

from lieux.hours.models import HolidayRule, OpeningException, OpeningHours, OpeningSlot

_SLOT_COLUMNS = "lieu_id, weekday, opens, closes, valid_from, valid_to, demo, period"
_EXCEPTION_COLUMNS = "lieu_id, start_date, end_date, kind, opens, closes, note, demo"


def all_hours(db: Database) -> dict[int, OpeningHours]:
    """The opening hours of every lieu, by lieu id (a lieu with nothing entered is absent)."""
    slots: dict[int, list[OpeningSlot]] = defaultdict(list)
    exceptions: dict[int, list[OpeningException]] = defaultdict(list)
    rules: dict[int, HolidayRule] = {}
    for row in db.query(
        f"SELECT {_SLOT_COLUMNS} FROM opening_slots"
        " ORDER BY lieu_id, valid_from IS NOT NULL, valid_from, valid_to, weekday, opens"
    ):
        slots[row.pop("lieu_id")].append(msgspec.convert(row, OpeningSlot, strict=False))
    for row in db.query(
        f"SELECT {_EXCEPTION_COLUMNS} FROM opening_exceptions ORDER BY lieu_id, start_date"
    ):
        exceptions[row.pop("lieu_id")].append(msgspec.convert(row, OpeningException, strict=False))
    for row in db.query("SELECT lieu_id, rule, opens, closes, demo FROM holiday_rules"):
        rules[row.pop("lieu_id")] = msgspec.convert(row, HolidayRule, strict=False)
    return {
        lieu_id: OpeningHours(
            lieu_id=lieu_id,
            slots=tuple(slots[lieu_id]),
            exceptions=tuple(exceptions[lieu_id]),
            holiday_rule=rules.get(lieu_id),
        )
        for lieu_id in slots.keys() | exceptions.keys() | rules.keys()
    }


def get_hours(db: Database, lieu_id: int) -> OpeningHours:
    """The opening hours of one lieu (empty, i.e. unknown, if nothing was entered)."""
    return all_hours(db).get(lieu_id, OpeningHours(lieu_id=lieu_id))


def replace_hours(
    db: Database,
    lieu_id: int,
    *,
    slots: list[OpeningSlot],
    exceptions: list[OpeningException],
    holiday_rule: HolidayRule | None,
) -> None:
    """Set all the hours of one lieu at once, in one transaction."""
    with db.atomic():
        db.execute("DELETE FROM opening_slots WHERE lieu_id = ?", [lieu_id])
        db.execute("DELETE FROM opening_exceptions WHERE lieu_id = ?", [lieu_id])
        db.execute("DELETE FROM holiday_rules WHERE lieu_id = ?", [lieu_id])
        db["opening_slots"].insert_all(
            {**msgspec.to_builtins(s), "lieu_id": lieu_id} for s in slots
        )
        db["opening_exceptions"].insert_all(
            {**msgspec.to_builtins(e), "lieu_id": lieu_id} for e in exceptions
        )
        if holiday_rule is not None:
            db["holiday_rules"].insert({**msgspec.to_builtins(holiday_rule), "lieu_id": lieu_id})
