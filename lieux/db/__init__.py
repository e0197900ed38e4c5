"""SQLite storage: the only package that writes SQL. Functions take the database first."""

from lieux.db.connection import DatabaseError, connect, open_existing
from lieux.db.migrations import MIGRATIONS, migrate

__all__ = ["MIGRATIONS", "DatabaseError", "connect", "migrate", "open_existing"]
