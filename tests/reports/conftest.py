"""The reports' tests: what is stored, read straight from the database file."""

import json

import pytest

from lieux import db as database
from lieux.db import reports as reports_db
from lieux.db.lieux import get_lieu
from lieux.reports import actions
from lieux.reports.models import Report, ReportForm, Shown
from tests.conftest import DEMO_NOW, make_settings


def stored(db_path, slug: str | None = None) -> list[Report]:
    """Every report (of `slug` only if given), newest first."""
    db = database.connect(db_path)
    try:
        ids = [row[0] for row in db.execute("SELECT id FROM reports ORDER BY id DESC")]
        found = [reports_db.get_report(db, report_id) for report_id in ids]
    finally:
        db.close()
    return [r for r in found if slug is None or r.lieu_slug == slug]


def audit_of_reports(db_path) -> list[tuple]:
    """(action, member_id, actor, before, after) of every audit entry about a report."""
    db = database.connect(db_path)
    try:
        rows = db.execute(
            "SELECT action, member_id, actor, before, after FROM audit_log "
            "WHERE entity = 'report' ORDER BY id"
        ).fetchall()
    finally:
        db.close()
    return [
        (a, m, actor, json.loads(b) if b else None, json.loads(c) if c else None)
        for a, m, actor, b, c in rows
    ]


@pytest.fixture
def make_report(seeded_path):
    """A visitor's report on a lieu, made through the one action (as the form does)."""

    def make(
        slug="circuit", kind="found-closed", message="Porte close à 14h", contact="", state="open"
    ):
        db = database.connect(seeded_path)
        try:
            form = ReportForm(kind=kind, message=message, contact=contact)
            lieu = get_lieu(db, slug)
            shown = Shown(state=state)
            settings = make_settings(seeded_path)
            return actions.report(
                db, lieu, form, shown=shown, lang="fr", settings=settings, now=DEMO_NOW
            )
        finally:
            db.close()

    return make
