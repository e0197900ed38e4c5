"""The audit log as people read it: "modification · activité « Café-papote »", then what
changed, field by field, in the page's language ("Répétition : chaque mardi → un mardi sur
deux"), with dates as dates and rules as sentences. One rendering for the lieu's log, an
activity's history and the network log; the stored JSON stays as it was written.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import msgspec

from lieux.calendar.describe import describe_rule, weekday_name
from lieux.calendar.models import KINDS, Activity
from lieux.db.audit import AuditEntry
from lieux.hours.live import summary
from lieux.hours.models import LiveStatus, span_label
from lieux.i18n import current_lang, gettext
from lieux.i18n import mark as _
from lieux.models import commune_name
from lieux.web.lieu_facts import language_name

# The key an undo adds to the "after" of its entries (lieux.manage.audit_trail writes it).
UNDO_OF = "undo_of"
# A detail said in no words of ours (a date and a rule, a number): shown as it is.
AS_IS = "%(text)s"
# A long text (a description) is shown up to this many characters in a change.
TEXT_SHOWN = 240

ACTIONS = {
    "create": _("création"), "update": _("modification"), "cancel": _("annulation"),
    "uncancel": _("rétablissement"), "delete": _("suppression"), "restore": _("restauration"),
    "split": _("série coupée"), "cancel-occurrence": _("date annulée"),
    "restore-occurrence": _("date rétablie"), "move-occurrence": _("date déplacée"),
    "edit-occurrence": _("date modifiée"), "propose": _("proposition"), "accept": _("acceptation"),
    "decline": _("refus"), "support": _("soutien"), "revoke": _("révocation"),
    "withdraw": _("retrait"), "remove": _("départ"), "join": _("arrivée"),
    "set": _("affichage"), "clear": _("retrait"), "archive": _("archivage"),
    "resolve": _("traitement"), "answer": _("réponse"), "end": _("fin"), "send": _("envoi"),
    "link": _("lien"),
}  # fmt: skip
ENTITIES = {
    "activity": _("activité"), "proposal": _("proposition"), "invite": _("invitation"),
    "hours": _("horaires"), "member": _("membre du lieu"), "live_status": _("statut en ce moment"),
    "helpline": _("ligne d'écoute"), "report": _("signalement"),
    "campaign": _("campagne de mise à jour"),
}  # fmt: skip
ACTORS = {
    "cli": _("ligne de commande"), "refresh": _("mise à jour automatique"),
    "visitor": _("un·e visiteur·euse"), "campaign": _("lien de la campagne"),
}  # fmt: skip
# A visitor's report (lieux.reports) as the reports' own page names it.
REPORT_WORDS = {
    "found-closed": _("Fermé alors qu'affiché ouvert"), "wrong-hours": _("Horaires erronés"),
    "wrong-contact": _("Adresse ou téléphone erronés"), "other": _("Autre chose"),
    "fixed": _("corrigé"), "not-an-error": _("pas une erreur"),
}  # fmt: skip
RULES = {"governance", "support_threshold", "public_proposals"}
FIELDS = {
    # an activity
    "title": _("Titre"), "title_nl": _("Titre en néerlandais"), "title_en": _("Titre en anglais"),
    "kind": _("Type"), "starts_at": _("Début"), "ends_at": _("Fin"),
    "all_day": _("Toute la journée"), "rrule": _("Répétition"), "status": _("Statut"),
    "description": _("Description"), "description_nl": _("Description en néerlandais"),
    "description_en": _("Description en anglais"), "price_amount": _("Montant"),
    "registration": _("Inscription nécessaire"), "accessibility": _("Accessibilité"),
    # a lieu's profile and facts
    "name": _("Nom"), "address": _("Adresse"), "postcode": _("Code postal"),
    "commune": _("Commune"), "lat": _("Latitude"), "lon": _("Longitude"), "phone": _("Téléphone"),
    "email": _("E-mail"), "website": _("Site web"), "welcome": _("Texte d'accueil"),
    "welcome_nl": _("Texte d'accueil en néerlandais"),
    "welcome_en": _("Texte d'accueil en anglais"),
    "price": _("Prix"), "step_free": _("Accès sans marche"),
    "accessibility_note": _("Précisions sur l'accès"), "languages": _("Langues"),
    "transport": _("Transports en commun"), "archived_at": _("Archivé le"),
    # the rules
    "governance": _("Qui décide des propositions"),
    "support_threshold": _("Soutiens nécessaires"),
    "public_proposals": _("Propositions sans compte"),
    # a helpline, a role, the hours
    "number": _("Numéro"), "language": _("Langue de la ligne"), "what": _("Pour quoi"),
    "what_nl": _("Pour quoi (néerlandais)"), "what_en": _("Pour quoi (anglais)"),
    "hours": _("Heures"), "hours_nl": _("Heures (néerlandais)"), "hours_en": _("Heures (anglais)"),
    "role": _("Rôle"), "hours_verified_at": _("Horaires vérifiés le"),
    "holiday_rule": _("Jours fériés"),
}  # fmt: skip
WORDS = {
    "confirmed": _("confirmée"), "cancelled": _("annulée"), "free": _("gratuit"),
    "pay-what-you-can": _("prix libre"), "amount": _("montant"), "yes": _("oui, de plain-pied"),
    "partly": _("en partie"), "no": _("non"), "coordinated": _("coordonné"),
    "co-managed": _("cogéré"), "self-managed": _("autogéré"), "co-manager": _("co-gestionnaire"),
    "member": _("membre"), "admin": _("administrateur du réseau"), "fr": _("français"),
    "nl": _("néerlandais"), "en": _("anglais"), "closed": _("fermé"),
    "as_usual": _("ouvert comme d'habitude"), "special": _("heures spéciales"),
}  # fmt: skip


class Change(msgspec.Struct, frozen=True):
    label: str
    before: str
    after: str


class EntryView(msgspec.Struct, frozen=True, kw_only=True):
    """One entry as the logs show it (`entry` keeps the id, when and who)."""

    entry: AuditEntry
    who: str
    what: str  # "modification · activité"
    subject: str  # what it is about: an activity's title, a lieu's or a helpline's name
    # Sentences as (French msgid, parameters), translated by the page, which escapes only the
    # parameters: "pour devenir membre", "raison : congés".
    details: tuple[tuple[str, dict], ...]
    changes: tuple[Change, ...]
    undo_of: int | None = None
    undoable: bool = False


def _moment(value: object, zone: ZoneInfo, *, all_day: bool = False) -> str:
    """A stored date or time as people read it: 'mardi 01/12/2026 14:00' (local time)."""
    if not isinstance(value, str):
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:  # an instant (UTC): said in the service's zone
        moment = moment.astimezone(zone)
    pattern = "%d/%m/%Y" if all_day or (len(value) == 10) else "%d/%m/%Y %H:%M"
    return f"{weekday_name(moment.weekday())} {moment.strftime(pattern)}"


def _short(text: str) -> str:
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1].rstrip() + "…"


def _value(name: str, value: object, version: dict, zone: ZoneInfo) -> str:
    """One field's value in words."""
    lang = current_lang.get()
    if value is None or value == "" or value == []:
        return "—"
    if name in ("starts_at", "ends_at", "archived_at", "hours_verified_at"):
        return _moment(value, zone, all_day=bool(version.get("all_day")))
    if name == "rrule":
        return _rule(version, zone)
    if name == "kind" and value in KINDS:
        return KINDS[value][("fr", "nl", "en").index(lang)]
    if name == "commune":
        return commune_name(str(value), lang)
    if name == "languages" and isinstance(value, list):
        return ", ".join(language_name(str(code), lang) for code in value)
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    if isinstance(value, str) and value in WORDS and name not in FREE_TEXT:
        return gettext(WORDS[value])
    return _short(str(value))


# Fields whose value is typed text, never a code to translate ("non" typed as an access note).
FREE_TEXT = {"title", "title_nl", "title_en", "description", "description_nl", "description_en",
             "accessibility", "name", "address", "welcome", "welcome_nl", "welcome_en",
             "accessibility_note", "transport", "what", "what_nl", "what_en", "hours",
             "hours_nl", "hours_en", "price_amount"}  # fmt: skip


def _rule(version: dict, zone: ZoneInfo) -> str:
    """A series' repetition as the activity list says it, with its end: 'chaque mardi,
    jusqu'au 15/12/2026'; 'une seule fois' for a one-off."""
    rrule = version.get("rrule")
    if not rrule:
        return gettext("une seule fois")
    try:
        words = describe_rule(msgspec.convert(version, Activity, strict=False))
    except msgspec.ValidationError:
        return str(rrule)
    parts = dict(p.split("=", 1) for p in str(rrule).split(";") if "=" in p)
    if until := parts.get("UNTIL"):
        try:
            end = datetime.strptime(until[:8], "%Y%m%d").date()
            if until.endswith("Z") and len(until) > 8:
                stamp = datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                end = stamp.astimezone(zone).date()
            words += ", " + gettext("jusqu'au %(day)s") % {"day": f"{end:%d/%m/%Y}"}
        except ValueError:
            pass
    elif (count := parts.get("COUNT", "")).isdigit():
        words += ", " + gettext("%(n)s fois") % {"n": count}
    return words


def _fields(before: dict, after: dict, zone: ZoneInfo) -> list[Change]:
    """The named fields that differ between two versions, in the order of FIELDS."""
    changes = []
    for name, label in FIELDS.items():
        if name in before or name in after:
            old, new = before.get(name), after.get(name)
            if old != new:
                words = (_value(name, old, before, zone), _value(name, new, after, zone))
                if words[0] != words[1]:
                    changes.append(Change(gettext(label), *words))
    return changes


def _override_words(override: dict | None, zone: ZoneInfo) -> str:
    if override is None:
        return gettext("comme la série")
    words = []
    if override.get("status") == "cancelled":
        words.append(gettext("annulée"))
    if override.get("starts_at"):
        clock = _moment(override.get("ends_at"), zone).rsplit(" ", 1)[-1]
        moved = _moment(override["starts_at"], zone) + f"–{clock}"
        words.append(gettext("déplacée au %(when)s") % {"when": moved})
    if override.get("title"):
        words.append(gettext("titre « %(title)s »") % {"title": override["title"]})
    if override.get("description"):
        words.append(gettext("autre description"))
    return ", ".join(words) or gettext("comme la série")


def _dates(before: dict, after: dict, zone: ZoneInfo) -> list[Change]:
    """The dates of a series changed on their own, one change per date."""
    old = {o["recurrence_id"]: o for o in before.get("overrides") or []}
    new = {o["recurrence_id"]: o for o in after.get("overrides") or []}
    changes = []
    for rid in sorted(set(old) | set(new)):
        words = (_override_words(old.get(rid), zone), _override_words(new.get(rid), zone))
        if words[0] != words[1]:
            label = gettext("Date du %(when)s") % {"when": _moment(rid, zone)}
            changes.append(Change(label, *words))
    return changes


def _week(hours: dict) -> dict[int, str]:
    spans: dict[int, list[str]] = {}
    for slot in hours.get("slots") or []:
        opens, closes = (
            datetime.strptime(slot[k][:5], "%H:%M").time() for k in ("opens", "closes")
        )
        spans.setdefault(slot["weekday"], []).append(span_label(opens, closes))
    return {day: ", ".join(spans.get(day, [])) or gettext("fermé") for day in range(7)}


def _exception(e: dict) -> str:
    first, last = (
        date.fromisoformat(e[k]).strftime("%d/%m/%Y") for k in ("start_date", "end_date")
    )
    days = (
        first
        if first == last
        else gettext("du %(first)s au %(last)s") % {"first": first, "last": last}
    )
    kind = (
        gettext("fermé")
        if e.get("kind") == "closed"
        else f"{e.get('opens', '')[:5]}–{e.get('closes', '')[:5]}"
    )
    return f"{days} : {kind}" + (f" ({e['note']})" if e.get("note") else "")


def _holidays(rule: dict | None) -> str:
    if not rule:
        return gettext("non précisé")
    if rule.get("rule") == "special":
        hours = f"{rule.get('opens', '')[:5]}–{rule.get('closes', '')[:5]}"
        return f"{gettext('heures spéciales')} {hours}"
    return gettext(WORDS.get(rule.get("rule"), "")) if rule.get("rule") in WORDS else "—"


def _hours(before: dict, after: dict, zone: ZoneInfo) -> list[Change]:
    """The days, exceptions and holiday rule that differ between two versions of the hours."""
    if "slots" not in before and "slots" not in after:
        return _fields(before, after, zone)  # "the hours are still right"
    changes = []
    old, new = _week(before), _week(after)
    for day in range(7):
        if old[day] != new[day]:
            changes.append(Change(weekday_name(day).capitalize(), old[day], new[day]))
    # Compared as people read them: a flag nobody sees (demo) is no change.
    old_exceptions = [_exception(e) for e in before.get("exceptions") or []]
    new_exceptions = [_exception(e) for e in after.get("exceptions") or []]
    label = gettext("Exception")
    changes += [
        Change(label, words, "—") for words in old_exceptions if words not in new_exceptions
    ]
    changes += [
        Change(label, "—", words) for words in new_exceptions if words not in old_exceptions
    ]
    rules = (_holidays(before.get("holiday_rule")), _holidays(after.get("holiday_rule")))
    if rules[0] != rules[1]:
        changes.append(Change(gettext(FIELDS["holiday_rule"]), *rules))
    return changes


def _live(version: dict | None, zone: ZoneInfo) -> str:
    if version is None:
        return gettext("les horaires habituels")
    status = msgspec.convert(version, LiveStatus)
    text, params = summary(status, zone)
    return gettext(text) % params + (f" — {status.note}" if status.note else "")


def _plain(value: dict | None) -> dict:
    return {k: v for k, v in (value or {}).items() if k not in (UNDO_OF, "reason")}


def _entity(entry: AuditEntry, before: dict, after: dict) -> str:
    if entry.entity != "lieu":
        return gettext(ENTITIES.get(entry.entity, entry.entity))
    keys = set(before) | set(after)
    if keys and keys <= RULES:
        return gettext("règles du lieu")
    if entry.action == "create" or keys == {"archived_at"}:
        return gettext("lieu")
    return gettext("fiche du lieu")


def describe_entry(entry: AuditEntry, zone: ZoneInfo, *, subject: str = "") -> EntryView:
    """How the logs show `entry`; `subject`: what it is about when the entry does not say
    (the network log names the lieu)."""
    before, after = _plain(entry.before), _plain(entry.after)
    version = after or before
    details: list[tuple[str, dict]] = []
    if entry.entity in ("activity", "proposal") and version.get("title"):
        subject = version["title"]
    elif entry.entity == "campaign" and (version.get("campaign") or version.get("name")):
        subject = version.get("campaign") or version["name"]
    elif version.get("name") and (entry.entity == "helpline" or not subject):
        subject = version["name"]
    if entry.entity == "live_status":
        changes = [
            Change(gettext("Affiché"), _live(entry.before, zone), _live(after or None, zone))
        ]
    elif entry.entity == "hours":
        changes = _hours(before, after, zone)
    elif entry.entity == "member" and entry.action == "join":
        changes = []
        role = gettext(WORDS.get(after.get("role"), "membre"))
        joined = _("A rejoint le lieu comme %(role)s, par l'invitation #%(invite)s.")
        details.append((joined, {"role": role, "invite": after.get("invite_id")}))
    elif entry.entity == "invite" and entry.action == "create":
        changes = []
        role = gettext(WORDS.get(after.get("role"), "membre"))
        details.append((_("pour devenir %(role)s"), {"role": role}))
        if after.get("reusable"):
            details.append((_("réutilisable"), {}))
    elif entry.entity == "report":
        changes = []
        if kind := after.get("kind"):
            words = gettext(REPORT_WORDS.get(kind, REPORT_WORDS["other"]))
            if resolution := after.get("resolution"):
                words += " → " + gettext(REPORT_WORDS.get(resolution, resolution))
            if after.get("note"):
                words += f" — {after['note']}"
            details.append((AS_IS, {"text": words}))
    elif entry.entity == "campaign":
        changes = []
    elif entry.entity == "proposal":
        changes = []
        if after.get("message"):
            details.append((_("Message : %(message)s"), {"message": _short(after["message"])}))
    elif before and after:
        changes = _fields(before, after, zone)
        if entry.entity == "activity":
            changes += _dates(before, after, zone)
    else:
        changes = []
        if entry.entity == "activity" and version.get("starts_at"):
            when = _moment(version["starts_at"], zone, all_day=bool(version.get("all_day")))
            details.append((AS_IS, {"text": f"{when} · {_rule(version, zone)}"}))
        elif entry.entity == "helpline" and version.get("number"):
            details.append((AS_IS, {"text": str(version["number"])}))
    if reason := (entry.after or {}).get("reason"):
        details.append((_("raison : %(reason)s"), {"reason": reason}))
    undo_of = (entry.after or {}).get(UNDO_OF)
    who = entry.member_name or gettext(ACTORS.get(entry.actor or "", _("le système")))
    action = gettext(ACTIONS.get(entry.action, entry.action))
    return EntryView(
        entry=entry,
        who=who,
        what=f"{action} · {_entity(entry, before, after)}",
        subject=subject,
        details=tuple(details),
        changes=tuple(changes),
        undo_of=undo_of if isinstance(undo_of, int) else None,
    )
