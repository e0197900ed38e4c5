"""The live status, one tap from a phone: "Nous sommes ouverts", "Fermé aujourd'hui", "On ferme
plus tôt" (POST /manage/{slug}/status), and its undo (POST /manage/{slug}/status/clear).

Plain form posts that redirect back to the dashboard with a confirmation: no JavaScript needed.
"""

from datetime import datetime

from litestar import Controller, Request, Response, post
from sqlite_utils import Database

from lieux.hours.live import LiveStatusError, make_live_status
from lieux.manage import audit_trail, status_actions
from lieux.manage.forms import CSRF_FIELD
from lieux.manage.responses import PATH, Form, again, done
from lieux.manage.routes.dashboard import dashboard_context
from lieux.members.guards import FOR_MANAGERS
from lieux.members.models import Identity
from lieux.models import Lieu
from lieux.settings import Settings
from lieux.widget.cache import cache_of

FIELDS = ("state", "until", "note")


def _text(data: dict, name: str) -> str:
    raw = data.get(name, "")
    if isinstance(raw, list):  # a repeated field: the last one, as for every form here
        raw = raw[-1] if raw else ""
    return raw if isinstance(raw, str) else ""


class StatusController(Controller):
    path = PATH
    include_in_schema = False
    dependencies = FOR_MANAGERS

    @post("/status", sync_to_thread=True)
    def set_live_status(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        by: int,
        data: Form,
        now: datetime,
    ) -> Response:
        zone = settings.zone
        try:
            unknown = sorted(set(data) - {*FIELDS, CSRF_FIELD})
            if unknown:
                raise LiveStatusError("state", "Champ inconnu.")
            planned = cache_of(request).snapshot(now).state_of(lieu, now, zone, "fr", live=False)
            status = make_live_status(
                lieu.id,
                state=_text(data, "state"),
                until=_text(data, "until"),
                note=_text(data, "note"),
                now=now,
                zone=zone,
                planned=planned,
                by=by,
            )
        except LiveStatusError as error:
            context = dashboard_context(db, settings, lieu, identity, now, cache_of(request))
            values = {name: _text(data, name) for name in FIELDS}
            context |= {
                "status_error": (error.field, error.message, error.params),
                "status_values": values,
            }
            return again(request, "manage/dashboard.html", context, status=422)
        with audit_trail.collect() as entries:
            status_actions.set_live_status(db, lieu, status, by=by, now=now)
        url = f"/manage/{lieu.slug}"
        return done(request, url, "status-set", target="live-status", entries=entries)

    @post("/status/clear", sync_to_thread=True)
    def clear_live_status(
        self, request: Request, db: Database, lieu: Lieu, by: int, now: datetime
    ) -> Response:
        with audit_trail.collect() as entries:
            status_actions.clear_live_status(db, lieu, by=by, now=now)
        url = f"/manage/{lieu.slug}"
        return done(request, url, "status-cleared", target="live-status", entries=entries)
