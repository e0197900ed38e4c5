"""A lieu's opening hours for its co-managers: the editor, the OSM import, and cancelling the
dates that fall in a closure."""

from datetime import datetime

from litestar import Controller, Request, Response, get, post
from litestar.response import Template
from sqlite_utils import Database

from lieux.calendar import closures
from lieux.db import hours as hours_db
from lieux.hours.osm import OsmError, to_osm
from lieux.i18n import current_lang
from lieux.manage import actions, audit_trail, forms, hours_form
from lieux.manage.closed_dates import closed_dates
from lieux.manage.hours_actions import holidays_from, replace_hours, set_hours_from_osm
from lieux.manage.profile_actions import mark_hours_verified
from lieux.manage.responses import PATH, Form, again, done
from lieux.members.guards import FOR_MANAGERS
from lieux.models import Lieu
from lieux.settings import Settings
from lieux.web.freshness import hours_freshness

OSM_UNREADABLE = forms._("Chaîne opening_hours illisible (exemple : Mo-Fr 10:00-16:00; PH off).")
NO_DATE_CHOSEN = forms._("Cochez au moins une date à annuler.")
PAGE = "manage/hours.html"


def hours_context(db: Database, settings: Settings, lieu: Lieu, *, now: datetime, **extra):
    """The context of manage/hours.html; `extra` (errors, what was typed) overrides it."""
    hours = hours_db.get_hours(db, lieu.id)
    today = now.astimezone(settings.zone).date()
    holidays = holidays_from(today, iris_day=settings.iris_day)
    values = extra.pop("values", None) or hours_form.hours_values(hours)
    return {
        "lieu": lieu,
        "values": values,
        "errors": {},
        **hours_form.form_context(values),
        "preview": hours_form.week_preview(hours, today, holidays),
        "changes": hours_form.coming_changes(hours, today, current_lang.get()),
        "osm": to_osm(hours, start=today, holidays=holidays, zone=settings.zone),
        # The day the hours were last confirmed, as the OSM tag that carries it.
        "check_date": lieu.hours_verified_at
        and lieu.hours_verified_at.astimezone(settings.zone).date().isoformat(),
        "known": hours.known,
        "closed_dates": closed_dates(db, settings, lieu, hours, now),
        "closed_key": closures.key,
        "closed_errors": {},
        "freshness": freshness_of(settings, lieu, now),
        **extra,
    }


def freshness_of(settings: Settings, lieu: Lieu, now: datetime):
    """When the lieu's hours were last confirmed, and whether to ask again."""
    return hours_freshness(
        lieu.hours_verified_at,
        now,
        zone=settings.zone,
        stale_days=settings.hours_stale_days,
        lang=current_lang.get(),
    )


def osm_text_error(text: str) -> tuple | None:
    """What is wrong with a typed OSM string before it is even read, or None."""
    if not text:
        return (forms._("Ce champ est obligatoire."), {})
    if len(text) > forms.NOTE_MAX:
        return (forms._("Trop long : %(max)s caractères au maximum."), {"max": forms.NOTE_MAX})
    return None


def saved(request: Request, lieu: Lieu, entries: list[int]) -> Response:
    """Back to the hours page, at the week as it now is (saving unchanged hours still confirms
    them: nothing to undo then)."""
    url = f"/manage/{lieu.slug}/hours"
    return done(request, url, "hours-saved", target="hours-preview", entries=entries)


class HoursController(Controller):
    path = PATH
    include_in_schema = False
    dependencies = FOR_MANAGERS

    @get("/hours", sync_to_thread=True)
    def hours(
        self, db: Database, settings: Settings, lieu: Lieu, by: int, now: datetime
    ) -> Template:
        return Template(PAGE, context=hours_context(db, settings, lieu, now=now))

    @post("/hours", sync_to_thread=True)
    def save_hours(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        by: int,
        data: Form,
        now: datetime,
    ) -> Response:
        try:
            slots, exceptions, rule = hours_form.parse_hours(data)
        except forms.FormErrors as error:
            context = hours_context(db, settings, lieu, now=now, values=data, errors=error.errors)
            return again(request, PAGE, context)
        with audit_trail.collect() as entries:
            replace_hours(
                db, lieu, slots=slots, exceptions=exceptions, holiday_rule=rule, by=by, now=now
            )
        return saved(request, lieu, entries)

    @post("/hours/verified", sync_to_thread=True)
    def hours_still_right(
        self, request: Request, db: Database, lieu: Lieu, by: int, data: Form, now: datetime
    ) -> Response:
        """One tap on "Les horaires sont toujours justes" records it, the hours stay as they are;
        back to where the button was (`back=dashboard`, or the hours page)."""
        mark_hours_verified(db, lieu, by=by, now=now)
        url = (
            f"/manage/{lieu.slug}"
            if data.get("back") == "dashboard"
            else f"/manage/{lieu.slug}/hours"
        )
        return done(request, url, "hours-verified", target="hours-reminder")

    @post("/hours/osm", sync_to_thread=True)
    def import_osm_hours(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        by: int,
        data: Form,
        now: datetime,
    ) -> Response:
        """Replace the hours from an OpenStreetMap `opening_hours` string."""
        text = str(data.get("osm") or "").strip()
        error = osm_text_error(text)
        if error is None:
            try:
                with audit_trail.collect() as entries:
                    set_hours_from_osm(
                        db,
                        lieu,
                        text,
                        by=by,
                        zone=settings.zone,
                        iris_day=settings.iris_day,
                        now=now,
                    )
            except OsmError:
                error = (OSM_UNREADABLE, {})
        if error:
            errors = {"osm": error}
            context = hours_context(db, settings, lieu, now=now, errors=errors, osm_typed=text)
            return again(request, PAGE, context)
        return saved(request, lieu, entries)

    @post("/hours/closures", sync_to_thread=True)
    def cancel_closed_dates(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        by: int,
        data: Form,
        now: datetime,
    ) -> Response:
        """Cancel the ticked dates that fall in a closure, each with the closure's note."""
        raw = data.get("date") or []
        chosen = {raw} if isinstance(raw, str) else {str(value) for value in raw}
        # Only what is still in a closure now counts, whatever the form said.
        hours = hours_db.get_hours(db, lieu.id)
        dates = [
            (o.activity_id, o.recurrence_id, closure.note)
            for o, closure in closed_dates(db, settings, lieu, hours, now)
            if closures.key(o) in chosen
        ]
        if not dates:
            errors = {"date": (NO_DATE_CHOSEN, {})}
            context = hours_context(db, settings, lieu, now=now, closed_errors=errors)
            return again(request, PAGE, context)
        try:
            with audit_trail.collect() as entries:
                count = actions.cancel_dates(db, lieu, dates, by=by, zone=settings.zone, now=now)
        except actions.LieuFull as full:
            errors = {"date": (full.message, full.params)}
            context = hours_context(db, settings, lieu, now=now, closed_errors=errors)
            return again(request, PAGE, context, status=409)
        url = f"/manage/{lieu.slug}/hours"
        return done(
            request, url, "dates-cancelled", target="closed-dates", entries=entries, count=count
        )
