"""A request refused for a reason people read in their language, and programs in one line.

A `Refusal` carries its message as a French msgid (marked with `_` where it is raised, so the
catalogues hold it) and the values it names apart: the page that shows it translates the
message into the reader's language and only then puts the values in, each cut short. Its
`str()` is what a program reads (the API's JSON, a log line): the `technical` text given, or
the message in French.
"""

from lieux.i18n import current_lang, gettext_in
from lieux.i18n import mark as _
from lieux.models import LANGUAGES, text_direction

# What an error echoes of a value someone typed: enough to recognise it. A link pasted twice,
# or 3,000 characters of a robot's, would otherwise be the page.
ECHO_MAX = 80

# The refusals several places say (a feed, the agenda, a page, the poster, an embed): once here.
NO_LIEU = _("Aucun lieu « %(name)s ».")
NO_COMMUNE = _("Aucun lieu dans la commune « %(name)s ».")
NO_KIND = _("Type d'activité inconnu : « %(name)s ».")
NO_LANGUAGE = _("Langue inconnue : « %(name)s ». Langues possibles : %(choices)s.")
BAD_WEEK = _("Semaine invalide : donnez une date au format AAAA-MM-JJ, par exemple 2026-11-23.")


def shortened(value: object) -> str:
    """`value` as text, at most ECHO_MAX characters ("…" says the rest was cut)."""
    text = str(value)
    return text if len(text) <= ECHO_MAX else text[: ECHO_MAX - 1] + "…"


def filled(message: str, params: dict[str, object], *, isolate: bool = False) -> str:
    """`message` with its values in, each shortened. Without values it is written as it is:
    a "%" in it is then a percent sign, not a placeholder. `isolate` (a right-to-left sentence)
    puts each value between Unicode's isolate marks (FSI, PDI): "nope…" typed in Latin letters
    keeps its own direction and does not carry the quotes and the full stop around with it."""
    if not params:
        return message
    if isolate:
        return message % {name: f"\u2068{shortened(value)}\u2069" for name, value in params.items()}
    return message % {name: shortened(value) for name, value in params.items()}


class Refusal(Exception):
    """What was asked cannot be given, and why: `message` (a French msgid) with `params`."""

    def __init__(self, message: str, /, *, technical: str = "", **params: object) -> None:
        self.message, self.params = message, params
        super().__init__(technical or filled(message, params))

    def readable(self, lang: str | None = None) -> str:
        """The message in `lang` (the request's language by default), its values in."""
        lang = lang or current_lang.get()
        rtl = text_direction(lang) == "rtl"
        return filled(gettext_in(lang, self.message), self.params, isolate=rtl)


def no_language(name: str) -> Refusal:
    """`name` is none of the page languages: the refusal that lists them."""
    return Refusal(NO_LANGUAGE, name=name, choices=", ".join(LANGUAGES))
