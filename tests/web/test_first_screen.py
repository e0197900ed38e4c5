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


AFTERNOON = "2026-11-23T14:30"  # a Monday: six demo lieux open


@pytest.mark.parametrize("lang", ["fr", "nl", "en", "ar"])
def test_open_now_answer_before_the_filters_on_a_phone(read_only_server, phone, lang):
    phone.goto(f"{read_only_server.url}/lieux?open=now&at={AFTERNOON}&lang={lang}")
    shot(phone, f"pages-open-now-afternoon-{lang}-320")
    # The twenty-odd filters are folded under one line that names the one chosen ("now")...
    summary = phone.locator("form.filters summary")
    assert on_first_screen(summary.bounding_box())
    assert not phone.locator("input[name=commune]").first.is_visible()
    assert "(" in summary.inner_text()
    # ...so that the answer and the first open lieu are on the screen, even below the demo
    # banner and the "situation on Monday 23 November" line (the Dutch ones take seven lines).
    assert on_first_screen(phone.locator("#results").bounding_box())
    assert on_first_screen(phone.locator("article.lieu h3").first.bounding_box())
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_folded_filters_work_by_keyboard_without_javascript(read_only_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{read_only_server.url}/lieux?open=now&at={AFTERNOON}&lang=fr")
    page.focus("form.filters summary")
    page.keyboard.press("Enter")
    commune = page.get_by_label("Anderlecht")
    assert commune.is_visible()
    commune.focus()
    page.keyboard.press("Space")
    page.locator("form.filters button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**commune=Anderlecht**")
    assert "Anderlecht" in page.locator("form.filters summary").inner_text()
    assert page.locator("article.lieu h3").all_inner_texts() == [
        "Club 55",
        "Espace JV (Jean Vermeylen)",
    ]
    context.close()


def test_filters_unfold_when_they_emptied_the_list(read_only_server, phone):
    phone.goto(f"{read_only_server.url}/lieux?q=zzzz&lang=fr")
    assert phone.locator("form.filters details").get_attribute("open") is not None
    assert phone.locator("#q").is_visible()
    phone.goto(f"{read_only_server.url}/lieux?q=tricot&lang=fr")
    assert phone.locator("form.filters details").get_attribute("open") is None
