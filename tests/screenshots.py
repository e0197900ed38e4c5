"""Screenshots of the pages and embeds the browser tests open, for people to look at.

They are taken when `LIEUX_SCREENSHOTS` is set (`make screenshots` sets it and runs the browser
tests): `var/screenshots/<name>.png`. `make test` leaves them out: nothing asserts on them, and
at ~0.15 s each (hundreds in the suite) they were a tenth of the browser tests' time. A test that
reads pixels (the poster's QR code) takes its own screenshot.
"""

import os
from pathlib import Path

FOLDER = Path(__file__).parents[1] / "var" / "screenshots"
WANTED = bool(os.environ.get("LIEUX_SCREENSHOTS"))


def shot(target, name: str, *, full_page: bool = False) -> Path:
    """`target` (a Playwright page or locator) as `var/screenshots/{name}.png` (`name` may hold
    a folder), when screenshots are wanted; the path either way."""
    path = FOLDER / f"{name}.png"
    if WANTED:
        path.parent.mkdir(parents=True, exist_ok=True)
        if full_page:  # a locator has no full_page option
            target.screenshot(path=path, full_page=True)
        else:
            target.screenshot(path=path)
    return path
