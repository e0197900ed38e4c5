"""A lieu's profile (address, contact, texts in three languages, access, languages spoken)
for its co-managers and the network admins; only an admin renames a lieu."""

from datetime import datetime

from litestar import Controller, Request, Response, get, post
from litestar.response import Template
from sqlite_utils import Database

from lieux.db import audit
from lieux.db.profile import get_lieu_by_id
from lieux.i18n import current_lang
from lieux.manage import audit_trail, forms
from lieux.manage.profile_actions import StaleLieu, update_profile
from lieux.manage.profile_form import (
    FIELDS,
    LANGUAGE_CODES,
    PRICES,
    STEP_FREE,
    language_choices,
    parse_profile,
    profile_values,
)
from lieux.manage.responses import PATH, Form, again, done
from lieux.members.guards import FOR_MANAGERS
from lieux.members.models import Identity
from lieux.models import COMMUNES_NL, Lieu, commune_name
from lieux.settings import Settings

PAGE = "manage/profile.html"


def profile_context(lieu: Lieu, identity: Identity, **extra) -> dict:
    """The context of manage/profile.html; `extra` (errors, what was typed) overrides it."""
    lang = current_lang.get()
    communes = sorted(COMMUNES_NL, key=lambda c: commune_name(c, lang).casefold())
    return {
        "lieu": lieu,
        "values": profile_values(lieu),
        "errors": {},
        "conflict": None,
        "rename": identity.member.is_admin,
        "communes": [(c, commune_name(c, lang)) for c in communes],
        "language_choices": language_choices(lang),
        "language_codes": LANGUAGE_CODES,
        "prices": PRICES,
        "step_free": STEP_FREE,
        # The fields in page order: the error banner links to the first one in error.
        "field_order": ("name", *FIELDS),
        **extra,
    }


def typed_values(data: dict) -> dict:
    """What was typed, as the template reads it back (languages as a list)."""
    values = {key: value for key, value in data.items() if key != forms.CSRF_FIELD}
    raw = data.get("languages") or []
    values["languages"] = [raw] if isinstance(raw, str) else list(raw)
    return values


class ProfileController(Controller):
    path = PATH
    include_in_schema = False
    dependencies = FOR_MANAGERS

    @get("/profile", sync_to_thread=True)
    def profile(self, lieu: Lieu, identity: Identity | None, by: int) -> Template:
        return Template(PAGE, context=profile_context(lieu, identity))

    @post("/profile", sync_to_thread=True)
    def save_profile(
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
        typed = typed_values(data)
        try:
            values, version = parse_profile(data, rename=identity.member.is_admin)
        except forms.FormErrors as error:
            context = profile_context(lieu, identity, values=typed, errors=error.errors)
            return again(request, PAGE, context, status=422)
        try:
            with audit_trail.collect() as entries:
                update_profile(db, lieu, values, version=version, by=by, now=now)
        except StaleLieu:
            # Someone saved in between: their version is stored; what this person typed stays
            # in the form, now based on it, so saving again is a deliberate choice.
            current = get_lieu_by_id(db, lieu.id) or lieu
            last = audit.list_entries(db, lieu.id, entity="lieu", entity_id=lieu.id, limit=1)
            conflict = {
                "by": last[0].member_name if last else None,
                "at": last[0].at if last else current.updated_at,
                "zone": settings.zone,
            }
            extra = {"values": {**typed, "version": str(current.version)}, "conflict": conflict}
            return again(request, PAGE, profile_context(current, identity, **extra), status=409)
        notice = "profile-saved" if entries else "unchanged"
        url = f"/manage/{lieu.slug}/profile"
        return done(request, url, notice, target="saved", entries=entries)
