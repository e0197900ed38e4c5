"""One name per commune and language on every surface (issue 23): a Dutch page says
"1030 Schaarbeek" and "1000 Brussel" wherever the directory does: the home page's widget, the
embedded widget, both configurators and an activity's page. In Chromium at 360 px, French and
Dutch. The server runs on the machine's clock: every page names its instant with `?at=`.
"""

import re

import pytest

SATURDAY = "2026-12-12T15:00"
LOCALES = {"fr": "fr-BE", "nl": "nl-BE"}
# The same lieux, in the language of the page.
SAID = {
    "fr": {"yes": ["Schaerbeek", "Bruxelles"], "no": ["Schaarbeek", "Brussel"]},
    "nl": {"yes": ["Schaarbeek", "Brussel"], "no": ["Schaerbeek", "Bruxelles"]},
}


def text_of(browser, url: str, selector: str, lang: str) -> str:
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale=LOCALES[lang])
    page = context.new_page()
    page.goto(url)
    area = page.locator(selector).first
    area.wait_for(timeout=15_000)
    text = area.inner_text()
    context.close()
    return text


def assert_names(text: str, lang: str, *, postcodes: bool = True) -> None:
    for name in SAID[lang]["yes"]:
        expected = {"Schaerbeek": "1030 ", "Schaarbeek": "1030 "}.get(name, "1000 ")
        assert (expected if postcodes else "") + name in text, (name, text)
    for name in SAID[lang]["no"]:
        assert not re.search(rf"\b{name}\b", text), (name, text)


@pytest.mark.parametrize("lang", ["fr", "nl"])
@pytest.mark.parametrize(
    ("path", "selector"),
    [
        ("/?show=all", "section[id^=ldl-open-now]"),  # the home page's widget
        ("/embed/open-now?show=all", "section[id^=ldl-open-now]"),  # the embedded one
    ],
)
def test_the_widgets_name_the_communes_in_the_pages_language(
    read_only_server, browser, path, selector, lang
):
    sep = "&" if "?" in path else "?"
    url = f"{read_only_server.url}{path}{sep}at={SATURDAY}&lang={lang}"
    assert_names(text_of(browser, url, selector, lang), lang)


@pytest.mark.parametrize("lang", ["fr", "nl"])
@pytest.mark.parametrize("tab", ["open-now", "agenda"])
def test_the_configurators_name_the_communes_in_the_pages_language(
    read_only_server, browser, tab, lang
):
    url = f"{read_only_server.url}/embed?widget={tab}&lang={lang}&at={SATURDAY}"
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale=LOCALES[lang])
    page = context.new_page()
    page.goto(url)
    box = page.locator("form.embed-form ul.choices", has=page.locator("input[name=commune]"))
    labels = [label.strip() for label in box.locator("label").all_inner_texts()]
    for name in SAID[lang]["yes"]:
        assert name in labels, labels
    for name in SAID[lang]["no"]:
        assert name not in labels, labels
    # Ticking the Dutch label still filters on the stored (French) name.
    box.get_by_label(SAID[lang]["yes"][0]).check()
    assert box.get_by_label(SAID[lang]["yes"][0]).get_attribute("value") == "Schaerbeek"
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_an_activitys_page_names_its_commune_in_the_pages_language(read_only_server, browser, lang):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale=LOCALES[lang])
    page = context.new_page()
    # An activity of a lieu in Schaerbeek, found from the agenda of that commune.
    page.goto(f"{read_only_server.url}/agenda?commune=Schaerbeek&at={SATURDAY}&view=list")
    links = page.locator("a[href^='/agenda/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    activities = [href for href in links if re.fullmatch(r"/agenda/\d+", href.split("?")[0])]
    assert activities, links
    page.goto(f"{read_only_server.url}{activities[0].split('?')[0]}?lang={lang}")
    lead = page.locator("main p.lead").inner_text()
    assert "1030 " + SAID[lang]["yes"][0] in lead, lead
    assert SAID[lang]["no"][0] not in lead
    context.close()
