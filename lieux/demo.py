"""The fictional demo dataset: hours and activities placed around a given day, flagged `demo`
row by row (the pages show a banner while any of it is loaded). Idempotent. Never real facts:
the real lieux' hours are not known (lieux/seed.py seeds their public facts only)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from sqlite_utils import Database

from lieux.calendar import rules
from lieux.calendar.expansion import first_from
from lieux.calendar.models import ActivityOverride, ActivityWrite
from lieux.db import activities, hours
from lieux.db import profile as profile_db
from lieux.db.lieux import get_lieu
from lieux.demo_texts import DEMO_TEXTS, DEMO_VERIFIED_DAYS_AGO
from lieux.hours.models import HolidayRule, OpeningException, OpeningSlot

DEMO_UID = "demo-{slug}-{key}@lieux-de-liens.demo"
DEMO_ZONE = ZoneInfo("Europe/Brussels")


MO, TU, WE, TH, FR, SA, SU = range(7)


def _t(text: str) -> time:
    return time.fromisoformat(text)


def _slots(days: tuple[int, ...], opens: str, closes: str) -> list[OpeningSlot]:
    return [OpeningSlot(weekday=d, opens=_t(opens), closes=_t(closes), demo=True) for d in days]


WEEKDAYS = (MO, TU, WE, TH, FR)
DEMO_SLOTS: dict[str, list[OpeningSlot]] = {
    "babel-zin": _slots((TU, WE, TH, FR), "10:00", "16:00"),
    "circuit": _slots((MO, TU, WE, TH), "10:00", "16:00") + _slots((FR,), "10:00", "13:00"),
    "club-55": _slots(WEEKDAYS, "09:30", "16:30"),
    "club-norwest": _slots((MO, WE, FR), "13:00", "17:00"),
    "coin-des-cerises": _slots((TU, TH), "14:00", "17:00"),
    "espace-51": _slots(WEEKDAYS, "10:00", "17:00") + _slots((SA,), "10:00", "14:00"),
    "espace-jv-jean-vermeylen": _slots(WEEKDAYS, "09:00", "12:30")
    + _slots(WEEKDAYS, "13:30", "16:30"),
    "l-entr-act": _slots((SA, SU), "11:00", "17:00"),
    "la-trace": _slots(WEEKDAYS, "09:00", "16:00"),
    "le-delta": _slots((WE, TH, FR, SA), "12:00", "18:00"),
    # overnight: Friday and Saturday evenings close at 02:00 the next day
    "le-pianocktail": _slots((TH,), "18:00", "23:00")
    + _slots((FR,), "19:00", "02:00")
    + _slots((SA,), "15:00", "02:00")
    + _slots((SU,), "15:00", "20:00"),
}
DEMO_HOLIDAY_RULES: dict[str, HolidayRule] = {
    "l-entr-act": HolidayRule(rule="special", opens=_t("11:00"), closes=_t("17:00"), demo=True),
    "le-pianocktail": HolidayRule(rule="as_usual", demo=True),
}


def _next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, _t(hhmm))


BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PAPOTE = "Un café, une chaise, quelqu'un à qui parler. Entrée libre."


def demo_plan(today: date) -> list[tuple[str, str, ActivityWrite]]:
    """The demo activities as (lieu slug, stable key, activity), placed around `today`."""
    plan: list[tuple[str, str, ActivityWrite]] = []
    # Series start eight weeks back, so the agenda shows them as ongoing.
    anchor = today - timedelta(weeks=8)

    def add(slug, key, kind, title, day, start, end, *, end_day=None, **extra):
        starts, ends = _at(day, start), _at(end_day or day, end)
        plan.append(
            (
                slug,
                key,
                ActivityWrite(kind=kind, title=title, starts_at=starts, ends_at=ends, **extra),
            )
        )

    def weekly(slug, key, kind, title, weekday, start, end, *, every=1, **extra):
        rule = f"FREQ=WEEKLY;BYDAY={BYDAY[weekday]}" + (f";INTERVAL={every}" if every > 1 else "")
        add(slug, key, kind, title, _next_weekday(anchor, weekday), start, end, rrule=rule, **extra)

    def monthly(slug, key, kind, title, nth, weekday, start, end, **extra):
        first = anchor.replace(day=1)  # DTSTART on a day the rule itself gives
        rule = f"FREQ=MONTHLY;BYDAY={nth}{BYDAY[weekday]}"
        dtstart = _at(first, start).replace(tzinfo=DEMO_ZONE)
        day = first_from(rule, dtstart, dtstart, rules.HORIZON).date()
        add(slug, key, kind, title, day, start, end, rrule=rule, **extra)

    weekly(
        "babel-zin",
        "papote",
        "cafe-papote",
        "Café-papote",
        TU,
        "14:00",
        "16:00",
        title_nl="Koffieklets",
        title_en="Coffee & chat",
        description=PAPOTE,
    )
    weekly(
        "circuit",
        "soupe",
        "repas",
        "Soupe du midi",
        WE,
        "12:00",
        "13:30",
        price="pay-what-you-can",
        description="Une soupe maison à prix libre.",
    )
    weekly(
        "circuit",
        "tricot",
        "atelier",
        "Atelier tricot",
        TH,
        "14:00",
        "15:30",
        description="Aiguilles et laine fournies.",
    )
    weekly(
        "club-55",
        "papote",
        "cafe-papote",
        "Café-papote",
        MO,
        "10:00",
        "12:00",
        title_nl="Koffieklets",
        description=PAPOTE,
    )
    weekly(
        "club-55",
        "repas",
        "repas",
        "Repas partagé",
        FR,
        "12:00",
        "14:00",
        price="amount",
        price_amount="3 €",
        registration=True,
        description="Inscription la veille, sur place ou par téléphone.",
    )
    weekly("club-norwest", "jeux", "atelier", "Après-midi jeux", WE, "14:00", "16:30")
    weekly(
        "coin-des-cerises",
        "papote",
        "cafe-papote",
        "Café-papote",
        TH,
        "14:00",
        "16:00",
        description=PAPOTE,
    )
    weekly(
        "espace-51",
        "ecriture",
        "atelier",
        "Atelier d'écriture",
        TU,
        "14:00",
        "16:00",
        every=2,
        description="Toutes les deux semaines. Aucune expérience requise.",
    )
    weekly(
        "espace-jv-jean-vermeylen",
        "parole",
        "groupe-de-parole",
        "Groupe de parole",
        WE,
        "10:00",
        "11:30",
        description="Confidentiel, sans inscription.",
    )
    weekly(
        "l-entr-act",
        "brunch",
        "repas",
        "Brunch du dimanche",
        SU,
        "11:30",
        "14:00",
        price="pay-what-you-can",
        title_nl="Zondagsbrunch",
        title_en="Sunday brunch",
    )
    weekly(
        "l-entr-act",
        "papote",
        "cafe-papote",
        "Café-papote du samedi",
        SA,
        "14:00",
        "16:00",
        description=PAPOTE,
    )
    weekly(
        "la-trace",
        "sport",
        "sortie",
        "Sport-aventure",
        TU,
        "13:00",
        "16:00",
        registration=True,
        accessibility="Chaussures de marche conseillées.",
    )
    weekly("le-delta", "biscuits", "atelier", "Préparation de biscuits", WE, "14:00", "16:00")
    weekly("le-delta", "quiz", "atelier", "Quiz musical", FR, "15:00", "17:00", every=2)
    weekly("le-pianocktail", "jeux", "autre", "Soirée jeux", TH, "19:00", "22:30")
    monthly(
        "babel-zin",
        "assemblee",
        "assemblee",
        "Assemblée des participant·es",
        1,
        TU,
        "17:00",
        "18:30",
        description="On décide ensemble du mois à venir.",
    )
    monthly(
        "espace-51",
        "assemblee",
        "assemblee",
        "Assemblée mensuelle",
        1,
        TH,
        "17:00",
        "19:00",
        description="Chaque membre a une voix.",
    )
    monthly(
        "le-pianocktail",
        "assemblee",
        "assemblee",
        "Assemblée participative",
        -1,
        SU,
        "15:00",
        "17:00",
    )

    friday = _next_weekday(today + timedelta(days=1), FR)
    saturday = friday + timedelta(days=1)
    add(
        "le-pianocktail",
        "concert",
        "autre",
        "Concert : trio jazz",
        friday,
        "21:00",
        "01:00",
        end_day=saturday,
        price="pay-what-you-can",
        description="Une soirée qui finit tard.",
    )
    add(
        "coin-des-cerises",
        "ouverture-samedi",
        "ouverture",
        "Ouverture exceptionnelle",
        saturday,
        "10:00",
        "13:00",
        description="Le lieu ouvre ce samedi matin.",
    )
    add(
        "club-norwest",
        "musee",
        "sortie",
        "Sortie au musée",
        saturday + timedelta(weeks=1),
        "13:30",
        "17:00",
        registration=True,
    )
    add(
        "le-delta",
        "balade",
        "sortie",
        "Balade en forêt de Soignes",
        saturday + timedelta(weeks=2),
        "10:00",
        "15:00",
        status="cancelled",
        description="Annulée : prévisions météo trop mauvaises.",
    )
    brocante = saturday + timedelta(weeks=3)
    add(
        "espace-51",
        "brocante",
        "autre",
        "Brocante solidaire",
        brocante,
        "00:00",
        "00:00",
        end_day=brocante + timedelta(days=1),
        all_day=True,
    )
    # L'Entr'Act opens on public holidays: an "ouverture" on the next one.
    add(
        "l-entr-act",
        "jour-ferie",
        "ouverture",
        "Ouverture jour férié",
        _next_public_holiday(today),
        "11:00",
        "17:00",
        title_nl="Opening op feestdag",
        title_en="Public holiday opening",
    )
    return plan


def _next_public_holiday(today: date) -> date:
    calendar = holidays.country_holidays("BE", years=[today.year, today.year + 1])
    return min(day for day in calendar if day > today)


def seed_demo(db: Database, *, today: date, now: datetime | None = None) -> int:
    """Add the fictional hours and activities where they are missing; return activities added."""
    added = 0
    with db.atomic():
        for slug, slots in DEMO_SLOTS.items():
            lieu = get_lieu(db, slug)
            if lieu is None or hours.get_hours(db, lieu.id).known:
                continue
            exceptions = []
            if slug == "club-55":
                christmas = date(
                    today.year if today < date(today.year, 12, 24) else today.year + 1, 12, 24
                )
                exceptions.append(
                    OpeningException(
                        start_date=christmas,
                        end_date=christmas + timedelta(days=8),
                        kind="closed",
                        note="Congés d'hiver",
                        demo=True,
                    )
                )
            hours.replace_hours(
                db,
                lieu.id,
                slots=slots,
                exceptions=exceptions,
                holiday_rule=DEMO_HOLIDAY_RULES.get(slug, HolidayRule(rule="closed", demo=True)),
            )
            # Only the demo's own hours get a demo confirmation date (noon, local time).
            if lieu.hours_verified_at is None and slug in DEMO_VERIFIED_DAYS_AGO:
                day = today - timedelta(days=DEMO_VERIFIED_DAYS_AGO[slug])
                verified = datetime.combine(day, time(12), tzinfo=DEMO_ZONE)
                profile_db.set_hours_verified(db, lieu.id, now=verified)
        for slug, texts in DEMO_TEXTS.items():
            lieu = get_lieu(db, slug)
            if lieu is not None:
                profile_db.fill_empty(db, lieu.id, texts)
        for slug, key, activity in demo_plan(today):
            lieu = get_lieu(db, slug)
            uid = DEMO_UID.format(slug=slug, key=key)
            if lieu is None or activities.get_activity_by_uid(db, uid) is not None:
                continue
            # The demo obeys the recurrence model like any other write (RuleError otherwise).
            rules.check_series(activity.starts_at, activity.ends_at, activity.rrule, DEMO_ZONE)
            activity_id = activities.insert_activity(
                db, lieu.id, activity, uid=uid, now=now, demo=True
            )
            added += 1
            if key == "papote" and slug == "babel-zin":
                # One occurrence cancelled, as happens when the host is ill.
                cancelled = activity.starts_at + timedelta(weeks=9)
                activities.upsert_override(
                    db,
                    activity_id,
                    ActivityOverride(
                        recurrence_id=cancelled,
                        status="cancelled",
                        updated_at=now,
                    ),
                )
    return added
