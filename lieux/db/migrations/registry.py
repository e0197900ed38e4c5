"""The one list of migrations, and what the migrations share."""

from sqlite_utils import Migrations

MIGRATIONS = Migrations("lieux")

# Tables whose changes alter what the public sees (pages, widget, feeds): a trigger bumps
# `revision.value` on every write, so caches in any process can tell that data changed.
PUBLIC_TABLES = (
    "lieux",
    "opening_slots",
    "opening_exceptions",
    "holiday_rules",
    "activities",
    "activity_overrides",
)
