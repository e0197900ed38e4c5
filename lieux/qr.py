"""QR codes, made here as SVG (never a third-party request): one way for every page and file."""

from pathlib import Path

import segno

# Error correction "m" survives a printed code that is a little worn or badly lit.
ERROR = "m"


def qr_svg(url: str, *, scale: int = 4) -> str:
    """An inline SVG of `url`, titled with it (screen readers say what it opens)."""
    return segno.make(url, error=ERROR).svg_inline(scale=scale, title=url, omitsize=False)


def write_qr_svg(url: str, dest: Path, *, scale: int = 8) -> None:
    """The same code as a file (the CLI's printable invites)."""
    segno.make(url, error=ERROR).save(str(dest), kind="svg", scale=scale, title=url)
