"""The lieux as Open Referral HSDS 3.0 records (the standard of social-service directories).

Each lieu is one organization (we know no other legal entity behind it) offering one service,
its welcome, at one physical location. Choices, documented in the README ("API"):
- ids are UUIDs derived from the lieu's slug (uuid5 in a fixed namespace): they never change;
- text is in one language per answer (`lang`, French by default), falling back to French where a
  Dutch or English text is not written: HSDS has no per-field translations;
- weekly hours are `schedule`s (freq WEEKLY, byday, opens_at/closes_at as local wall times).
  The HSDS 3.0 schema types `timezone` as a number (a UTC offset), which Brussels' summer and
  winter times cannot share: it is left out, and each schedule's `description` names the zone
  (Europe/Brussels). Special openings are dated schedules; closures, which HSDS cannot express,
  are written in the service's `alert` and the schedules' `notes`, and a lieu closed today is
  "temporarily closed". A live status ("Fermé aujourd'hui", "On ferme plus tôt") is such a
  closure while it lasts, as on every page, widget and feed;
- the fictional demo hours are never exported: a lieu with only demo hours has no schedule.
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from lieux.api.hsds_models import (
    Accessibility,
    Address,
    CostOption,
    Language,
    Location,
    Organization,
    PageInfo,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from lieux.hours.announce import announced, words
from lieux.hours.models import LiveStatus, OpeningException, OpeningHours, OpeningSlot
from lieux.i18n import translations
from lieux.models import Lieu

# Never change it: every id of the export derives from it.
NAMESPACE = uuid.UUID("6f1c4d3e-2b7a-5c1e-9d8f-4a6b2c0e1f35")
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}
REGION = {
    "fr": "Région de Bruxelles-Capitale",
    "nl": "Brussels Hoofdstedelijk Gewest",
    "en": "Brussels-Capital Region",
}


def stable_id(kind: str, slug: str, *parts: object) -> str:
    """The UUID of one record of a lieu (kind: service, organization, location...)."""
    return str(uuid.uuid5(NAMESPACE, "/".join([kind, slug, *map(str, parts)])))


def page_info(total: int, page: int, per_page: int) -> tuple[PageInfo, slice]:
    """The paging fields of page `page` (from 1) and the slice of the items it holds."""
    pages = max(1, -(-total // per_page))
    start = (page - 1) * per_page
    size = max(0, min(per_page, total - start))
    info = PageInfo(
        total_items=total,
        total_pages=pages,
        page_number=page,
        size=size,
        first_page=page == 1,
        last_page=page >= pages,
        empty=size == 0,
    )
    return info, slice(start, start + size)


def _hhmm(value: time) -> str:
    return f"{value:%H:%M}"


def _day(value: date, lang: str) -> str:
    return format_date(value, "d MMMM y", locale=LOCALES[lang])


def _language_name(code: str, lang: str) -> str | None:
    try:
        return Locale.parse(code).get_language_name(LOCALES[lang]) or None
    except (ValueError, UnknownLocaleError):
        return None


def period_note(_) -> str:
    """A period's schedules replace the usual week's on their dates (docs/hours.md): HSDS has no
    way to say so but in words."""
    return " " + _(
        "Entre ces dates, ces horaires remplacent les horaires habituels (un jour sans horaire "
        "y est fermé)."
    )


def weekly_schedules(
    slug: str, service_id: str, slots: tuple[OpeningSlot, ...], lang: str, notes: str | None
) -> list[Schedule]:
    """The real (non-demo) weekly slots, one schedule per (opens, closes, validity)."""
    _ = translations(lang).gettext
    groups: dict[tuple, list[int]] = {}
    for slot in slots:
        if slot.demo:
            continue
        key = (slot.opens, slot.closes, slot.valid_from, slot.valid_to)
        groups.setdefault(key, []).append(slot.weekday)
    found = []
    for (opens, closes, valid_from, valid_to), days in sorted(
        groups.items(), key=lambda item: (min(item[1]), item[0][0])
    ):
        found.append(
            Schedule(
                id=stable_id("schedule", slug, _hhmm(opens), _hhmm(closes), valid_from, valid_to),
                service_id=service_id,
                freq="WEEKLY",
                byday=",".join(BYDAY[day] for day in sorted(set(days))),
                opens_at=_hhmm(opens),
                closes_at=_hhmm(closes),
                valid_from=valid_from.isoformat() if valid_from else None,
                valid_to=valid_to.isoformat() if valid_to else None,
                description=_("Heures locales de Bruxelles (fuseau Europe/Brussels).")
                + (period_note(_) if valid_from or valid_to else ""),
                notes=notes,
            )
        )
    return found


def _closure_text(exception: OpeningException, lang: str) -> str:
    _ = translations(lang).gettext
    if exception.start_date == exception.end_date:
        text = _("Fermé le %(day)s") % {"day": _day(exception.start_date, lang)}
    else:
        text = _("Fermé du %(start)s au %(end)s") % {
            "start": _day(exception.start_date, lang),
            "end": _day(exception.end_date, lang),
        }
    return text + (f" ({exception.note})" if exception.note else "") + "."


def live_closure(
    live: LiveStatus | None, now: datetime, zone: ZoneInfo, lang: str
) -> tuple[str | None, bool]:
    """The alert for a live status that closes the lieu (closed, or closing early today) and is
    in effect at `now`, and whether the lieu is closed by it at `now`; (None, False) otherwise.
    Dates are written out: a directory may keep the record for days."""
    if live is None or live.state == "open" or not live.active(now):
        return None, False
    _ = translations(lang).gettext
    if live.state == "closes-early" and live.closes_at is not None:
        closes = live.closes_at.astimezone(zone)
        text = _("Ferme plus tôt le %(day)s, à %(time)s") % {
            "day": _day(closes.date(), lang),
            "time": _hhmm(closes.time()),
        }
        closed = now >= live.closes_at
    else:
        end = live.expires_at.astimezone(zone)
        if end.time() == time(0):
            text = _("Fermé exceptionnellement jusqu'au %(day)s inclus") % {
                "day": _day(end.date() - timedelta(days=1), lang)
            }
        else:
            text = _("Fermé exceptionnellement jusqu'au %(day)s à %(time)s") % {
                "day": _day(end.date(), lang),
                "time": _hhmm(end.time()),
            }
        closed = True
    return text + (f" ({live.note})" if live.note else "") + ".", closed


def _holiday_note(hours: OpeningHours, lang: str) -> str | None:
    _ = translations(lang).gettext
    rule = hours.holiday_rule
    if rule is None or rule.demo:
        return None
    if rule.rule == "closed":
        return _("Fermé les jours fériés.")
    if rule.rule == "as_usual":
        return _("Ouvert comme d'habitude les jours fériés.")
    if rule.opens and rule.closes:
        return _("Les jours fériés : de %(opens)s à %(closes)s.") % {
            "opens": _hhmm(rule.opens),
            "closes": _hhmm(rule.closes),
        }
    return None


def service(
    lieu: Lieu,
    hours: OpeningHours | None,
    *,
    lang: str,
    today: date,
    base_url: str,
    zone: ZoneInfo,
    now: datetime | None = None,
    live: LiveStatus | None = None,
    announce_days: int = 15,
) -> Service:
    """The lieu as a fully nested HSDS service (organization and location inside); `live`, its
    live status, counts while it lasts at `now`; periods of other hours beginning within
    `announce_days` days are said in its alert (lieux.hours.announce)."""
    _ = translations(lang).gettext
    slug = lieu.slug
    service_id = stable_id("service", slug)
    organization_id = stable_id("organization", slug)
    location_id = stable_id("location", slug)
    url = f"{base_url}/lieux/{slug}"
    hours = hours or OpeningHours(lieu_id=lieu.id)
    exceptions = [e for e in hours.exceptions if not e.demo and e.end_date >= today]
    closures = [e for e in exceptions if e.kind == "closed"]
    live_text, closed_live = live_closure(live, now, zone, lang) if now else (None, False)
    closed_today = closed_live or any(e.start_date <= today <= e.end_date for e in closures)
    texts = [live_text] if live_text else []
    texts += [_closure_text(e, lang) for e in closures]
    if now is not None:
        periods = announced(hours, now, zone=zone, days=announce_days)
        texts += [words(a, today, lang) + "." for a in periods if a.kind == "period"]
    alert = " ".join(texts) or None
    notes = " ".join(x for x in (alert, _holiday_note(hours, lang)) if x) or None
    schedules = weekly_schedules(slug, service_id, hours.slots, lang, notes)
    for e in exceptions:
        if e.kind == "special" and e.opens and e.closes:
            schedules.append(
                Schedule(
                    id=stable_id("schedule", slug, "special", e.start_date, e.end_date),
                    service_id=service_id,
                    opens_at=_hhmm(e.opens),
                    closes_at=_hhmm(e.closes),
                    valid_from=e.start_date.isoformat(),
                    valid_to=e.end_date.isoformat(),
                    description=_("Horaire spécial")
                    + (f" : {e.note}" if e.note else "")
                    + ". "
                    + _("Heures locales de Bruxelles (fuseau Europe/Brussels)."),
                )
            )
    phones = (
        (
            Phone(
                id=stable_id("phone", slug),
                number=lieu.phone,
                service_id=service_id,
                type="voice",
            ),
        )
        if lieu.phone
        else ()
    )
    location = Location(
        id=location_id,
        location_type="physical",
        organization_id=organization_id,
        name=lieu.name,
        url=url,
        transportation=lieu.transport or None,
        latitude=lieu.lat,
        longitude=lieu.lon,
        addresses=(
            (
                Address(
                    id=stable_id("address", slug),
                    location_id=location_id,
                    address_1=lieu.address,
                    city=lieu.commune or "Bruxelles",
                    region=REGION[lang],
                    state_province=REGION[lang],
                    postal_code=lieu.postcode,
                    country="BE",
                    address_type="physical",
                ),
            )
            if lieu.address and lieu.postcode
            else ()
        ),
        accessibility=_accessibility(lieu, location_id, lang),
    )
    description, _lang = lieu.description_in(lang)
    welcome, _lang = lieu.welcome_in(lang)
    return Service(
        id=service_id,
        name=lieu.name,
        status="temporarily closed" if closed_today else "active",
        organization_id=organization_id,
        description=description or None,
        url=url,
        email=lieu.email or None,
        eligibility_description=welcome or None,
        fees_description=_price(lieu, lang),
        alert=alert,
        last_modified=_stamp(lieu.updated_at),
        assured_date=(
            lieu.hours_verified_at.astimezone(zone).date().isoformat()
            if lieu.hours_verified_at
            else None
        ),
        phones=phones,
        schedules=tuple(schedules),
        languages=tuple(
            Language(
                id=stable_id("language", slug, code),
                service_id=service_id,
                name=_language_name(code, lang),
                code=code,
            )
            for code in lieu.languages
        ),
        cost_options=_cost_options(lieu, service_id, lang),
        service_at_locations=(
            ServiceAtLocation(
                id=stable_id("service_at_location", slug),
                service_id=service_id,
                location_id=location_id,
                location=location,
            ),
        ),
        organization=Organization(
            id=organization_id,
            name=lieu.name,
            description=description or lieu.name,
            email=lieu.email or None,
            website=lieu.website or None,
            uri=url,
            phones=tuple(
                Phone(
                    id=stable_id("phone", slug, "organization"),
                    number=p.number,
                    organization_id=organization_id,
                    type="voice",
                )
                for p in phones
            ),
            locations=(location,),
        ),
    )


def _stamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _price(lieu: Lieu, lang: str) -> str | None:
    _ = translations(lang).gettext
    if lieu.price == "free":
        return _("Gratuit")
    if lieu.price == "pay-what-you-can":
        return _("Prix libre : chacun donne ce qu'il peut.")
    return None


def _cost_options(lieu: Lieu, service_id: str, lang: str) -> tuple[CostOption, ...]:
    option = _price(lieu, lang)
    if option is None:
        return ()
    free = lieu.price == "free"
    return (
        CostOption(
            id=stable_id("cost_option", lieu.slug),
            service_id=service_id,
            option=option,
            amount=0.0 if free else None,
            currency="EUR" if free else None,
            amount_description=option,
        ),
    )


def _accessibility(lieu: Lieu, location_id: str, lang: str) -> tuple[Accessibility, ...]:
    _ = translations(lang).gettext
    labels = {
        "yes": _("Accès de plain-pied"),
        "partly": _("Accès de plain-pied en partie"),
        "no": _("Pas d'accès de plain-pied"),
    }
    if lieu.step_free is None and not lieu.accessibility_note:
        return ()
    return (
        Accessibility(
            id=stable_id("accessibility", lieu.slug),
            location_id=location_id,
            description=labels.get(lieu.step_free or ""),
            details=lieu.accessibility_note or None,
        ),
    )


def organization(record: Service) -> Organization:
    """The organization of a service record (each lieu is its own organization)."""
    if record.organization is None:
        raise ValueError(f"service {record.id} has no organization")
    return record.organization
