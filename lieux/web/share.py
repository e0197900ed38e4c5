"""Passing a lieu on (issue 23): the short message a social worker or a friend sends by SMS,
WhatsApp or e-mail (name, address, today's hours or "call before", phone, page), and the plain
links that open each app with it, prefilled. No script and no request to anyone else until the
person taps: the links are `sms:`, `https://wa.me/` and `mailto:` addresses.

An SMS holds 160 characters of the GSM 7-bit alphabet, but only 70 as soon as one character is
outside it (an en dash, a curly apostrophe, "ê"): the SMS text is written in that alphabet, and
shortened, where it can be, to fit one message.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from urllib.parse import quote

import msgspec

from lieux.hours.engine import day_plan
from lieux.hours.models import OpeningHours, span_label
from lieux.i18n import gettext
from lieux.models import Lieu, commune_name

# One SMS: 160 characters of GSM 03.38 (those of GSM_EXTENSION count twice).
SMS_LIMIT = 160
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€")
# What people's texts hold that the alphabet lacks, written with what it has.
_PLAIN = {
    "’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-",
    "…": "...", "·": "-", "œ": "oe", "Œ": "OE", "\u00a0": " ", "\u202f": " ", "\u00ad": "",
}  # fmt: skip
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")


class ShareLinks(msgspec.Struct, frozen=True, kw_only=True):
    text: str  # what WhatsApp and the e-mail carry
    sheet_text: str  # the same less the address of the page, which the share sheet adds
    sms_text: str  # the same in the SMS alphabet, one message where it fits
    sms: str
    whatsapp: str
    email: str
    subject: str
    url: str


def gsm_text(text: str) -> str:
    """`text` in the GSM 7-bit alphabet: curly quotes, dashes and accents it lacks replaced
    ("ê" -> "e", "–" -> "-"), anything else by "?"."""
    out = []
    for char in text:
        if char in GSM_BASIC or char in GSM_EXTENSION:
            out.append(char)
            continue
        if char in _PLAIN:
            out.append(_PLAIN[char])
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(base if base and all(c in GSM_BASIC for c in base) else "?")
    return "".join(out)


def sms_length(text: str) -> int:
    """How many of an SMS's 160 places a GSM 7-bit `text` takes."""
    return sum(2 if char in GSM_EXTENSION else 1 for char in text)


def today_words(
    *, known: bool, spans: Sequence[str], closed_today: bool, phone: str | None
) -> tuple[str, bool]:
    """The line about today: "Aujourd'hui 10:00–16:00", "Fermé aujourd'hui", or, when the hours
    are not online, "Appelez avant de passer : 02 …"; and whether it says the phone already."""
    if not known:
        if phone:
            return gettext("Appelez avant de passer : %(phone)s") % {"phone": phone}, True
        return _capital(gettext("horaires non communiqués")), False
    if closed_today or not spans:
        return gettext("Fermé aujourd'hui"), False
    return gettext("Aujourd'hui %(hours)s") % {"hours": ", ".join(spans)}, False


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lines(name: str, address: str, today: str, phone_line: str, url: str) -> list[str]:
    return [line for line in (name, address, today, phone_line, url) if line]


def share_links(
    *,
    name: str,
    address: str,
    today: str,
    phone: str | None,
    phone_said: bool,
    url: str,
) -> ShareLinks:
    """The message and the links that send it; `address` is "street, postcode commune"."""
    phone_line = "" if phone_said or not phone else f"{_capital(gettext('tél.'))} {phone}"
    text = "\n".join(_lines(name, address, today, phone_line, url))
    sheet_text = "\n".join(_lines(name, address, today, phone_line, ""))
    # Shorter forms for the SMS, tried in turn: without what the address says in brackets
    # ("entrée par ..."), then without the word before the phone number.
    short_address = _PARENTHESIS.sub("", address)
    candidates = [
        _lines(name, address, today, phone_line, url),
        _lines(name, short_address, today, phone_line, url),
        _lines(name, short_address, today, (phone or "") if phone_line else "", url),
    ]
    sms_text = _first_fitting(gsm_text("\n".join(lines)) for lines in candidates)
    subject = name
    return ShareLinks(
        text=text,
        sheet_text=sheet_text,
        sms_text=sms_text,
        sms=f"sms:?body={quote(sms_text, safe='')}",
        whatsapp=f"https://wa.me/?text={quote(text, safe='')}",
        email=f"mailto:?subject={quote(subject, safe='')}&body={quote(text, safe='')}",
        subject=subject,
        url=url,
    )


def _first_fitting(texts: Iterable[str]) -> str:
    """The first of `texts` that fits one SMS, else the last (the shortest)."""
    text = ""
    for text in texts:
        if sms_length(text) <= SMS_LIMIT:
            return text
    return text


def lieu_share(
    lieu: Lieu,
    hours: OpeningHours,
    *,
    today: date,
    holidays: Mapping[date, str],
    closed_now_by_lieu: bool,
    base_url: str,
    lang: str,
) -> ShareLinks:
    """What the lieu page offers to send: its message in `lang` with `today`'s planned hours
    (or "fermé aujourd'hui" when the lieu said so with its live status), and the links.
    Call it with the page's language set (lieux.i18n.current_lang)."""
    spans, _note = day_plan(hours, today, holidays)
    today_line, phone_said = today_words(
        known=hours.known,
        spans=[span_label(start.time(), end.time()) for start, end in spans],
        closed_today=closed_now_by_lieu,
        phone=lieu.phone,
    )
    street = ", ".join(
        part
        for part in (lieu.address, f"{lieu.postcode} {commune_name(lieu.commune, lang)}".strip())
        if part
    )
    return share_links(
        name=lieu.name,
        address=street,
        today=today_line,
        phone=lieu.phone,
        phone_said=phone_said,
        url=f"{base_url}/lieux/{lieu.slug}" + ("" if lang == "fr" else f"?lang={lang}"),
    )
