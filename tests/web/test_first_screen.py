"""At 03:00 on a 320 px phone, the helplines are on the first screen of the home page and of the
directory's "open now", without scrolling; with the real data only, the lieux to call come first.

Screenshots of each case go to var/screenshots/ (git-ignored): look at them after changing the
pages' markup or CSS.
"""

import pytest

from tests.conftest import axe_violations, read_only
from tests.screenshots import shot
from tests.widget.conftest import seed_real

NIGHT = "2026-11-24T03:00"
PHONE = {"width": 320, "height": 640}
# The two lines a person at night is most likely to call come first in every language.
FIRST_LINES = 2


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def boxes(page, selector: str) -> list[dict]:
    return [element.bounding_box() for element in page.locator(selector).all()]


def on_first_screen(box: dict) -> bool:
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
@pytest.mark.parametrize(
    ("name", "path"), [("home", "/"), ("open-now", "/lieux?open=now&")], ids=["home", "open-now"]
)
def test_helplines_on_the_first_screen_at_night(read_only_server, phone, name, path, lang):
    separator = "&" if "?" in path else "?"
    phone.goto(f"{read_only_server.url}{path}{separator}at={NIGHT}&lang={lang}")
    shot(phone, f"pages-{name}-night-{lang}-320")
    assert on_first_screen(phone.locator("#nothing-open-title").bounding_box())
    calls = boxes(phone, "#nothing-open .helpline-list a.call")
    assert len(calls) == 6
    assert all(on_first_screen(box) for box in calls[:FIRST_LINES]), calls[:FIRST_LINES]
    # Each is a target a finger can hit, and nothing is wider than the screen.
    assert all(box["height"] >= 24 for box in calls)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The lieux come after them.
    first_lieu = phone.locator("#ldl-open-now .ldl-name, article.lieu").first.bounding_box()
    assert first_lieu["y"] > calls[-1]["y"]


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    """The real lieux only (no hours anywhere), for every test of the module: they only read."""
    with read_only(seed_real(tmp_path_factory.mktemp("real") / "real.sqlite3")) as server:
        yield server


def test_unknown_hours_lieux_to_call_first_helplines_one_tap_away(real_server, phone):
    phone.goto(f"{real_server.url}/lieux?open=now&at=2026-11-25T11:00&lang=fr")
    shot(phone, "pages-open-now-unknown-fr-320", full_page=True)
    notice = phone.locator("#hours-unknown")
    notice.scroll_into_view_if_needed()
    assert "appelez avant de passer" in notice.inner_text()
    cards = boxes(phone, "article.lieu")
    helplines = phone.locator("#helplines").bounding_box()
    assert len(cards) == 11 and helplines["y"] > cards[-1]["y"]
    notice.locator('a[href="#helplines"]').click()
    assert on_first_screen(phone.locator("#helplines-title").bounding_box())


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
@pytest.mark.parametrize("path", ["/", "/lieux?open=now", "/lieux"])
def test_night_pages_pass_axe(read_only_server, phone, axe_source, path, lang):
    separator = "&" if "?" in path else "?"
    phone.goto(f"{read_only_server.url}{path}{separator}at={NIGHT}&lang={lang}")
    assert axe_violations(phone, axe_source) == []


@pytest.mark.parametrize("path", ["/", "/lieux?open=now", "/lieux?open=weekend"])
def test_unknown_hours_pages_pass_axe(real_server, phone, axe_source, path):
    phone.goto(f"{real_server.url}{path}")
    assert axe_violations(phone, axe_source) == []
