"""The right week, on a Sunday night (issue 23): the agenda from today, the poster of the coming
week, and a directory asked about another instant that says which and keeps it in its links. In
Chromium at 360 px (and 1280 px where the layout changes), in French and Dutch.

The server runs on the machine's clock: every page here names its instant with `?at=`.
Screenshots go to var/screenshots/public-ux/ (git-ignored): look at them after a change.
"""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import axe_violations
from tests.screenshots import shot

SUNDAY_NIGHT = "2026-12-06T21:00"  # the evening the issue was found
SATURDAY = "2026-12-12T15:00"  # the example: "Ouverts le samedi 12 décembre à 15:00"
COMING_WEEK = [f"2026-12-{day:02d}" for day in range(6, 14)]  # today and the next seven days
WEEK_TITLE = {"fr": "Semaine du 7 au 13 décembre 2026", "nl": "Week van 7 tot 13 december 2026"}


def open_page(browser, url: str, *, width: int, lang: str = "fr"):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale={"fr": "fr-BE", "nl": "nl-BE"}[lang]
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    return context, page, errors


@pytest.mark.parametrize("lang", ["fr", "nl"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_agenda_on_a_sunday_night_shows_today_and_the_coming_week(
    read_only_server, browser, width, lang
):
    url = f"{read_only_server.url}/agenda?at={SUNDAY_NIGHT}&lang={lang}"
    context, page, errors = open_page(browser, url, width=width, lang=lang)
    shot(page, f"public-ux/agenda-sunday-{lang}-{width}", full_page=True)
    days = page.locator("#agenda-week > section").evaluate_all(
        "sections => sections.map(s => s.getAttribute('aria-labelledby').slice(4))"
    )
    assert days == COMING_WEEK  # not Monday 30 November to this Sunday
    first = page.locator("#agenda-week h2").first.inner_text()
    assert first.startswith({"fr": "Aujourd'hui", "nl": "Vandaag"}[lang])
    title = page.locator("nav.weeks strong").inner_text()
    assert (
        title
        == {
            "fr": "Du dimanche 6 décembre au dimanche 13 décembre",
            "nl": "Van zondag 6 december tot zondag 13 december",
        }[lang]
    )
    # The coming week has its activities (the demo's weekly series go on).
    assert page.locator("#day-2026-12-08 ~ ul li").count() > 0
    # The neighbouring weeks say which they are, and together leave no day out.
    previous, following = (
        page.locator("nav.weeks a[rel=prev]"),
        page.locator("nav.weeks a[rel=next]"),
    )
    assert parse_qs(urlsplit(previous.get_attribute("href")).query)["week"] == ["2026-11-30"]
    assert parse_qs(urlsplit(following.get_attribute("href")).query)["week"] == ["2026-12-14"]
    assert (
        following.inner_text()
        == {
            "fr": "Semaine du 14 décembre →",
            "nl": "Week van 14 december →",
        }[lang]
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert errors == []
    context.close()


def test_the_week_view_from_today_keeps_its_eight_days_on_one_row(read_only_server, browser):
    url = f"{read_only_server.url}/agenda?at={SUNDAY_NIGHT}&view=week"
    context, page, _errors = open_page(browser, url, width=1280)
    shot(page, "public-ux/agenda-sunday-week-view-1280", full_page=True)
    tops = [
        box["y"]
        for box in map(lambda s: s.bounding_box(), page.locator("#agenda-week > section").all())
    ]
    assert len(tops) == 8 and len(set(tops)) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    context.close()


def test_an_asked_week_is_still_monday_to_sunday(read_only_server, browser):
    url = f"{read_only_server.url}/agenda?at={SUNDAY_NIGHT}&week=2026-11-30"
    context, page, _errors = open_page(browser, url, width=360)
    days = page.locator("#agenda-week > section").evaluate_all(
        "sections => sections.map(s => s.getAttribute('aria-labelledby').slice(4))"
    )
    assert days == [f"2026-{m}" for m in ("11-30", *(f"12-0{d}" for d in range(1, 7)))]
    assert page.locator("nav.weeks strong").inner_text() == "Semaine du lundi 30 novembre"
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_poster_printed_on_a_sunday_is_for_the_coming_week(read_only_server, browser, lang):
    url = f"{read_only_server.url}/lieux/club-55/poster?at={SUNDAY_NIGHT}&lang={lang}"
    context, page, errors = open_page(browser, url, width=360, lang=lang)
    shot(page, f"public-ux/poster-sunday-{lang}-360", full_page=True)
    assert page.locator("h2.week").inner_text() == WEEK_TITLE[lang]
    first_day = page.locator("tbody th").first.inner_text()
    assert first_day.split()[1:3] == ["7", {"fr": "décembre", "nl": "december"}[lang]]
    assert errors == []
    context.close()


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("fr", "3 lieux ouverts le samedi 12 décembre à 15:00"),
        ("nl", "3 plekken open op zaterdag 12 december om 15:00"),
    ],
)
def test_the_directory_says_which_instant_it_answers_for_and_keeps_it(
    read_only_server, browser, axe_source, lang, heading
):
    url = f"{read_only_server.url}/lieux?open=now&at={SATURDAY}&lang={lang}"
    context, page, errors = open_page(browser, url, width=360, lang=lang)
    shot(page, f"public-ux/directory-at-{lang}-360", full_page=True)
    assert page.locator("#results").inner_text() == heading
    when = {"fr": "samedi 12 décembre à 15:00", "nl": "zaterdag 12 december om 15:00"}[lang]
    assert when in page.locator("p.as-of").inner_text()
    # Every lieu link keeps the instant, and so does "clear all".
    cards = page.locator("article.lieu h3 a")
    assert cards.count() == 3
    for href in cards.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert parse_qs(urlsplit(href).query)["at"] == [SATURDAY], href
    page.locator("form.filters summary").click()  # the filters are folded
    clear = page.get_by_role("link", name={"fr": "Tout effacer", "nl": "Alles wissen"}[lang])
    assert parse_qs(urlsplit(clear.get_attribute("href")).query)["at"] == [SATURDAY]
    # A filter added in the form still answers for Saturday 15:00.
    page.get_by_label("Schaerbeek" if lang == "fr" else "Schaarbeek").check()
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()
    assert parse_qs(urlsplit(page.url).query)["at"] == [SATURDAY]
    assert page.locator("#results").inner_text().endswith(when)
    # The lieu page opened from it answers for the same instant.
    page.locator("article.lieu h3 a").first.click()
    page.wait_for_load_state()
    assert parse_qs(urlsplit(page.url).query)["at"] == [SATURDAY]
    # Its state is said at that instant, not "maintenant".
    state = page.locator(".live-state").inner_text()
    assert state.startswith({"fr": "Ouvert jusqu'à", "nl": "Open tot"}[lang]), state
    assert {"fr": "maintenant", "nl": "Nu open"}[lang] not in state
    assert axe_violations(page, axe_source) == []
    # "See now" drops the instant and keeps the filters.
    page.go_back()
    now_link = page.locator("p.as-of a")
    query = parse_qs(urlsplit(now_link.get_attribute("href")).query)
    assert "at" not in query and query["open"] == ["now"]
    assert errors == []
    context.close()
