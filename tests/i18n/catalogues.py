"""What the catalogue tests read: the public side's strings as `make messages` extracts them
(babel-public.cfg), and each language's catalogue."""

import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]
TRANSLATIONS = ROOT / "lieux" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
PUBLIC_ONLY = ("ar", "es", "pt", "ro", "tr", "uk")
EVERY_LANGUAGE = ("nl", "en", *PUBLIC_ONLY)  # French is the source: it has no catalogue
# Python's %-placeholders (%(name)s, %(num)d, %%) and str.format's ({name}).
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%|\{[a-z_]*\}")


@cache
def public_msgids() -> frozenset[str]:
    """Every msgid of the public side, found in the sources now (singular of a plural)."""
    with (ROOT / "babel-public.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return frozenset(found)


@cache
def catalogue(lang: str) -> Catalog:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=lang)


def msgid_of(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def placeholder_problems(found: Catalog) -> list[tuple[str, str]]:
    """(msgid, translation) of each translation whose placeholders are not the msgid's: one
    that drops `%(time)s` hides the time; one that adds or misspells one makes Python's `%`
    fail at run time. A plural form may leave out the number ("un lieu"): it may write fewer,
    but only placeholders of the msgid. Empty translations are not checked (French shows)."""
    wrong = []
    for message in found:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            if not string:
                continue
            written = placeholders(string)
            if len(ids) > 1:
                allowed = {p for i in ids for p in placeholders(i)}
                if not set(written) <= allowed:
                    wrong.append((msgid_of(message), string))
            elif written != placeholders(ids[0]):
                wrong.append((msgid_of(message), string))
    return wrong
