"""Translations: French source strings, Dutch and English catalogs (gettext .po via Babel).

The request's language lives in a context variable that the Jinja `_()` reads, so templates and
code translate the same way without passing the language around.
"""

from contextvars import ContextVar
from functools import cache
from importlib import resources
from io import BytesIO
from typing import TYPE_CHECKING

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from lieux.models import LANGUAGES, commune_name

if TYPE_CHECKING:  # domain code imports gettext from here: keep Litestar out at run time
    from litestar import Request

DEFAULT_LANG = "fr"
LANG_COOKIE = "lang"
current_lang: ContextVar[str] = ContextVar("current_lang", default=DEFAULT_LANG)


@cache
def translations(lang: str) -> NullTranslations:
    """The catalog of `lang`, compiled in memory from its .po file (French needs none)."""
    po = resources.files("lieux.translations").joinpath(f"{lang}/LC_MESSAGES/messages.po")
    if lang == DEFAULT_LANG or not po.is_file():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def mark(message: str) -> str:
    """Marks a message for extraction (imported as `_`, babel's keyword) and returns it as it
    is: it is translated where it is shown (an error page, a form, the widget)."""
    return message


def gettext(message: str) -> str:
    return translations(current_lang.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_lang.get()).ngettext(singular, plural, n)


def commune_label(commune: str) -> str:
    """The `commune` Jinja filter: the commune's name in the request's language."""
    return commune_name(commune, current_lang.get())


def pick_language(request: "Request") -> str:
    """?lang= first, then the remembered choice, then Accept-Language, then French."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    header = request.headers.get("accept-language", "")
    weighted = []
    for part in header.split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        weighted.append((weight, tag.split("-")[0].lower()))
    for _weight, lang in sorted(weighted, key=lambda item: -item[0]):
        if lang in LANGUAGES:
            return lang
    return DEFAULT_LANG


async def set_language(request: "Request") -> None:
    """before_request hook: every page and fragment is rendered in the chosen language."""
    current_lang.set(pick_language(request))
