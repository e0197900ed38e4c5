"""The subscribe box: a feed's https and webcal addresses, the Google link, and the QR code of
the page that offers it."""

from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode

from lieux.i18n import current_lang
from lieux.qr import qr_svg


def feed_path(*, lieu: str | None = None, kind: str | None = None, commune: str | None = None):
    """The feed URL path (and query) that matches one agenda selection."""
    named = [(k, v) for k, v in (("lieux", lieu), ("kinds", kind), ("communes", commune)) if v]
    if len(named) == 1:
        name, value = named[0]
        return f"/ical/{name}/{value}.ics"
    return "/ical/network.ics" + (f"?{urlencode(named)}" if named else "")


# Google Calendar's "add by URL" page, given the webcal address: the person follows the link and
# confirms in their Google account (the page itself requests nothing from Google).
GOOGLE_ADD_BY_URL = "https://calendar.google.com/calendar/r?cid="
# The page of each feed, for the QR code: "feed parameter" -> "/agenda parameter".
_AGENDA_FILTERS = {"lieux": "lieu", "kinds": "kind", "communes": "commune"}


def feed_page(path: str) -> str:
    """The page whose subscribe box offers the feed at `path`: a lieu's page for its feed, the
    agenda with the same filters for the others (and the same `lang`)."""
    route, _, query = path.partition("?")
    params = parse_qsl(query)
    parts = route.removesuffix(".ics").split("/")  # "", "ical", name[, value]
    if len(parts) == 4 and parts[2] == "lieux":
        page = f"/lieux/{parts[3]}"
    else:
        if len(parts) == 4:
            params.insert(0, (parts[2], parts[3]))
        page = "/agenda"
    filters = [(_AGENDA_FILTERS.get(k, k), v) for k, v in params if k != "lang"]
    filters += [(k, v) for k, v in params if k == "lang"]
    return page + (f"?{urlencode(filters)}" if filters else "")


def subscribe_context(base_url: str, path: str) -> dict[str, str]:
    """What the subscribe box shows: https and webcal addresses, the Google "add by URL" link,
    and a QR code that opens the same page (and box) on a phone.

    The feed is in the page's language: someone reading in Dutch subscribes to Dutch titles.
    """
    lang = current_lang.get()
    if lang != "fr":
        path += ("&" if "?" in path else "?") + urlencode({"lang": lang})
    return _subscribe(base_url + path, base_url + feed_page(path) + "#subscribe")


@lru_cache(maxsize=1024)
def _subscribe(https: str, page: str) -> dict[str, str]:
    webcal = "webcal://" + https.split("://", 1)[1]
    # The QR code opens the page, not the feed: a phone's camera opening the .ics address would
    # import today's events once (iPhone) or download a file (Android), not subscribe.
    return {
        "https": https,
        "webcal": webcal,
        "google": GOOGLE_ADD_BY_URL + quote(webcal, safe=""),
        "page": page,
        "qr_svg": qr_svg(page),
    }
