"""GET /lieux/{slug}/poster: the printable weekly poster of a lieu, in the page's language."""

from datetime import datetime

from litestar import Controller, get
from litestar.exceptions import NotFoundException, ValidationException
from litestar.response import Template
from sqlite_utils import Database

from lieux.i18n import current_lang, gettext
from lieux.models import LANGUAGES
from lieux.poster.content import collect
from lieux.poster.week import MAX_YEARS_AWAY, WeekError, WeekTooFar, parse_week
from lieux.settings import Settings


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
            raise ValidationException(
                gettext("Langue inconnue : %(lang)s (fr, nl ou en).") % {"lang": lang}
            )
        try:
            monday = parse_week(week, at.astimezone(settings.zone).date())
        except WeekTooFar:
            message = gettext(
                "Semaine trop lointaine : choisissez une date à moins de %(years)s ans d'ici."
            )
            raise ValidationException(message % {"years": MAX_YEARS_AWAY}) from None
        except WeekError:
            message = gettext(
                "Semaine invalide : donnez une date au format AAAA-MM-JJ, par exemple 2026-11-23."
            )
            raise ValidationException(message) from None
        poster = collect(db, settings, slug, monday=monday, lang=current_lang.get(), now=at)
        if poster is None:
            raise NotFoundException(f"Aucun lieu « {slug} »")
        return Template("poster/poster.html", context={"poster": poster})
