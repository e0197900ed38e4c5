"""Public pages (home, directory, lieu page), the lieux API and the health check."""

from litestar import Controller, get
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException, ValidationException
from litestar.response import Redirect, Template
from sqlite_utils import Database

from lieux.calendar.models import KINDS
from lieux.db import hours as hours_db
from lieux.db.lieux import get_lieu, has_demo_data, list_communes, list_helplines, list_lieux
from lieux.db.search import lieu_ids_with_activities, search_lieu_ids
from lieux.models import LANGUAGES, Lieu
from lieux.web.i18n import LANG_COOKIE

# A year: the choice of language is remembered, not tracked (the cookie holds only fr/nl/en).
LANG_COOKIE_AGE = 365 * 24 * 3600


class PagesController(Controller):
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def home(self, db: Database) -> Template:
        return Template(
            "web/home.html",
            context={
                "lieux": list_lieux(db),
                "helplines": list_helplines(db),
                "demo": has_demo_data(db),
            },
        )

    @get("/lieux", sync_to_thread=True)
    def directory(
        self,
        db: Database,
        q: str = "",
        commune: list[str] | None = None,
        kind: list[str] | None = None,
        free: bool = False,
    ) -> Template:
        """The directory; filters combine (commune OR commune) AND (kind OR kind) AND free AND q."""
        communes = list_communes(db)
        chosen_communes = [c for c in commune or [] if c]
        chosen_kinds = [k for k in kind or [] if k]
        unknown = [c for c in chosen_communes if c not in communes] + [
            k for k in chosen_kinds if k not in KINDS
        ]
        if unknown:
            raise ValidationException(f"Filtre inconnu : {', '.join(unknown)}")
        lieux = list_lieux(db)
        if chosen_communes:
            lieux = [lieu for lieu in lieux if lieu.commune in chosen_communes]
        if chosen_kinds or free:
            wanted = lieu_ids_with_activities(db, kinds=chosen_kinds or None, free=free)
            lieux = [lieu for lieu in lieux if lieu.id in wanted]
        if q.strip():
            rank = {lieu_id: i for i, lieu_id in enumerate(search_lieu_ids(db, q))}
            lieux = sorted(
                (lieu for lieu in lieux if lieu.id in rank), key=lambda lieu: rank[lieu.id]
            )
        return Template(
            "web/lieux.html",
            context={
                "lieux": lieux,
                "communes": communes,
                "kinds": KINDS,
                "filters": {"q": q, "commune": chosen_communes, "kind": chosen_kinds, "free": free},
                "demo": has_demo_data(db),
            },
        )

    @get("/lieux/{slug:str}", sync_to_thread=True)
    def lieu(self, db: Database, slug: str) -> Template:
        lieu = get_lieu(db, slug)
        if lieu is None:
            raise NotFoundException(f"Aucun lieu « {slug} »")
        return Template(
            "web/lieu.html",
            context={
                "lieu": lieu,
                "hours": hours_db.get_hours(db, lieu.id),
                "demo": has_demo_data(db),
            },
        )


class ApiController(Controller):
    path = "/api"

    @get("/lieux", sync_to_thread=True)
    def lieux(self, db: Database) -> list[Lieu]:
        """Every lieu with its public facts."""
        return list_lieux(db)


@get("/healthz", include_in_schema=False, sync_to_thread=False)
def healthz() -> str:
    return "ok"


@get("/langue/{lang:str}", include_in_schema=False, sync_to_thread=False)
def switch_language(lang: str, next: str = "/") -> Redirect:
    """Remember the chosen language in a cookie and go back; works without JavaScript."""
    if lang not in LANGUAGES:
        raise NotFoundException(f"Langue inconnue : {lang}")
    # Only paths of this site: "//host" or "https://..." would make this an open redirect.
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    return Redirect(
        target,
        cookies=[Cookie(key=LANG_COOKIE, value=lang, max_age=LANG_COOKIE_AGE, samesite="lax")],
    )
