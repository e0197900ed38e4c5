"""GET /lieux/{slug}/poster: the printable weekly poster of a lieu, in the page's language."""

from datetime import datetime

from litestar import Controller, get
from litestar.response import Template
from litestar.status_codes import HTTP_404_NOT_FOUND
from sqlite_utils import Database

from lieux.i18n import current_lang
from lieux.i18n import mark as _
from lieux.models import LANGUAGES
from lieux.poster.content import collect
from lieux.poster.week import MAX_YEARS_AWAY, WeekError, WeekTooFar, parse_week
from lieux.refusal import BAD_WEEK, NO_LIEU, no_language
from lieux.settings import Settings
from lieux.web.errors import Refused

FAR_WEEK = _("Semaine trop lointaine : choisissez une date à moins de %(years)s ans d'ici.")


class PosterController(Controller):
    path = "/lieux/{slug:str}/poster"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def poster(
        self,
        db: Database,
        settings: Settings,
        at: datetime,
        slug: str,
        week: str = "",
        lang: str = "",
    ) -> Template:
        """The poster of the week of `week`; without one, `default_week` of `at` (?at= or now)."""
        # i18n.set_language already took a good ?lang=; a wrong one is refused, not ignored.
        if lang and lang not in LANGUAGES:
            raise Refused(no_language(lang))
        try:
            monday = parse_week(week, at.astimezone(settings.zone).date())
        except WeekTooFar:
            raise Refused(FAR_WEEK, years=MAX_YEARS_AWAY) from None
        except WeekError:
            raise Refused(BAD_WEEK) from None
        poster = collect(db, settings, slug, monday=monday, lang=current_lang.get(), now=at)
        if poster is None:
            raise Refused(NO_LIEU, status_code=HTTP_404_NOT_FOUND, name=slug)
        return Template("poster/poster.html", context={"poster": poster})
