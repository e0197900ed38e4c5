"""Where a campaign stands, lieu by lieu and section by section, and the same as CSV.

A lieu's progress is the furthest thing that happened: an answer (confirmed unchanged, or
updated) beats the page being opened, which beats the e-mails' fate (bounced when every
message that carried a link came back undeliverable or failed, sent when one went out),
which beats nothing at all (not sent: no e-mail, its links were copied by hand if at all).
"""

import csv
import io
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from lieux.campaigns.models import (
    PROGRESS,
    SECTIONS,
    Check,
    CheckLink,
    CheckRow,
    LieuProgress,
    Progress,
)
from lieux.i18n import gettext
from lieux.i18n import mark as _
from lieux.mail.models import UNDELIVERED

PROGRESS_LABELS = {
    "not_sent": _("pas envoyé"),
    "sent": _("envoyé"),
    "opened": _("lien ouvert"),
    "confirmed": _("confirmé"),
    "updated": _("mis à jour"),
    "bounced": _("non distribué"),
}
SECTION_LABELS = {
    "hours": _("Horaires"),
    "closures": _("Fermetures et ouvertures à venir"),
    "facts": _("Fiche du lieu"),
}
SECTION_STATE_LABELS = {
    "pending": _("à vérifier"),
    "confirmed": _("confirmé"),
    "updated": _("mis à jour"),
}
VIA_LABELS = {
    "link": _("par le lien"),
    "phone": _("par téléphone"),
    "visit": _("sur place"),
    "email": _("par e-mail"),
    "other": _("autrement"),
}
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def state_of(check: Check, links: list[CheckLink]) -> Progress:
    """The lieu's progress in its campaign (see the module's docstring)."""
    answers = [check.state_of(s) for s in check.asked]
    if "updated" in answers:
        return "updated"
    if answers and all(answer == "confirmed" for answer in answers):
        return "confirmed"
    if check.opened_at is not None:
        return "opened"
    mailed = [link for link in links if link.mail_state is not None]
    if mailed and all(link.mail_state in UNDELIVERED for link in mailed):
        return "bounced"
    if mailed:
        return "sent"
    return "not_sent"


def progress(rows: list[CheckRow]) -> list[LieuProgress]:
    """Every lieu's progress, in the rows' order."""
    return [
        LieuProgress(
            lieu=row.lieu,
            check=row.check,
            state=state_of(row.check, row.links),
            sections={s: row.check.state_of(s) for s in row.check.asked},
            links=row.links,
        )
        for row in rows
    ]


def to_reach_by_hand(found: list[LieuProgress]) -> list[LieuProgress]:
    """The lieux no e-mail reached (none sent, or all came back) that have not answered: their
    links are for the coordinator to pass on."""
    return [item for item in found if item.state in ("not_sent", "bounced") and item.check.pending]


def counts(found: list[LieuProgress]) -> dict[str, int]:
    """How many lieux are at each progress, every progress listed (zero too)."""
    tally = Counter(item.state for item in found)
    return {state: tally.get(state, 0) for state in PROGRESS}


def section_counts(found: list[LieuProgress]) -> dict[str, dict[str, int]]:
    """{section: {state: how many lieux}} for the sections the campaign asks."""
    result: dict[str, dict[str, int]] = {}
    for section in SECTIONS:
        states = [item.sections[section] for item in found if section in item.sections]
        if states:
            tally = Counter(states)
            result[section] = {s: tally.get(s, 0) for s in SECTION_STATE_LABELS}
    return result


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: one that could start a formula gets a leading
    apostrophe (OWASP's advice), whatever a lieu's name or an answer's note holds."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return "" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def to_csv(found: list[LieuProgress], zone: ZoneInfo) -> str:
    """The progress as CSV, headers and labels in the current language, times local."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = [
        gettext("Lieu"),
        gettext("Commune"),
        gettext("État"),
        *(gettext(SECTION_LABELS[s]) for s in SECTIONS),
        gettext("Ouvert le"),
        gettext("Répondu le"),
        gettext("Réponse"),
        gettext("De la part de"),
        gettext("Note"),
        gettext("Rappels"),
        gettext("E-mails envoyés"),
        gettext("E-mails non distribués"),
    ]
    writer.writerow(header)
    for item in found:
        check = item.check
        mailed = [link for link in item.links if link.mail_state is not None]
        bounced = [link for link in mailed if link.mail_state in UNDELIVERED]
        sections = [
            gettext(SECTION_STATE_LABELS[item.sections[s]]) if s in item.sections else ""
            for s in SECTIONS
        ]
        row = [
            item.lieu.name,
            item.lieu.commune,
            gettext(PROGRESS_LABELS[item.state]),
            *sections,
            _local(check.opened_at, zone),
            _local(check.answered_at, zone),
            gettext(VIA_LABELS[check.answer_via]) if check.answer_via else "",
            check.answer_who or check.answered_by_name or "",
            check.answer_note or "",
            check.reminders,
            len(mailed) - len(bounced),
            len(bounced),
        ]
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
