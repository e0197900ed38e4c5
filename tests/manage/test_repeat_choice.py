"""The activity form shows a series' stored rule with the simple repeat choices when they can
say it (weekly, every N weeks, monthly by position, until a date or a number of times), in the
advanced field otherwise, and saving the form unchanged keeps the rule as it was stored."""

from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from lieux.manage.repeat_choice import RepeatChoice, choice_for
from tests.people import LIEU_A, stored

ZONE = ZoneInfo("Europe/Brussels")
# A Tuesday, the second of its month, after the tests' pinned "now" (DEMO_NOW, 23/11/2026).
DAY = "2027-01-12"
ACTIVITY = {"title": "Café-papote", "kind": "cafe-papote", "day": DAY, "start": "14:00"}
ACTIVITY["end"] = "16:00"


class FormFields(HTMLParser):
    """What a browser sends for #activity-form as the page shows it (checked boxes and radios,
    selected options), and whether its advanced rule is open."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.inside = self.advanced_open = False
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == "activity-form"
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a["value"]
        elif tag == "details" and "open" in a:
            self.advanced_open = True

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def edit_form(client, activity_id) -> FormFields:
    page = client.get(f"/manage/{LIEU_A}/activities/{activity_id}")
    assert page.status_code == 200
    parser = FormFields()
    parser.feed(page.text)
    return parser


SIMPLE = ("repeat", "interval", "until", "count", "rrule")
CASES = [
    # (what the co-manager typed as the series' rule, what the edit form then shows)
    ("FREQ=WEEKLY;BYDAY=TU", ("weekly", "1", "", "", "")),
    ("FREQ=WEEKLY", ("weekly", "1", "", "", "")),
    ("FREQ=WEEKLY;COUNT=6;BYDAY=TU", ("weekly", "1", "", "6", "")),
    (
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU;UNTIL=20270427T120000Z",
        ("weekly", "3", "2027-04-27", "", ""),
    ),
    # UNTIL at 10:00 local stops before that Tuesday's 14:00: "until" is the day before.
    ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270427T080000Z", ("weekly", "1", "2027-04-26", "", "")),
    ("FREQ=MONTHLY;BYDAY=2TU", ("monthly", "1", "", "", "")),
    ("FREQ=MONTHLY;BYDAY=2TU;COUNT=4", ("monthly", "1", "", "4", "")),
    # What the simple choices cannot say stays in the advanced field, and the form says so.
    (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
        ("rule", "1", "", "", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"),
    ),
    ("FREQ=MONTHLY;BYDAY=-1TU", ("rule", "1", "", "", "FREQ=MONTHLY;BYDAY=-1TU")),
    (
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU",
        ("rule", "1", "", "", "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU"),
    ),
    (
        "FREQ=WEEKLY;BYDAY=TU;BYMONTH=1,2,3",
        ("rule", "1", "", "", "FREQ=WEEKLY;BYDAY=TU;BYMONTH=1,2,3"),
    ),
    ("FREQ=DAILY;COUNT=5", ("rule", "1", "", "", "FREQ=DAILY;COUNT=5")),
]


@pytest.mark.parametrize(("typed", "shown"), CASES)
def test_the_edit_form_shows_the_stored_rule_and_keeps_it(client, actions, typed, shown):
    actions.sign_in()
    activity_id = actions.create({**ACTIVITY, "rrule": typed})
    before = stored(actions.db_path, activity_id)
    form = edit_form(client, activity_id)
    assert tuple(form.fields.get(name, "") for name in SIMPLE) == shown
    assert form.advanced_open == (shown[0] == "rule")
    page = client.get(f"/manage/{LIEU_A}/activities/{activity_id}").text
    explained = "écrire avec les choix ci-dessus : elle est gardée telle quelle" in page
    assert explained == (shown[0] == "rule")
    # Saved as shown, nothing changed: the same rule, the same version.
    saved = actions.post(f"/manage/{LIEU_A}/activities/{activity_id}", form.fields)
    assert saved.status_code == 303, saved.text[-600:]
    after = stored(actions.db_path, activity_id)
    assert (after.rrule, after.version) == (before.rrule, before.version)


def test_a_series_made_with_the_simple_choices_comes_back_as_them(client, actions):
    actions.sign_in()
    activity_id = actions.create({**ACTIVITY, "repeat": "weekly", "count": "6"})
    rule = stored(actions.db_path, activity_id).rrule
    assert rule == "FREQ=WEEKLY;COUNT=6;INTERVAL=1;BYDAY=TU"
    form = edit_form(client, activity_id)
    assert tuple(form.fields.get(name, "") for name in SIMPLE) == ("weekly", "1", "", "6", "")
    # Changed with the simple controls: the rule follows.
    actions.post(f"/manage/{LIEU_A}/activities/{activity_id}", {**form.fields, "count": "8"})
    assert stored(actions.db_path, activity_id).rrule == "FREQ=WEEKLY;COUNT=8;INTERVAL=1;BYDAY=TU"
    # "une seule fois" now means it: the rule is no longer hidden in the advanced field.
    form = edit_form(client, activity_id)
    actions.post(f"/manage/{LIEU_A}/activities/{activity_id}", {**form.fields, "repeat": "none"})
    assert stored(actions.db_path, activity_id).rrule is None
    assert edit_form(client, activity_id).fields["repeat"] == "none"


def test_a_new_date_keeps_a_simple_rule_simple(client, actions):
    """Moved to a Thursday, a stored "every Tuesday" becomes "every Thursday"."""
    actions.sign_in()
    activity_id = actions.create({**ACTIVITY, "rrule": "FREQ=WEEKLY;BYDAY=TU"})
    form = edit_form(client, activity_id)
    actions.post(f"/manage/{LIEU_A}/activities/{activity_id}", {**form.fields, "day": "2027-01-14"})
    after = stored(actions.db_path, activity_id)
    assert after.rrule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TH"


def test_the_advanced_choice_without_a_rule_is_refused(client, actions):
    actions.sign_in()
    activity_id = actions.create({**ACTIVITY, "rrule": "FREQ=WEEKLY;BYDAY=TU,TH"})
    form = edit_form(client, activity_id)
    response = actions.post(
        f"/manage/{LIEU_A}/activities/{activity_id}", {**form.fields, "rrule": ""}
    )
    assert response.status_code == 400
    assert "Écrivez la règle avancée, ou choisissez une autre répétition." in response.text
    assert stored(actions.db_path, activity_id).rrule == "FREQ=WEEKLY;BYDAY=TU,TH"


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "2027-01-12T14:00", RepeatChoice(repeat="weekly")),
        ("FREQ=WEEKLY;BYDAY=WE", "2027-01-12T14:00", None),  # not the date's weekday
        ("FREQ=WEEKLY;INTERVAL=13;BYDAY=TU", "2027-01-12T14:00", None),  # past the form's 12
        ("FREQ=WEEKLY;BYDAY=+1TU", "2027-01-12T14:00", None),
        ("FREQ=MONTHLY;BYDAY=-1FR", "2027-01-29T10:00", RepeatChoice(repeat="monthly")),
        ("FREQ=MONTHLY;BYDAY=4FR", "2027-01-29T10:00", None),  # the 5th Friday: the form says last
        ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270105", "2027-01-12T14:00", None),  # ends before it starts
        ("FREQ=WEEKLY;BYDAY=TU;WKST=SU", "2027-01-12T14:00", None),
        ("not a rule", "2027-01-12T14:00", None),
        ("FREQ=HOURLY", "2027-01-12T14:00", None),
    ],
)
def test_choice_for(rule, start, expected):
    assert choice_for(rule, datetime.fromisoformat(start), ZONE) == expected


@pytest.mark.parametrize(
    ("lang", "choice", "hint"),
    [
        ("fr", "autre répétition : la règle avancée ci-dessous", "elle est gardée telle quelle"),
        ("nl", "andere herhaling: de geavanceerde regel hieronder", "ze blijft ongewijzigd"),
        ("en", "another repetition: the advanced rule below", "it is kept as it is"),
    ],
)
def test_the_advanced_choice_is_said_in_the_page_language(client, actions, lang, choice, hint):
    actions.sign_in()
    activity_id = actions.create({**ACTIVITY, "rrule": "FREQ=WEEKLY;BYDAY=TU,TH"})
    page = client.get(
        f"/manage/{LIEU_A}/activities/{activity_id}", headers={"accept-language": lang}
    ).text
    assert choice in page and hint in page
