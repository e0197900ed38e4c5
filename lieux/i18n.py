"""Translations: French source strings, gettext catalogues (.po, read with Babel) for Dutch and
English (every page) and for Arabic, Spanish, Portuguese, Romanian, Turkish and Ukrainian (the
public side: babel-public.cfg, docs/translating.md).

The request's language lives in a context variable that the Jinja `_()` reads, so templates and
code translate the same way without passing the language around. A string a catalogue lacks, or
leaves empty, is shown in French, string by string: never an empty string.
"""

from contextvars import ContextVar
from datetime import date
from functools import cache
from importlib import resources
from io import BytesIO
from typing import TYPE_CHECKING, BinaryIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from markupsafe import Markup

from lieux import dates
from lieux.models import FULL_LANGUAGES, LANGUAGE_NAMES, LANGUAGES, commune_name, text_direction

if TYPE_CHECKING:  # domain code imports gettext from here: keep Litestar out at run time
    from litestar import Request

DEFAULT_LANG = "fr"
LANG_COOKIE = "lang"
current_lang: ContextVar[str] = ContextVar("current_lang", default=DEFAULT_LANG)
# The members' and admin areas (and a campaign's check page, read by a lieu's team) speak French,
# Dutch and English only: their catalogues are the complete ones. A member whose browser asks
# Arabic gets the next language it accepts among those, else French: the language the network's
# teams work in and the one every string is written in first (English is not more likely to be
# read by a Brussels team than French). The rest, error pages included, is the public side.
MEMBER_AREAS = (
    "/admin", "/manage", "/check", "/join", "/me", "/propose", "/signin", "/signout",
    "/unsubscribe",
)  # fmt: skip
# Accept-Language lists a few languages; a longer header is read up to here.
ACCEPT_LANGUAGE_MAX = 32


@cache
def translations(lang: str) -> NullTranslations:
    """The catalog of `lang`, compiled in memory from its .po file (French needs none)."""
    po = resources.files("lieux.translations").joinpath(f"{lang}/LC_MESSAGES/messages.po")
    if lang == DEFAULT_LANG or not po.is_file():
        return NullTranslations()
    with po.open("rb") as source:
        return compiled(source, lang)


def compiled(source: BinaryIO, lang: str) -> Translations:
    """The catalogue read from the .po `source`, compiled in memory. write_mo leaves out empty
    and fuzzy translations (gettext then answers the msgid: the French source text) and writes a
    plural form left empty as the French singular or plural: a reader never sees an empty
    string nor a form missing."""
    catalog = read_po(source, locale=lang)
    mo = BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return Translations(mo)


def mark(message: str) -> str:
    """Marks a message for extraction (imported as `_`, babel's keyword) and returns it as it
    is: it is translated where it is shown (an error page, a form, the widget)."""
    return message


def gettext(message: str) -> str:
    return translations(current_lang.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_lang.get()).ngettext(singular, plural, n)


def gettext_in(lang: str, message: str) -> str:
    """`message` in `lang`, whatever the request's language (feeds, tables of labels)."""
    return translations(lang).gettext(message)


def is_members_area(path: str) -> bool:
    return any(path == area or path.startswith(area + "/") for area in MEMBER_AREAS)


def area_languages(path: str) -> tuple[str, ...]:
    """The languages the page at `path` can be read in (the language switch offers these)."""
    return FULL_LANGUAGES if is_members_area(path) else LANGUAGES


def page_languages(path: str = "/") -> list[tuple[str, str]]:
    """(code, name in that language) of each language the page at `path` can be read in."""
    return [(code, LANGUAGE_NAMES[code]) for code in area_languages(path)]


# --- right to left: what the templates write around a text ------------------------------------


def page_direction() -> str:
    """The `dir` of the page (or widget) being rendered: "rtl" in Arabic."""
    return text_direction(current_lang.get())


def lang_attributes(text_lang: str) -> Markup:
    """The attributes of an element holding a text in `text_lang` (a lieu's own French text on
    an Arabic page): `lang`, and `dir` when it runs the other way than the page; nothing when it
    is in the page's language."""
    page = current_lang.get()
    if text_lang == page:
        return Markup("")
    found = Markup(' lang="{}"').format(text_lang)
    if text_direction(text_lang) != text_direction(page):
        found += Markup(' dir="{}"').format(text_direction(text_lang))
    return found


def ltr_attribute() -> Markup:
    """The `ltr_dir()` Jinja global: ` dir="ltr"` on an element holding a number, a time or an
    address, on a right-to-left page only (left-to-right pages need nothing)."""
    return Markup(' dir="ltr"') if page_direction() == "rtl" else Markup("")


def isolated(value: object) -> Markup:
    """The `bdi` filter: a text someone typed, in a language nobody recorded (a live status'
    note, a closure's reason), isolated on a right-to-left page so that its own direction does
    not reorder the sentence around it."""
    if page_direction() == "ltr":
        return Markup("{}").format(value)
    return Markup("<bdi>{}</bdi>").format(value)


def left_to_right(value: object) -> Markup:
    """The `ltr` filter: a time range, phone number, date range or address kept left to right
    inside right-to-left text ("10:00–16:00", not "16:00–10:00"; "02 648 40 14", not its groups
    reversed). On a left-to-right page the value is written as it is."""
    if page_direction() == "ltr":
        return Markup("{}").format(value)
    return Markup('<span dir="ltr">{}</span>').format(value)


def ltr_run(text: str, lang: str) -> str:
    """`text` (a time range) kept left to right inside a sentence written in Python for `lang`:
    between Unicode's isolate marks (LRI, PDI) in a right-to-left language, as it is otherwise.
    There, word joiners around its dash keep "14:00–16:00" on one line: a range broken after
    the dash reads as two times at the two ends of a right-to-left line."""
    if text_direction(lang) != "rtl":
        return text
    return "\u2066" + text.replace("–", "\u2060–\u2060") + "\u2069"


def comma() -> str:
    """The `comma()` Jinja global: what separates the items of a list the service writes
    ("lundi, mardi"): Arabic writes its own comma, "،"."""
    return "، " if current_lang.get() == "ar" else ", "


def arrow(towards: str) -> str:
    """The `arrow` Jinja global: the arrow of a "previous" (`back`) or "next" link, pointing
    the way the page reads (a right-to-left page goes back to the right)."""
    back = towards == "back"
    return "←" if back == (page_direction() == "ltr") else "→"


def weekday_label(index: int) -> str:
    """The `weekday_name` Jinja global: weekday `index` (0 is Monday) in the page's language."""
    return dates.weekday_name(index, current_lang.get())


def day_month_label(day: date) -> str:
    """The `day_month` Jinja filter: '25 décembre', '25 de diciembre' in the page's language."""
    return dates.day_month(day, current_lang.get())


def commune_label(commune: str) -> str:
    """The `commune` Jinja filter: the commune's name in the request's language."""
    return commune_name(commune, current_lang.get())


def pick_language(request: "Request") -> str:
    """?lang= first, then the remembered choice, then Accept-Language, then French; among the
    languages of the page's area."""
    spoken = area_languages(request.url.path)
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in spoken:
            return candidate
    header = request.headers.get("accept-language", "")
    weighted = []
    for part in header.split(",", ACCEPT_LANGUAGE_MAX)[:ACCEPT_LANGUAGE_MAX]:
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        weighted.append((weight, tag.split("-")[0].lower()))
    for _weight, lang in sorted(weighted, key=lambda item: -item[0]):
        if lang in spoken:
            return lang
    return DEFAULT_LANG


def url_language(request: "Request") -> str:
    """?lang= alone, else French: the language of an answer that is one per URL (a feed, the
    API, a widget fragment), which reads no cookie or browser language (the hot path runs no
    language layer, and caches such answers by URL)."""
    asked = request.query_params.get("lang")
    return asked if asked in LANGUAGES else DEFAULT_LANG


async def set_language(request: "Request") -> None:
    """before_request hook: every page and fragment is rendered in the chosen language."""
    current_lang.set(pick_language(request))
