"""The members' forms in a real browser on a phone: each label above its field, fields wide and
tall enough to touch, nothing wider than a 320 px screen, a visible focus, no axe violation."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lieux import db as database
from lieux.calendar.models import ActivityWrite
from lieux.db import members as members_db
from lieux.db.lieux import get_lieu
from lieux.manage import actions
from lieux.members.tokens import hash_token, new_token
from tests.conftest import axe_violations
from tests.people import LIEU_A, add_member

ZONE = ZoneInfo("Europe/Brussels")

# 2.5rem at the browser's default 16 px: the smallest comfortable touch target.
MIN_TARGET_PX = 40
# The stacked forms' measure: fields stop growing at 32rem (46rem for the hours editor).
MAX_FIELD_PX = 32 * 16
PAGES = ["/activities/new", "/activities/{activity}", "/propose", "/hours", "/settings", "/invites"]

# Geometry of every visible field of the page's stacked forms, and of its label.
MEASURE = """() => {
  const out = [];
  for (const label of document.querySelectorAll('form.stacked label')) {
    const control = label.htmlFor
      ? document.getElementById(label.htmlFor) : label.querySelector('input');
    if (!control || control.type === 'hidden' || !control.checkVisibility()) continue;
    const l = label.getBoundingClientRect(), c = control.getBoundingClientRect();
    const hidden = l.width <= 1 && l.height <= 1;
    out.push({id: control.id || control.name, nested: label.contains(control), hidden,
              label: [l.left, l.bottom, l.height], box: [c.left, c.top, c.width, c.height]});
  }
  return out;
}"""


@pytest.fixture
def signed_in(live_server, seeded_path, browser):
    member = add_member(seeded_path, "Claire", {LIEU_A: "co-manager"})
    db = database.connect(seeded_path)
    now = datetime.now(UTC)
    start = datetime.combine(now.date() + timedelta(days=3), datetime.min.time()).replace(hour=14)
    write = ActivityWrite(
        kind="atelier",
        title="Atelier",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        rrule="FREQ=WEEKLY",
    )
    activity = actions.create_activity(
        db, get_lieu(db, LIEU_A), write, by=member, uid="layout@test", zone=ZONE, now=now
    )
    token = new_token()
    members_db.create_sign_in(
        db, hash_token(token), member, now=now, expires_at=now + timedelta(days=1)
    )
    db.close()
    context = browser.new_context(locale="fr-BE")
    page = context.new_page()
    page.goto(f"{live_server.url}/signin/{token}")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/me")
    yield page, {"activity": activity}
    context.close()


def test_forms_are_stacked_and_touchable_on_a_phone(live_server, signed_in, axe_source):
    page, ids = signed_in
    for path in PAGES:
        url = f"{live_server.url}/manage/{LIEU_A}{path.format(**ids)}"
        for width in (320, 390):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(url)
            where = f"{path} at {width}px"
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow == 0, f"{where}: {overflow}px of horizontal scroll"
            fields = page.evaluate(MEASURE)
            assert fields, where
            for f in fields:
                left, bottom, height = f["label"]
                box_left, box_top, box_width, box_height = f["box"]
                if f["nested"]:  # a radio or checkbox inside its label: the label is the target
                    assert height >= MIN_TARGET_PX - 0.5, (where, f)
                    continue
                assert box_height >= MIN_TARGET_PX - 0.5, (where, f)
                assert box_left + box_width <= width, (where, f)
                if not f["hidden"]:
                    assert bottom <= box_top + 0.5, (where, "label not above its field", f)
                    assert abs(left - box_left) <= 1, (where, "label not aligned", f)
        assert axe_violations(page, axe_source) == [], path


def test_fields_keep_a_readable_width_on_a_wide_screen(live_server, signed_in):
    page, _ids = signed_in
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(f"{live_server.url}/manage/{LIEU_A}/activities/new")
    title = page.locator("#title").bounding_box()
    assert 300 <= title["width"] <= MAX_FIELD_PX
    label = page.locator("label[for=title]").bounding_box()
    assert label["y"] + label["height"] <= title["y"]


def test_the_focused_field_is_visibly_outlined(live_server, signed_in):
    page, _ids = signed_in
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/manage/{LIEU_A}/activities/new")
    page.locator("#kind").focus()
    page.keyboard.press("Shift+Tab")  # keyboard focus: what :focus-visible is about
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.id, s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert style[0] == "title" and style[1] == "solid" and style[2] >= 2
