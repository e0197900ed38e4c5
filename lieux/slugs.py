"""Slugs: the URL names of lieux (`/lieux/l-entr-act`) and of communes in feed addresses; and the
one way a commune typed or carried by a URL is matched to the commune a lieu is stored in."""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from lieux.models import COMMUNES_NL


def slugify(name: str) -> str:
    """'L'Entr'Act' -> 'l-entr-act': ASCII, lower case, words joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def match_commune(text: str, communes: Iterable[str]) -> str | None:
    """The one of `communes` (names as stored: French, "Saint-Gilles") that `text` names, or
    None. Every route reads a commune through this: its slug (`saint-gilles`, as in feed URLs),
    its name in any case, with spaces for hyphens or without accents (`saint gilles`,
    `SAINT-GILLES`), or its Dutch name (`Sint-Gillis`)."""
    return _by_slug(tuple(communes)).get(slugify(text))


@lru_cache(maxsize=64)
def _by_slug(communes: tuple[str, ...]) -> dict[str, str]:
    found = {slugify(COMMUNES_NL[name]): name for name in communes if name in COMMUNES_NL}
    # A French name wins over a Dutch one spelt the same (Anderlecht, Evere, Jette...).
    found.update((slugify(name), name) for name in communes)
    found.pop("", None)
    return found
