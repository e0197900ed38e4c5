"""schema.org JSON-LD for search engines and maps: a lieu as a Place with its hours, and events."""

import json
from datetime import datetime

from lieux.calendar.recurrence import Occurrence
from lieux.hours.models import OpeningHours
from lieux.i18n import current_lang
from lieux.models import Lieu

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _hhmm(value) -> str:
    return value.strftime("%H:%M")


def place(lieu: Lieu, hours: OpeningHours, *, base_url: str, lang: str | None = None) -> dict:
    """A schema.org Place, its description in `lang` (the page's language unless told; else the
    French text, unmarked); hours only when known (and never the fictional demo ones); free
    only when the lieu says so."""
    lang = lang or current_lang.get()
    data = {
        "@context": "https://schema.org",
        "@type": "Place",
        "@id": f"{base_url}/lieux/{lieu.slug}",
        "name": lieu.name,
        "url": f"{base_url}/lieux/{lieu.slug}",
        # The text alone when it is the French one: "(texte en français)" is said to people
        # (the page marks it), not to search engines, which read it as part of the text.
        "description": lieu.description_in(lang)[0],
        "address": {
            "@type": "PostalAddress",
            "streetAddress": lieu.address,
            "postalCode": lieu.postcode,
            "addressLocality": lieu.commune,
            "addressCountry": "BE",
        },
    }
    if lieu.price == "free":
        data["isAccessibleForFree"] = True
    # "pay what you can" may cost something or nothing: not said either way.
    if lieu.phone:
        data["telephone"] = lieu.tel
    if lieu.email:
        data["email"] = lieu.email
    if lieu.website:
        data["sameAs"] = lieu.website
    if lieu.lat is not None and lieu.lon is not None:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": lieu.lat, "longitude": lieu.lon}
    if hours.known and not hours.demo:
        data["openingHoursSpecification"] = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{DAYS[slot.weekday]}",
                "opens": _hhmm(slot.opens),
                "closes": _hhmm(slot.closes),  # earlier than opens: closes the next day
                **({"validFrom": slot.valid_from.isoformat()} if slot.valid_from else {}),
                **({"validThrough": slot.valid_to.isoformat()} if slot.valid_to else {}),
            }
            for slot in hours.slots
        ]
        data["specialOpeningHoursSpecification"] = [
            {
                "@type": "OpeningHoursSpecification",
                "validFrom": exception.start_date.isoformat(),
                "validThrough": exception.end_date.isoformat(),
                # schema.org says closed all day as opens = closes = 00:00
                "opens": _hhmm(exception.opens) if exception.kind == "special" else "00:00",
                "closes": _hhmm(exception.closes) if exception.kind == "special" else "00:00",
            }
            for exception in hours.exceptions
        ]
    return data


def event(occurrence: Occurrence, lieu: Lieu, *, base_url: str) -> dict:
    """A schema.org Event for one occurrence, at its lieu."""

    def when(value: datetime) -> str:
        return value.date().isoformat() if occurrence.all_day else value.isoformat()

    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": occurrence.title,
        "url": f"{base_url}/agenda/{occurrence.activity_id}",
        "startDate": when(occurrence.starts_at),
        "endDate": when(occurrence.ends_at),
        "eventStatus": "https://schema.org/EventCancelled"
        if occurrence.status == "cancelled"
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {"@id": f"{base_url}/lieux/{lieu.slug}", "@type": "Place", "name": lieu.name},
    }


def script_json(data: object) -> str:
    """JSON safe inside <script type="application/ld+json">: no '</script>' can close it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
