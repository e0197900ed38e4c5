"""The agenda fragment (/widget/agenda) and its iframe page (/embed/agenda): options and their
errors, grouping by day in three languages, cancelled and hostile entries, ETag/304, caching
until the data or the day changes, and the same occurrences as the iCal feed across DST."""

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import TestClient

import lieux.embed.assets as assets
from lieux import db as database
from lieux.calendar.models import ActivityOverride, ActivityWrite
from lieux.db import activities as activities_db
from lieux.db.lieux import get_lieu
from lieux.embed.agenda import AgendaQuery, feed_url, parse_agenda_query
from lieux.widget.query import QueryError
from tests.calendar.samples import expand
from tests.conftest import DEMO_NOW, Clock, make_app
from tests.embed.test_assets import top_level_split

ZONE = ZoneInfo("Europe/Brussels")
POISON = '<img src=x onerror=alert(1)> "><script>alert(2)</script>'
CSS = Path(assets.__file__).parent / "static"


def add_activity(path: Path, slug: str, write: ActivityWrite, uid: str, cancel=()) -> int:
    db = database.connect(path)
    try:
        lieu = get_lieu(db, slug)
        activity_id = activities_db.insert_activity(db, lieu.id, write, uid=uid, now=DEMO_NOW)
        for rid, reason in cancel:
            activities_db.upsert_override(
                db,
                activity_id,
                ActivityOverride(
                    recurrence_id=rid, status="cancelled", description=reason, updated_at=DEMO_NOW
                ),
            )
        return activity_id
    finally:
        db.close()


class Rows(HTMLParser):
    """(activity id, start instant, status) of each row of a fragment, as a reader sees it:
    'cancelled' when struck through, 'tentative' when flagged "to be confirmed"."""

    def __init__(self):
        super().__init__()
        self.rows: list[list] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "li" and "ldl-event" in classes:
            self.rows.append([None, None, "cancelled" if "ldl-cancelled" in classes else None])
        elif tag == "time" and self.rows:
            self.rows[-1][1] = datetime.fromisoformat(attrs["datetime"]).astimezone(UTC)
        elif tag == "a" and "ldl-event-title" in classes:
            self.rows[-1][0] = int(re.search(r"/agenda/(\d+)", attrs["href"]).group(1))
        elif tag == "span" and "ldl-flag" in classes:
            self.rows[-1][2] = self.rows[-1][2] or "tentative"


def rows_of(body: str) -> list[tuple[int, datetime, str]]:
    parser = Rows()
    parser.feed(body)
    return [(a, s, status or "confirmed") for a, s, status in parser.rows]


# --- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, named",
    [
        ({"days": "0"}, "Valeur invalide pour « days » : donnez un nombre entier de 1 à 92."),
        ({"days": "93"}, "« days »"),
        ({"days": "deux"}, "« days »"),
        ({"limit": "0"}, "« limit »"),
        ({"limit": "51"}, "« limit »"),
        ({"lieu": "nulle-part"}, "Aucun lieu « nulle-part »."),
        ({"commune": "Atlantis"}, "Aucun lieu dans la commune « Atlantis »."),
        ({"kind": "rave"}, "Type d'activité inconnu : « rave »."),
        ({"lang": "de"}, "Langue inconnue : « de »."),
        ({"layout": "grid"}, "Valeur inconnue pour « layout » : « grid »."),
        ({"theme": "pink"}, "Valeur inconnue pour « theme » : « pink »."),
        ({"lieu": POISON}, "Aucun lieu « &lt;img src=x onerror=alert(1)&gt;"),
        ({"at": "demain"}, "Date et heure invalides"),
    ],
)
def test_a_wrong_option_is_a_400_fragment_that_names_it(client, params, named):
    answer = client.get("/widget/agenda", params=params)
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
    assert 'class="ldl-widget ldl-agenda ldl-error"' in answer.text
    assert named in answer.text.replace("&#39;", "'")  # in words, in the fragment's language
    assert "<script>" not in answer.text and "<img" not in answer.text


def test_the_iframe_page_answers_a_wrong_option_with_a_400_page(client):
    answer = client.get("/embed/agenda", params={"days": "500"})
    assert answer.status_code == 400
    assert "days" in answer.text


def test_options_repeat_or_hold_commas_and_communes_match_by_slug(client):
    repeated = client.get("/widget/agenda?lieu=babel-zin&lieu=circuit&days=30&limit=50")
    commas = client.get("/widget/agenda?lieu=babel-zin,circuit&days=30&limit=50")
    assert repeated.status_code == commas.status_code == 200
    assert rows_of(repeated.text) == rows_of(commas.text)
    lieux = set(re.findall(r'class="ldl-lieu-link" href="[^"]*/lieux/([a-z-]+)', repeated.text))
    assert lieux == {"babel-zin", "circuit"}
    by_name = client.get("/widget/agenda", params={"commune": "Saint-Gilles", "days": "30"})
    by_slug = client.get("/widget/agenda", params={"commune": "saint-gilles", "days": "30"})
    assert by_name.text == by_slug.text
    assert rows_of(by_name.text)


def test_parse_defaults_and_bounds():
    class Lieu:
        slug, commune = "babel-zin", "Saint-Gilles"

    query = parse_agenda_query([Lieu()], zone=ZONE)
    assert (query.days, query.limit, query.lang, query.layout) == (14, 10, "fr", "list")
    assert parse_agenda_query([Lieu()], zone=ZONE, days="92", limit="50").days == 92
    with pytest.raises(QueryError, match="days"):
        parse_agenda_query([Lieu()], zone=ZONE, days="-1")
    assert parse_agenda_query([Lieu()], zone=ZONE, commune=["SAINT-GILLES"]).communes == (
        "Saint-Gilles",
    )


def test_the_subscribe_link_is_the_feed_of_the_same_selection():
    base = "https://example.org"
    assert feed_url(base, AgendaQuery()) == base + "/ical/network.ics"
    assert feed_url(base, AgendaQuery(lieux=("babel-zin",))) == base + "/ical/lieux/babel-zin.ics"
    assert (
        feed_url(base, AgendaQuery(lieux=("a", "b"), communes=("Saint-Gilles",), lang="nl"))
        == base + "/ical/network.ics?lieux=a%2Cb&communes=saint-gilles&lang=nl"
    )


def test_the_fragment_links_to_its_feed_and_the_feed_exists(client):
    answer = client.get("/widget/agenda", params={"lieu": "babel-zin", "lang": "nl"})
    href = re.search(r'class="ldl-subscribe" href="([^"]+)"', answer.text).group(1)
    assert href == "http://testserver/ical/lieux/babel-zin.ics?lang=nl"
    feed = client.get(href.removeprefix("http://testserver"))
    assert feed.status_code == 200 and b"BEGIN:VCALENDAR" in feed.content


# --- what it shows ------------------------------------------------------------------------------


def test_defaults_are_ten_items_over_fourteen_days_grouped_by_day(client):
    answer = client.get("/widget/agenda")
    assert answer.status_code == 200
    rows = rows_of(answer.text)
    assert len(rows) == 10
    assert [s for _, s, _ in rows] == sorted(s for _, s, _ in rows)
    assert all(s < DEMO_NOW + timedelta(days=14) for _, s, _ in rows)
    assert "Mardi 24 novembre" in answer.text
    # absolute links only: the fragment is shown on other sites
    assert not re.search(r'href="/', answer.text)


@pytest.mark.parametrize(
    "lang, day, all_day, text",
    [
        ("fr", "Mardi 24 novembre", "toute la journée", "Prochaines activités"),
        ("nl", "Dinsdag 24 november", "hele dag", "Komende activiteiten"),
        ("en", "Tuesday 24 November", "all day", "Coming activities"),
    ],
)
def test_days_and_words_in_the_reader_language(client, seeded_path, lang, day, all_day, text):
    add_activity(
        seeded_path,
        "babel-zin",
        ActivityWrite(
            kind="autre",
            title="Journée portes ouvertes",
            starts_at=datetime(2026, 11, 24),
            ends_at=datetime(2026, 11, 25),
            all_day=True,
        ),
        "open-day@test",
    )
    answer = client.get("/widget/agenda", params={"lang": lang, "lieu": "babel-zin"})
    assert answer.status_code == 200
    assert f'lang="{lang}"' in answer.text
    assert day in answer.text
    assert all_day.casefold() in answer.text.casefold()
    assert text in answer.text


def test_a_cancelled_date_is_struck_through_with_its_reason_and_titles_are_escaped(
    client, seeded_path
):
    first = datetime(2026, 11, 26, 15)
    hostile = add_activity(
        seeded_path,
        "circuit",
        ActivityWrite(
            kind="atelier",
            title=POISON,
            starts_at=first,
            ends_at=first + timedelta(hours=2),
            rrule="FREQ=WEEKLY",
        ),
        "hostile@test",
        cancel=[(first, "Animatrice malade <b>vraiment</b>")],
    )
    answer = client.get("/widget/agenda", params={"lieu": "circuit", "days": "14"})
    assert answer.status_code == 200
    assert "<img" not in answer.text and "<script>" not in answer.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in answer.text
    cancelled = re.search(r'<li class="ldl-event ldl-cancelled">(.*?)</li>', answer.text, re.S)
    assert cancelled, "no cancelled row"
    row = cancelled.group(1)
    assert "Annulé" in row and "<del>" in row
    assert "Animatrice malade &lt;b&gt;vraiment&lt;/b&gt;" in row
    # the next week's date is on, not struck through
    assert [status for a, _, status in rows_of(answer.text) if a == hostile] == [
        "cancelled",
        "confirmed",
    ]


def test_nothing_planned_says_where_to_look(client, seeded_path):
    db = database.connect(seeded_path)
    lieu = get_lieu(db, "circuit")
    db.execute("UPDATE activities SET deleted_at = '2026-11-01' WHERE lieu_id = ?", [lieu.id])
    db.conn.commit()
    db.close()
    answer = client.get("/widget/agenda", params={"lieu": "circuit", "lang": "en"})
    assert answer.status_code == 200
    assert "Nothing planned here in the next 14 days." in answer.text
    assert 'href="http://testserver/agenda?lang=en"' in answer.text


def test_compact_layout_and_theme_classes(client):
    answer = client.get("/widget/agenda", params={"layout": "compact", "theme": "dark"})
    assert 'class="ldl-widget ldl-agenda ldl-layout-compact ldl-theme-dark"' in answer.text


def test_agenda_css_styles_what_the_fragment_writes_and_nothing_else(client, seeded_path):
    """Both ways, as for widget.css: no dead rule, no unstyled class, no host-page selector."""
    first = datetime(2026, 11, 26, 15)
    add_activity(
        seeded_path,
        "babel-zin",
        ActivityWrite(
            kind="atelier", title="Yoga", starts_at=first, ends_at=first.replace(hour=16)
        ),
        "yoga@test",
        cancel=[(first, "Salle inondée")],
    )
    db = database.connect(seeded_path)
    db.execute(
        "UPDATE activities SET deleted_at = '2026-11-01' WHERE lieu_id = ?",
        [get_lieu(db, "circuit").id],
    )
    db.conn.commit()
    db.close()
    css = re.sub(r"/\*.*?\*/", "", (CSS / "agenda.css").read_text("utf-8"), flags=re.S)
    blocks = [b.strip() for b in re.findall(r"([^{}]+)\{", css) if not b.strip().startswith("@")]
    for block in blocks:
        for selector in top_level_split(block):
            assert selector.strip().startswith(".ldl-agenda"), selector
    styled = set(re.findall(r"\.(ldl-[a-z0-9-]+)", " ".join(blocks)))
    base = set(re.findall(r"\.(ldl-[a-z0-9-]+)", (CSS / "widget.css").read_text("utf-8")))
    written = set()
    for params in (
        {"days": "92", "limit": "50"},
        {"layout": "compact"},
        {"lieu": "babel-zin"},
        {"lieu": "club-55", "days": "60", "limit": "50"},  # its demo winter closure
        {"lieu": "circuit"},  # nothing planned
    ):
        body = client.get("/widget/agenda", params=params).text
        written |= {
            name
            for value in re.findall(r'class="([^"]*)"', body)
            for name in value.split()
            if name.startswith("ldl-")
        }
    assert styled - written == set(), "rules for classes never written"
    assert written - styled - base == set(), "classes with no rule"


# --- caching ------------------------------------------------------------------------------------


def test_etag_304_max_age_and_no_cookie(client):
    first = client.get("/widget/agenda", params={"lieu": "babel-zin"})
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert 0 < int(first.headers["cache-control"].rsplit("=", 1)[1]) <= 300
    assert "set-cookie" not in first.headers
    assert first.headers["access-control-allow-origin"] == "*"
    again = client.get("/widget/agenda?lieu=babel-zin", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag


def test_a_data_change_or_a_new_day_renders_again(seeded_path, monkeypatch):
    import lieux.revision_cache as revision_cache

    # The fragment reads the revision at most every REVISION_CHECK_SECONDS: let that pass.
    ticks = iter(range(0, 1000, 10))
    monkeypatch.setattr(revision_cache, "monotonic", lambda: next(ticks))
    clock = Clock()
    app = make_app(seeded_path, clock)
    with TestClient(app=app) as client:
        before = client.get("/widget/agenda", params={"lieu": "babel-zin"})
        assert client.get("/widget/agenda?lieu=babel-zin").text == before.text
        add_activity(
            seeded_path,
            "babel-zin",
            ActivityWrite(
                kind="sortie",
                title="Visite du musée",
                starts_at=datetime(2026, 11, 23, 17),
                ends_at=datetime(2026, 11, 23, 19),
            ),
            "museum@test",
        )
        changed = client.get("/widget/agenda?lieu=babel-zin")
        assert "Visite du musée" in changed.text
        assert changed.headers["etag"] != before.headers["etag"]
        assert re.search(r"Aujourd(&#39;|')hui, lundi 23 novembre", changed.text)
        clock.now = DEMO_NOW + timedelta(days=1)
        tomorrow = client.get("/widget/agenda?lieu=babel-zin")
        assert "lundi 23 novembre" not in tomorrow.text
        assert "Visite du musée" not in tomorrow.text


# --- the same occurrences as the feed, across a DST change ---------------------------------------


def test_same_occurrences_as_the_ical_feed_across_dst(seeded_path):
    """March 2027: CET to CEST on the 28th. A weekly 14:00 series stays at 14:00 local (13:00
    then 12:00 UTC); a cancelled date is in both, marked."""
    series = add_activity(
        seeded_path,
        "babel-zin",
        ActivityWrite(
            kind="atelier",
            title="Atelier peinture",
            starts_at=datetime(2026, 12, 3, 14),
            ends_at=datetime(2026, 12, 3, 16),
            rrule="FREQ=WEEKLY",
        ),
        "painting@test",
        cancel=[(datetime(2027, 3, 25, 14), "Vacances")],
    )
    now = datetime(2027, 3, 20, 12, tzinfo=ZONE).astimezone(UTC)
    with TestClient(app=make_app(seeded_path, Clock(now))) as client:
        fragment = client.get("/widget/agenda", params={"lieu": "babel-zin", "days": "21"})
        feed = client.get("/ical/lieux/babel-zin.ics", params={"at": now.isoformat()})
    assert fragment.status_code == feed.status_code == 200
    shown = rows_of(fragment.text)
    db = database.connect(seeded_path)
    uid = {a.id: a.uid for a in activities_db.list_activities(db)}
    db.close()
    end = datetime(2027, 4, 10, tzinfo=ZONE)
    assert len(shown) < 50  # the limit did not cut the window short
    assert sorted((uid[a], s, status) for a, s, status in shown) == expand(feed.content, now, end)
    painting = [(s, status) for a, s, status in shown if a == series]
    assert painting == [
        (datetime(2027, 3, 25, 13, tzinfo=UTC), "cancelled"),
        (datetime(2027, 4, 1, 12, tzinfo=UTC), "confirmed"),
        (datetime(2027, 4, 8, 12, tzinfo=UTC), "confirmed"),
    ]
    assert "Jeudi 25 mars" in fragment.text and "Jeudi 1er avril" in fragment.text


# --- the iframe page ----------------------------------------------------------------------------


def test_iframe_page_has_a_strict_csp_and_the_fragment(client):
    answer = client.get("/embed/agenda", params={"lieu": "babel-zin", "layout": "compact"})
    assert answer.status_code == 200
    csp = answer.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert 'id="ldl-agenda"' in answer.text
    assert "/embed/static/agenda.css?v=" in answer.text
    assert 'hx-get="/widget/agenda?lieu=babel-zin&amp;lang=fr&amp;layout=compact"' in answer.text
    assert "set-cookie" not in answer.headers


def test_iframe_page_speaks_the_browser_language_when_none_is_chosen(client):
    answer = client.get("/embed/agenda", headers={"Accept-Language": "nl-BE,nl;q=0.9"})
    assert '<section id="ldl-agenda"' in answer.text and 'lang="nl"' in answer.text
    assert "Komende activiteiten" in answer.text


def test_at_asks_about_another_instant(client):
    answer = client.get("/widget/agenda", params={"at": "2026-12-10T10:00", "days": "1"})
    assert answer.status_code == 200
    days = re.findall(r'<h3 class="ldl-day">([^<]+)</h3>', answer.text)
    assert days == ["Aujourd'hui, jeudi 10 décembre"]


@pytest.mark.parametrize(
    "lang, words",
    [
        ("fr", ["Intégrer l'agenda sur votre site", "Agenda des activités", "Période"]),
        ("nl", ["De agenda op je website insluiten", "Agenda van de activiteiten", "Periode"]),
        ("en", ["Embed the agenda on your website", "Agenda of activities", "Period"]),
    ],
)
def test_agenda_configurator_in_three_languages(client, lang, words):
    answer = client.get("/embed", params={"widget": "agenda", "lang": lang, "lieu": "circuit"})
    assert answer.status_code == 200
    text = answer.text.replace("&#39;", "'")
    for word in words:
        assert word in text
    for code in ("script", "element", "iframe"):
        assert f'<code id="snippet-{code}">' in answer.text
    assert "lieu=&#34;circuit&#34;" in answer.text


def test_configurator_rejects_an_unknown_widget_or_option(client):
    assert client.get("/embed", params={"widget": "carousel"}).status_code == 400
    answer = client.get("/embed", params={"widget": "agenda", "days": "200"})
    assert answer.status_code == 400 and "days" in answer.text


def test_open_now_configurator_offers_the_custom_element(client):
    answer = client.get("/embed", params={"commune": "Schaerbeek"})
    assert "&lt;lieux-open-now commune=&#34;Schaerbeek&#34;&gt;&lt;/lieux-open-now&gt;" in (
        answer.text
    )


@pytest.mark.parametrize("url", ["/embed", "/embed?widget=agenda"])
def test_the_element_names_in_the_configurator_are_text_not_elements(client, url):
    answer = client.get(url)
    assert "<lieux-agenda" not in answer.text and "<lieux-open-now" not in answer.text
    assert "<code>&lt;lieux-" in answer.text
