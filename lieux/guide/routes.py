"""GET /guide: the printable guide, in the page's language."""

from datetime import datetime

from litestar import Controller, get
from litestar.response import Template
from sqlite_utils import Database

from lieux.guide.content import collect, weekly_summary
from lieux.i18n import current_lang
from lieux.settings import Settings


class GuideController(Controller):
    path = "/guide"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def guide(self, db: Database, settings: Settings, now: datetime) -> Template:
        today = now.astimezone(settings.zone).date()
        return Template("guide/guide.html", context=guide_context(db, settings, today))


def guide_context(db: Database, settings: Settings, today) -> dict:
    guide = collect(db, settings, today=today, lang=current_lang.get())
    return {"guide": guide, "weekly_summary": weekly_summary}
