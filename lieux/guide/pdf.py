"""Print the guide to PDF with Debian's headless Chromium (no network, no server needed)."""

import subprocess
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# Printing eleven lieux takes about a second; a stuck browser must not hang the command.
PRINT_TIMEOUT_S = 60


class PdfError(Exception):
    """Chromium is missing or failed; the message says what to do."""


def print_pdf(html: str, dest: Path, *, chromium: str = CHROMIUM) -> None:
    """Write `html` (self-contained) to `dest` as an A4 PDF."""
    if not Path(chromium).exists():
        raise PdfError(f"{chromium} not found: install it with `apt-get install chromium`")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "guide.html"
        page.write_text(html, "utf-8")
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={tmp}/profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={dest.resolve()}",
            page.as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium did not finish within {PRINT_TIMEOUT_S} s") from None
        if result.returncode != 0 or not dest.exists():
            raise PdfError(f"Chromium could not print the guide (exit {result.returncode})")
