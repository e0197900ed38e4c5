"""Free text that people type or calendars bring: one set of rules for what may be stored.

No markup (text is escaped on output anyway, but it also reaches feeds, the JSON API and HSDS,
read by code we do not control), no control characters but tab and newline (a vertical tab or
form feed breaks XML and some calendar clients; U+2028/U+2029 end JavaScript strings and lines in
feeds), bidirectional overrides removed (they can make a text read backwards), lengths capped.

The forms refuse markup with a message (`has_markup`): the person can fix what they typed.
Imports (calendar files, OSM notes) `clean` it instead: nobody can fix the source.
"""

import re
from html.parser import HTMLParser

# Limits a person can reach by typing, and what an import keeps; the database has its own.
TITLE_MAX = 200
DESCRIPTION_MAX = 5_000
NOTE_MAX = 500

# Something that a browser would read as markup: "<b", "</", "<!--", "<script". A lone "<" as in
# "3 < 5" is fine.
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")
# C0 and C1 controls but tab and newline, DEL, the Unicode line and paragraph separators, and
# the bidirectional embeddings, overrides and isolates.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Elements whose end starts a new line when markup becomes text.
_BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
# Elements whose content is no text for people.
_HIDDEN = {"script", "style"}
_BLANK_LINES = re.compile(r"\n{3,}")


def has_markup(text: str) -> bool:
    """Whether `text` holds something a browser would read as a tag."""
    return MARKUP.search(text) is not None


def without_controls(text: str) -> str:
    """`text` with line ends as "\\n" and no control or bidirectional formatting characters."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


class _Text(HTMLParser):
    """The text of a piece of markup: tags dropped (and what a script or style holds),
    entities read, line breaks kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKS:
            self.parts.append("\n")
        elif tag in _HIDDEN and self.hidden:
            self.hidden -= 1


def clean(text: str, max_length: int) -> str:
    """Imported text as the forms would accept it: markup turned into its text, controls
    removed, at most `max_length` characters (cut on a word when one ends near the cap)."""
    # Markup takes room: read ten times the cap at most, not a whole 5 MB file.
    text = without_controls(text[: max_length * 10])
    if has_markup(text):
        reader = _Text()
        reader.feed(text)
        reader.close()
        text = without_controls("".join(reader.parts))
        # An escaped tag ("&lt;b&gt;") is a tag again once read: its "<" becomes a "‹" (one
        # pass: replacing, not removing, cannot bring two characters together into a new tag).
        text = MARKUP.sub(lambda found: "‹" + found[0][1:], text)
        text = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.split("\n")))
    text = text.strip()
    if len(text) > max_length:
        cut = text[: max_length - 1]
        space = cut.rfind(" ")
        text = (cut[:space] if space > max_length * 0.8 else cut).rstrip() + "…"
    return text
