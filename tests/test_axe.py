"""The accessibility check the browser tests rely on (`axe_violations`) finds what it must: a
check that could never fail would pass every page."""

from tests.conftest import axe_violations

PAGE = """<!doctype html><html><head><title>t</title></head><body><main>
<section id="bad"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></section>
<section id="good"><p>Bonjour</p><button aria-label="">&nbsp;</button></section>
</main></body></html>"""


def test_axe_reports_serious_violations_and_only_inside_what_it_is_given(browser, axe_source):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(PAGE)
    found = axe_violations(page, axe_source)
    assert any(v.startswith("image-alt (critical)") for v in found), found
    assert any(v.startswith("button-name (critical)") for v in found), found
    assert any(v.startswith("html-has-lang (serious)") for v in found), found
    inside = axe_violations(page, axe_source, "#bad", tags=None)
    assert [v.split(" ")[0] for v in inside] == ["image-alt"], inside
    context.close()
