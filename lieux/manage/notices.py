"""What the page says after a form was sent: "Lieu archivé — Annuler", "Date annulée".

Like Litestar's flash messages, but carried by the redirect itself instead of the session (the
session cookie holds only an id, and a message must survive htmx's full-page redirect): the
answer to every POST of the members' and admin areas redirects to
`page?done=KEY&at=TARGET&entry=ID#TARGET`. KEY is one of NOTICES (a fixed set: the URL never
brings text of its own onto the page), TARGET the id of the element the change concerns (the
page shows the message there, and the browser scrolls to it), ID the audit entries the change
wrote (the message's "Annuler" button undoes exactly them, through lieux.manage.undo or the
network log's restore). Pages read it back with `read_notice` (the `notice()` of templates).
"""

import re
from collections.abc import Iterable, Mapping
from typing import Literal
from urllib.parse import urlencode

import msgspec

from lieux.i18n import mark as _

# Entries one "Annuler" button may undo at once (dates cancelled in one go); past it the
# message says what happened and the lieu's log has the undo, one entry at a time.
MAX_ENTRIES = 50
COUNT_MAX = 10_000
ENTRY_ID_MAX = 2**62  # an audit entry's id (SQLite's rowid is a signed 64-bit integer)
_TARGET = re.compile(r"[a-z][a-z0-9-]{0,79}")

Scope = Literal["lieu", "network"]


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural pair for extraction (babel's `ngettext` keyword) and returns it as it is:
    the page picks the form for its count and translates it (members/_notice.html)."""
    return singular, plural


_DATES_CANCELLED = ngettext(
    "%(num)d date annulée. Elle reste visible, barrée, dans l'agenda.",
    "%(num)d dates annulées. Elles restent visibles, barrées, dans l'agenda.",
)


class Notice(msgspec.Struct, frozen=True, kw_only=True):
    """One message of the catalogue: its French msgid (a plural pair when it counts), and the
    label of the button that undoes it (none: nothing to undo from the message)."""

    text: str
    plural: str = ""
    undo: str = ""
    # Where its undo is handled: a lieu's log (/manage/{slug}/audit/undo) or the network log.
    scope: Scope = "lieu"


NOTICES: dict[str, Notice] = {
    # An activity and its dates
    "activity-created": Notice(text=_("Activité créée."), undo=_("Annuler la création")),
    "activity-saved": Notice(text=_("Activité enregistrée."), undo=_("Annuler ces changements")),
    "activity-split": Notice(
        text=_("Enregistré : une nouvelle série commence à cette date, la précédente s'arrête."),
        undo=_("Annuler ces changements"),
    ),
    "activity-unchanged": Notice(text=_("Rien à enregistrer : l'activité n'a pas changé.")),
    "activity-cancelled": Notice(
        text=_("Activité annulée : elle reste visible, barrée."), undo=_("Rétablir l'activité")
    ),
    "activity-uncancelled": Notice(text=_("Activité rétablie."), undo=_("Annuler")),
    "activity-deleted": Notice(
        text=_("Activité supprimée : elle a disparu de l'agenda et des calendriers."),
        undo=_("Restaurer"),
    ),
    "activity-restored": Notice(text=_("Activité restaurée."), undo=_("Annuler")),
    "date-cancelled": Notice(
        text=_("Date annulée : elle reste visible, barrée."), undo=_("Rétablir cette date")
    ),
    "date-restored": Notice(text=_("Date rétablie."), undo=_("Annuler")),
    "date-moved": Notice(text=_("Date déplacée."), undo=_("Annuler le déplacement")),
    "date-edited": Notice(text=_("Date modifiée."), undo=_("Annuler")),
    "dates-cancelled": Notice(
        text=_DATES_CANCELLED[0], plural=_DATES_CANCELLED[1], undo=_("Rétablir ces dates")
    ),
    # Proposals: the proposal's own buttons are next to the message
    "proposal-sent": Notice(text=_("Merci ! Votre proposition est enregistrée.")),
    "proposal-accepted": Notice(text=_("Proposition acceptée : l'activité est publiée.")),
    "proposal-declined": Notice(text=_("Proposition refusée : la personne verra votre message.")),
    "proposal-supported": Notice(text=_("Votre soutien est enregistré.")),
    "proposal-withdrawn": Notice(text=_("Proposition retirée.")),
    # People and invites
    "role-changed": Notice(text=_("Rôle changé."), undo=_("Annuler")),
    "member-removed": Notice(text=_("Personne retirée du lieu."), undo=_("Annuler")),
    "invite-revoked": Notice(text=_("Invitation révoquée : le lien ne fonctionne plus.")),
    # The lieu: hours, live status, profile, rules
    "hours-saved": Notice(text=_("Horaires enregistrés."), undo=_("Annuler ces changements")),
    "hours-verified": Notice(text=_("Merci : les horaires sont notés comme vérifiés aujourd'hui.")),
    "status-set": Notice(
        text=_(
            "C'est publié : la page du lieu, le widget des sites partenaires et l'API le "
            "montrent (en moins d'une minute)."
        ),
        undo=_("Annuler"),
    ),
    "status-cleared": Notice(
        text=_("Retiré : ce sont à nouveau les horaires habituels qui s'affichent."),
        undo=_("Remettre"),
    ),
    "profile-saved": Notice(text=_("Fiche enregistrée."), undo=_("Annuler ces changements")),
    "rules-saved": Notice(text=_("Règles enregistrées."), undo=_("Annuler ces changements")),
    "unchanged": Notice(text=_("Rien à enregistrer : rien n'a changé.")),
    "undone": Notice(text=_("Changement annulé."), undo=_("Refaire")),
    # The network admin area
    "lieu-created": Notice(
        text=_(
            "Lieu créé. Invitez maintenant ses co-gestionnaires : ils compléteront sa fiche, "
            "ses horaires et son agenda."
        ),
    ),
    "lieu-archived": Notice(
        text=_("Lieu archivé : il a disparu des pages publiques, ses données sont gardées."),
        undo=_("Annuler"),
        scope="network",
    ),
    "lieu-restored": Notice(
        text=_("Lieu rétabli : il est de nouveau public."), undo=_("Annuler"), scope="network"
    ),
    "helpline-added": Notice(text=_("Ligne ajoutée."), undo=_("Annuler"), scope="network"),
    "helpline-saved": Notice(text=_("Ligne enregistrée."), undo=_("Annuler"), scope="network"),
    "helpline-unchanged": Notice(text=_("Rien à enregistrer : rien n'a changé."), scope="network"),
    "helpline-removed": Notice(
        text=_("Ligne retirée : elle n'apparaît plus nulle part."),
        undo=_("Annuler"),
        scope="network",
    ),
    "version-restored": Notice(
        text=_("Version d'avant rétablie."), undo=_("Annuler"), scope="network"
    ),
}


def notice_url(
    url: str,
    key: str,
    *,
    target: str = "",
    entries: Iterable[int] = (),
    count: int | None = None,
) -> str:
    """`url` (a path, perhaps with a query) with the notice `key` about `target` and the
    audit `entries` the change wrote; ValueError on a key or target the pages cannot show."""
    if key not in NOTICES:
        raise ValueError(f"unknown notice {key!r}")
    if target and not _TARGET.fullmatch(target):
        raise ValueError(f"not an element id: {target!r}")
    entries = list(entries)
    params: list[tuple[str, object]] = [("done", key)]
    if target:
        params.append(("at", target))
    if len(entries) <= MAX_ENTRIES:
        params += [("entry", entry) for entry in entries]
    if count is not None:
        params.append(("n", count))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode(params)}" + (f"#{target}" if target else "")


def is_target(value: str) -> bool:
    """Whether `value` can name the element a notice is about (an id the pages write)."""
    return bool(_TARGET.fullmatch(value))


class Shown:
    """The notice a page shows: validated from the query, and where it has been placed yet
    (the layout shows it at the top unless the page showed it next to its target)."""

    def __init__(self, key: str, target: str, entries: list[int], count: int | None):
        self.key = key
        self.notice = NOTICES[key]
        self.target = target
        self.entries = entries
        self.count = len(entries) if count is None else count
        self.placed = False

    @property
    def scope(self) -> Scope:
        return self.notice.scope

    @property
    def undo(self) -> str:
        """The undo button's label, or "" when this notice offers none."""
        return self.notice.undo if self.entries else ""

    def claim(self, target: str) -> bool:
        """Whether the notice belongs at the element `target` (it is then placed there)."""
        if self.placed or not self.target or target != self.target:
            return False
        self.placed = True
        return True

    def place(self) -> bool:
        """Place it wherever is asked (the layout's fallback); False if already placed."""
        if self.placed:
            return False
        self.placed = True
        return True


def _int(raw: str, limit: int) -> int | None:
    """`raw` as a number from 0 to `limit`, or None."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(limit))):
        return None
    return int(raw) if int(raw) <= limit else None


def read_notice(query: Mapping[str, str], entries: Iterable[str]) -> Shown | None:
    """The notice a query names (`done`, `at`, `entry`s, `n`), or None when it names none the
    pages know. `entries`: every `entry` value of the query."""
    key = query.get("done") or ""
    if key not in NOTICES:
        return None
    target = query.get("at") or ""
    if not _TARGET.fullmatch(target):
        target = ""
    ids = [n for raw in list(entries)[:MAX_ENTRIES] if (n := _int(raw, ENTRY_ID_MAX)) is not None]
    count = _int(query.get("n") or "", COUNT_MAX)
    return Shown(key, target, ids, count)
