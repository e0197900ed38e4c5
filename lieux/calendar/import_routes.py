"""Co-managers import a calendar into the lieu's agenda: a linked address or an uploaded file."""

from datetime import datetime
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.concurrency import sync_to_thread
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template
from sqlite_utils import Database

from lieux.calendar.fetch import MAX_BYTES, fetch
from lieux.calendar.ical_import import ImportProblem, parse_calendar
from lieux.calendar.sync import counts_in, import_events
from lieux.db.sources import list_sources
from lieux.members.guards import FOR_MANAGERS
from lieux.models import Lieu
from lieux.settings import Settings


class CalendarImportController(Controller):
    """Link a calendar address (imported now, then by `lieux refresh-ics`) or upload a file.

    One POST takes either; the form is read in the handler, after `by` (the guard), so a
    stranger is refused before anything of the body is looked at.
    """

    path = "/manage/{slug:str}/calendars"
    include_in_schema = False
    dependencies = FOR_MANAGERS

    @staticmethod
    def _page(db: Database, settings: Settings, lieu: Lieu, **extra) -> dict:
        sources = list_sources(db, lieu.id)
        return {"lieu": lieu, "sources": sources, "manager": True, "zone": settings.zone, **extra}

    @get("/", sync_to_thread=True)
    def calendars(
        self, request: Request, db: Database, settings: Settings, lieu: Lieu, by: int
    ) -> Template:
        # After an import: what it did, from the counts in the address (never a text).
        counts = counts_in(request.query_params)
        context = self._page(db, settings, lieu, counts=counts)
        return Template("calendar/import.html", context=context)

    @post("/")
    async def import_calendar(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        by: int,
        now: datetime,
    ) -> Response:
        form = await request.form()
        url = str(form.get("url") or "").strip()
        upload = form.get("file")
        try:
            if isinstance(upload, UploadFile) and upload.filename:
                data = await upload.read(MAX_BYTES + 1)
                if len(data) > MAX_BYTES:
                    raise ImportProblem(f"larger than {MAX_BYTES // 1_000_000} MB")
                source_url, label = None, upload.filename
            elif url:
                data = await sync_to_thread(fetch, url)
                source_url, label = url, ""
            else:
                raise ImportProblem(NOTHING_TO_IMPORT)
            # Seconds of CPU for the biggest file the caps let through: in a thread, as the
            # download, or every other request of this worker waits for it.
            events = await sync_to_thread(parse_calendar, data, settings.zone)
        except ImportProblem as problem:
            context = self._page(db, settings, lieu, error=str(problem), url=url)
            return Template("calendar/import.html", context=context, status_code=400)
        result = await sync_to_thread(
            import_events,
            db,
            lieu.id,
            events,
            url=source_url,
            label=label,
            by=by,
            zone=settings.zone,
            now=now,
        )
        return Redirect(
            f"/manage/{lieu.slug}/calendars?" + urlencode(result.counts().as_query()),
            status_code=303,
        )


NOTHING_TO_IMPORT = "Choisissez un fichier .ics ou collez l'adresse d'un agenda."
