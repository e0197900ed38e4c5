"""In Chromium, against a real `lieux serve`: every page the CSP change touched loads without a
single Content-Security-Policy violation (in the page or its frames), and what moved out of
inline code still works: the guide's and the poster's print buttons, the subscribe box's and the
configurator's copy buttons, htmx in the configurator and the members' area."""

from datetime import UTC, datetime

import msgspec
import pytest
from playwright.sync_api import expect

from lieux import db as database
from lieux.db import members as members_db
from lieux.db.lieux import get_lieu
from tests.people import LIEU_A, add_member, new_token_for

# Each frame keeps what its document reported; window.print records instead of opening a dialog.
WATCH = """
  window.__csp = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
  });
  window.__printed = 0;
  window.print = () => { window.__printed += 1; };
"""
PUBLIC_PAGES = [
    "/",
    "/lieux",
    f"/lieux/{LIEU_A}",  # its JSON-LD <script type="application/ld+json"> is data, not script
    "/agenda",
    "/guide",
    f"/lieux/{LIEU_A}/poster",
    "/embed",  # the configurator, with the iframe embed as its preview
    "/embed?widget=agenda",
    "/embed/open-now",
    "/embed/agenda",
    f"/propose/{LIEU_A}",  # the honeypot field's style moved to site.css
    "/no/such/page",
]
MEMBERS_PAGES = [
    "/me",
    f"/manage/{LIEU_A}",
    f"/manage/{LIEU_A}/activities/new",
    f"/manage/{LIEU_A}/hours",
    f"/manage/{LIEU_A}/invites",
    f"/manage/{LIEU_A}/calendars",
    "/admin",
    "/admin/helplines",
]


class Watched:
    """A page whose CSP violations and console errors are collected, frames included."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else 0)

    def goto(self, url: str):
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def violations(self) -> list[str]:
        found = []
        for frame in self.page.frames:
            found += frame.evaluate("window.__csp || []")
        return found + [e for e in self.errors if "Content Security Policy" in e]


@pytest.fixture
def watched(browser, live_server):
    contexts = []

    def open_page(*, javascript=True) -> Watched:
        context = browser.new_context(locale="fr-BE", java_script_enabled=javascript)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        context.add_init_script(WATCH)
        contexts.append(context)
        return Watched(context)

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def proposals_open(seeded_path):
    db = database.connect(seeded_path)
    lieu = get_lieu(db, LIEU_A)
    rules = members_db.get_rules(db, lieu.id)
    members_db.set_rules(
        db, lieu.id, msgspec.structs.replace(rules, public_proposals=True), now=datetime.now(UTC)
    )
    db.close()


def sign_in(watched_page: Watched, live_server, seeded_path) -> None:
    """A network admin who co-manages LIEU_A signs in through their personal link."""
    member = add_member(seeded_path, "Coordination", {LIEU_A: "co-manager"}, admin=True)
    token = new_token_for(seeded_path, member, at=datetime.now(UTC))  # the server's clock
    page = watched_page.goto(f"{live_server.url}/signin/{token}")
    page.get_by_role("button", name="Se connecter sur cet appareil").click()
    page.get_by_role("heading", name="Bonjour Coordination").wait_for()


def test_the_watch_sees_a_violation_when_there_is_one(watched, live_server):
    """The listener is live: an inline script added to a page is refused and reported."""
    view = watched()
    page = view.goto(f"{live_server.url}/lieux")
    assert view.violations() == []
    with pytest.raises(Exception, match=r"Content Security Policy|CSP|Refused"):
        page.add_script_tag(content="window.__ran = true;")
    page.wait_for_timeout(100)
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in view.violations())


def test_public_pages_load_without_a_violation(watched, live_server, proposals_open):
    view = watched()
    for path in PUBLIC_PAGES:
        view.goto(live_server.url + path)
        assert view.violations() == [], path
    # The lieu page did hold its JSON-LD: Chromium read it as data, with no violation.
    page = view.goto(f"{live_server.url}/lieux/{LIEU_A}")
    assert page.locator('script[type="application/ld+json"]').count() == 1


def test_other_sites_may_frame_the_embeds_and_nothing_else(watched, live_server):
    """A page of another origin frames the iframe embed (it shows the lieux) and tries to frame
    the members' area and a lieu page (clickjacking): Chromium refuses those two."""
    view = watched()
    page = view.page
    page.set_content(
        f'<iframe title="embed" src="{live_server.url}/embed/open-now"></iframe>'
        f'<iframe title="manage" src="{live_server.url}/manage/{LIEU_A}"></iframe>'
        f'<iframe title="lieu" src="{live_server.url}/lieux/{LIEU_A}"></iframe>'
    )
    page.frame_locator("iframe[title=embed]").locator("#ldl-open-now").wait_for()
    page.wait_for_load_state("networkidle")
    frames = {frame.name or frame.url: frame for frame in page.frames[1:]}
    loaded = [url for url in frames if url.startswith(live_server.url)]
    assert loaded == [f"{live_server.url}/embed/open-now"], frames
    refused = [e for e in view.errors if "frame-ancestors" in e]
    assert len(refused) == 2, view.errors


def test_the_members_area_loads_without_a_violation(watched, live_server, seeded_path):
    view = watched()
    sign_in(view, live_server, seeded_path)
    for path in MEMBERS_PAGES:
        view.goto(live_server.url + path)
        assert view.violations() == [], path
    # htmx-boosted navigation inside the area: swapped, not reloaded, and still no violation.
    page = view.goto(f"{live_server.url}/manage/{LIEU_A}")
    page.evaluate("window.__stayed = true")
    page.locator(f'a[href="/manage/{LIEU_A}/hours"]').first.click()
    page.wait_for_url(f"**/manage/{LIEU_A}/hours")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__stayed") is True
    # members.js still says which weekday a repetition takes.
    view.goto(f"{live_server.url}/manage/{LIEU_A}/activities/new")
    page.locator("#day").fill("2026-12-09")
    page.locator("#day").dispatch_event("input")
    page.locator("#repeat-weekly").filter(has_text="mercredi").wait_for()
    assert view.violations() == []


@pytest.mark.parametrize(
    ("path", "button"),
    [("/guide", "Imprimer ce guide"), (f"/lieux/{LIEU_A}/poster", "Imprimer cette affiche")],
)
def test_the_print_buttons_print(watched, live_server, path, button):
    view = watched()
    page = view.goto(live_server.url + path)
    page.get_by_role("button", name=button).click()
    assert page.evaluate("window.__printed") == 1
    assert view.violations() == []
    # Without JavaScript there is nothing to print with: the button is not offered.
    plain = watched(javascript=False)
    page = plain.goto(live_server.url + path)
    assert page.get_by_role("button", name=button).count() == 0
    assert page.get_by_role("heading", level=1).is_visible()


def test_the_subscribe_box_copies_the_feed_address(watched, live_server):
    view = watched()
    page = view.goto(f"{live_server.url}/lieux/{LIEU_A}")
    address = page.locator("#feed-address").text_content()
    page.get_by_role("button", name="Copier l'adresse").click()
    page.locator("#subscribe .copied").filter(has_text="Adresse copiée.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == address
    assert address.endswith(f"/ical/lieux/{LIEU_A}.ics")
    assert view.violations() == []


def test_the_configurator_copies_and_updates_its_preview(watched, live_server):
    view = watched()
    page = view.goto(f"{live_server.url}/embed")
    page.get_by_role("button", name="Copier le code du script").click()
    assert "/embed.js" in page.evaluate("navigator.clipboard.readText()")
    # htmx (its indicator style off) swaps the result when an option changes.
    before = page.locator("#snippet-script").text_content()
    page.locator("input[name=layout][value=compact]").check()
    # Playwright's matcher, not wait_for_function: its string predicate is an eval the CSP refuses.
    expect(page.locator("#snippet-script")).not_to_have_text(before)
    assert "compact" in page.locator("#snippet-script").text_content()
    assert view.violations() == []
