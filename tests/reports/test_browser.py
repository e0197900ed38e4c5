"""On a 360 px phone, in Chromium: a visitor reads the widget pasted into a partner's site (another
origin), taps "Signaler un problème" beside a lieu shown open, reports "fermé alors qu'affiché
ouvert" in the tab it opens; the lieu's co-manager sees it on the dashboard and resolves it.
The report page passes axe-core in French, Dutch and English.

The service is a real `lieux serve` process on the real clock: Circuit's hours are entered as
round the clock and confirmed now, so it is shown open whatever the hour the test runs.
Screenshots (360 px and 1280 px) go to var/screenshots/reports/.
"""

import html
import re
import time as clock
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest

from lieux import db as database
from lieux.db import hours as hours_db
from lieux.db.lieux import get_lieu
from lieux.hours.models import HolidayRule, OpeningSlot
from lieux.reports import actions as report_actions
from lieux.reports.models import ReportForm, Shown
from tests.conftest import axe_violations, make_settings
from tests.embed.conftest import HostSite, watch
from tests.live_server import LiveServer
from tests.people import add_member, new_token_for
from tests.reports.conftest import audit_of_reports, stored
from tests.screenshots import shot
from tests.widget.conftest import seed_real

LIEU = "circuit"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT = 15_000
MESSAGE = "Porte close à 14h, personne ne répond au téléphone"


@pytest.fixture
def real_path(tmp_path) -> Path:
    """The real lieux only, and Circuit open round the clock, its hours confirmed now."""
    path = seed_real(tmp_path / "lieux.sqlite3")
    db = database.connect(path)
    lieu = get_lieu(db, LIEU)
    whole_days = [OpeningSlot(weekday=d, opens=time(0), closes=time(0)) for d in range(7)]
    hours_db.replace_hours(
        db,
        lieu.id,
        slots=whole_days,
        exceptions=[],
        holiday_rule=HolidayRule(rule="as_usual"),
    )
    db.execute(
        "UPDATE lieux SET hours_verified_at = ? WHERE id = ?",
        [datetime.now(UTC).isoformat(), lieu.id],
    )
    db.close()
    return path


@pytest.fixture
def server(real_path) -> Iterator[LiveServer]:
    server = LiveServer(real_path)
    yield server
    server.stop()


@pytest.fixture
def partner() -> Iterator[HostSite]:
    site = HostSite()
    yield site
    site.stop()


def script_snippet(server) -> str:
    """The "script" snippet, as the configurator prints it for people to paste."""
    page = httpx.get(server.url + "/embed").text
    match = re.search(r'<code id="snippet-script">(.*?)</code>', page, re.S)
    assert match, "no script snippet on /embed"
    return html.unescape(match.group(1))


def partner_page(snippet: str) -> str:
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>CPAS</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f"<body><h1>Notre CPAS</h1><main>{snippet}</main></body></html>"
    )


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_visitor_reports_from_a_partner_widget_and_the_co_manager_resolves(
    browser, server, partner, real_path, axe_source
):
    visitor = browser.new_context(locale="fr-BE", viewport=PHONE, has_touch=True, is_mobile=True)
    page = visitor.new_page()
    seen = watch(page)
    page.goto(partner.add("/", partner_page(script_snippet(server))))
    item = page.locator("section[id^=ldl-open-now] .ldl-lieu", has_text="Circuit")
    item.locator(".ldl-state-open").wait_for(timeout=TIMEOUT)  # shown open
    fits(page, PHONE["width"])
    shot(page, "reports/partner-widget-360", full_page=True)
    link = item.get_by_role("link", name="Signaler un problème")
    box = link.bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24  # WCAG 2.2 target size
    assert visitor.cookies() == []  # the partner's page got no cookie from us

    started = clock.monotonic()
    with visitor.expect_page() as opened:
        link.tap()
    report = opened.value
    report.wait_for_load_state()
    assert report.url == f"{server.url}/lieux/{LIEU}/report?lang=fr"  # our site, a new tab
    assert page.url.startswith(partner.url)  # the partner's page stays where it was
    shown = report.locator(".report-shown")
    assert "Ouvert maintenant" in shown.inner_text()
    fits(report, PHONE["width"])
    shot(report, "reports/form-360", full_page=True)
    report.get_by_label("Fermé alors qu'affiché ouvert").tap()
    report.get_by_label("Ce que vous avez constaté (facultatif)").fill(MESSAGE)
    report.get_by_role("button", name="Envoyer le signalement").tap()
    report.get_by_role("heading", name="Merci, l'équipe du lieu est prévenue").wait_for()
    elapsed = clock.monotonic() - started
    assert elapsed < 60
    fits(report, PHONE["width"])
    shot(report, "reports/thanks-360", full_page=True)
    assert not seen.console_errors and not seen.page_errors
    [sent] = stored(real_path)
    assert (sent.lieu_slug, sent.kind, sent.message, sent.shown.state) == (
        LIEU,
        "found-closed",
        MESSAGE,
        "open",
    )
    visitor.close()

    # The co-manager, on a phone too: the dashboard says it, and what the site showed then.
    member = add_member(real_path, "Co Circuit", {LIEU: "co-manager"})
    token = new_token_for(real_path, member, at=datetime.now(UTC))  # the server's own clock
    manager = browser.new_context(locale="fr-BE", viewport=PHONE, has_touch=True, is_mobile=True)
    dash = manager.new_page()
    dash.goto(f"{server.url}/signin/{token}")
    dash.get_by_role("button", name="Se connecter sur cet appareil").tap()
    dash.wait_for_url(lambda url: "/signin/" not in url)
    dash.goto(f"{server.url}/manage/{LIEU}")
    section = dash.locator("#reports")
    section.get_by_role("heading", name="1 signalement à traiter").wait_for()
    card = section.locator(f"#report-{sent.id}")
    assert "Fermé alors qu'affiché ouvert" in card.inner_text()
    assert MESSAGE in card.inner_text()
    assert "Le site affichait alors" in card.inner_text() and "ouvert" in card.inner_text()
    fits(dash, PHONE["width"])
    shot(card, "reports/dashboard-report-360")
    assert axe_violations(dash, axe_source) == []
    card.get_by_label("Note (facultative)").fill("Clé perdue, rouvert à 15h")
    with dash.expect_navigation(url=re.compile(rf"/manage/{LIEU}\?resolved=1")):
        card.get_by_role("button", name="Corrigé").tap()
    dash.get_by_text("C'est noté : le signalement est traité.").wait_for()
    assert dash.locator("#reports").count() == 0  # nothing left to resolve
    [done] = stored(real_path)
    assert (done.resolution, done.resolution_note, done.resolved_by) == (
        "fixed",
        "Clé perdue, rouvert à 15h",
        member,
    )
    assert audit_of_reports(real_path)[-1][:2] == ("resolve", member)
    dash.goto(f"{server.url}/manage/{LIEU}/reports")
    dash.get_by_role("heading", name="Déjà traités").wait_for()
    fits(dash, PHONE["width"])
    shot(dash, "reports/reports-360", full_page=True)
    manager.close()


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_the_report_page_passes_axe_in_each_language(browser, server, axe_source, lang):
    for name, viewport in (("360", PHONE), ("1280", DESKTOP)):
        context = browser.new_context(locale="fr-BE", viewport=viewport)
        page = context.new_page()
        # the CSP's refusals (an inline style, a script) are console errors
        errors: list[str] = []
        page.on("console", lambda m, errors=errors: m.type == "error" and errors.append(m.text))
        page.goto(f"{server.url}/lieux/{LIEU}/report?lang={lang}")
        assert page.locator(".hp").bounding_box()["x"] < 0  # the honeypot is out of sight
        assert page.locator("html").get_attribute("lang") == lang
        assert axe_violations(page, axe_source) == [], (lang, name)
        fits(page, viewport["width"])
        shot(page, f"reports/form-{lang}-{name}", full_page=True)
        # sent without choosing: the error says what to do, next to the choices
        page.get_by_role("button").last.click()
        page.locator("#kind-error").wait_for()
        assert axe_violations(page, axe_source) == [], (lang, name, "errors")
        shot(page, f"reports/form-errors-{lang}-{name}", full_page=True)
        page.goto(f"{server.url}/lieux/{LIEU}/report?sent=1&lang={lang}")
        assert axe_violations(page, axe_source) == [], (lang, name, "thanks")
        # (the form sent with its errors answers 400: the browser logs that load, rightly)
        refused = [e for e in errors if not e.startswith("Failed to load resource")]
        assert refused == [], (lang, name)
        context.close()


def test_the_follow_up_pages_on_a_phone_and_a_desktop(browser, server, real_path, axe_source):
    """The dashboard, the lieu's reports and /admin with two open reports: readable at 360 px
    and 1280 px, no serious axe violation."""
    db = database.connect(real_path)
    for kind, message, contact in (
        ("found-closed", MESSAGE, "lea@example.org"),
        ("wrong-contact", "Le numéro ne répond plus depuis septembre", ""),
    ):
        form = ReportForm(kind=kind, message=message, contact=contact)
        lieu = get_lieu(db, LIEU)
        shown = Shown(state="open", until=datetime.now(UTC) + timedelta(hours=3))
        settings = make_settings(real_path)
        now = datetime.now(UTC)
        report_actions.report(db, lieu, form, shown=shown, lang="nl", settings=settings, now=now)
    db.close()
    admin = add_member(real_path, "Coordination", admin=True)
    for name, viewport in (("360", PHONE), ("1280", DESKTOP)):
        context = browser.new_context(locale="fr-BE", viewport=viewport)
        page = context.new_page()
        page.goto(f"{server.url}/signin/{new_token_for(real_path, admin, at=datetime.now(UTC))}")
        page.get_by_role("button", name="Se connecter sur cet appareil").click()
        page.wait_for_url(lambda url: "/signin/" not in url)
        for view, path in (
            ("dashboard", f"/manage/{LIEU}"),
            ("reports", f"/manage/{LIEU}/reports"),
            ("admin", "/admin"),
        ):
            page.goto(server.url + path)
            page.get_by_role("heading", name="2 signalements à traiter").or_(
                page.get_by_role("heading", name="À traiter (2)")
            ).wait_for()
            fits(page, viewport["width"])
            assert axe_violations(page, axe_source) == [], (view, name)
            shot(page, f"reports/{view}-{name}", full_page=True)
        context.close()
