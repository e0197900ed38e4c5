"""What a lieu's page, the guide and the profile form say of the languages a lieu speaks: the
offered ISO 639-1 codes, and their names in the reader's language (from Babel's CLDR data)."""

from babel import Locale

from lieux.dates import babel_locale

# Languages often spoken in Brussels' lieux, offered as checkboxes (ISO 639-1).
LANGUAGE_CODES = (
    "fr", "nl", "en", "ar", "es", "pt", "it", "tr", "pl", "ro", "ru", "uk", "de", "ln", "sw",
    "bg", "el", "fa", "ps", "so", "ti", "am", "sq",
)  # fmt: skip


def language_name(code: str, lang: str) -> str:
    """The language `code` named in `lang` ("Néerlandais", "Nederlands", "Dutch")."""
    name = Locale.parse(babel_locale(lang)).languages.get(code, code)
    return name[:1].upper() + name[1:]


def language_names(codes, lang: str) -> list[str]:
    """The names of `codes` in `lang`, in the order given."""
    return [language_name(code, lang) for code in codes]
