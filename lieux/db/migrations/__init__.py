"""The schema, as numbered migrations, registered in order by the modules of this package:
`core` (the first release: lieux, hours, activities, members, search, audit, profile, live
status, leases, the recurrence model) then `network` (mail, reports, campaigns, translated
descriptions, the served address, helplines' hours, periods). Re-running is a no-op; an older
file is upgraded in place.

Never edit a migration that has shipped: add the next one, at the end of `network` (or of a new
module imported last below).
"""

from sqlite_utils import Database

# Importing a module registers its migrations: `core` first, then `network`, in this order.
from lieux.db.migrations import core, network  # noqa: F401
from lieux.db.migrations.registry import MIGRATIONS, PUBLIC_TABLES

__all__ = ["MIGRATIONS", "PUBLIC_TABLES", "migrate"]


def migrate(db: Database) -> None:
    """Apply every pending migration."""
    MIGRATIONS.apply(db)
