"""Slugs: the URL names of lieux (`/lieux/l-entr-act`) and of communes in feed addresses."""

import re
import unicodedata


def slugify(name: str) -> str:
    """'L'Entr'Act' -> 'l-entr-act': ASCII, lower case, words joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
