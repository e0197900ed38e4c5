"""E-mail bodies from Jinja templates, in the recipient's language.

A message `NAME` is two templates under lieux/templates/mail/: `NAME.txt` (the plain text; its
top-level `{% set subject = ... %}` is the subject) and `NAME.html` (simple HTML extending
`_layout.html`). Both get the caller's context plus `base_url`, `lang` and `unsubscribe_url`.
The HTML is escaped as the pages are; the text is not (it is not HTML).
"""

import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from lieux import i18n
from lieux.mail.models import Rendered
from lieux.models import FULL_LANGUAGES

TEMPLATES = Path(__file__).parents[1] / "templates"
_NAME = re.compile(r"[a-z][a-z0-9_]{0,40}")


class UnknownTemplate(ValueError):
    """No such e-mail template (a programming error, named in the message)."""


@cache
def _environment() -> Environment:
    # Its own environment, not the app's: the CLI and background tasks render mail too.
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a missing value is a bug to see, not an empty line in a mail
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    environment.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    environment.filters["commune"] = i18n.commune_label
    return environment


def render(template: str, lang: str, context: dict) -> Rendered:
    """Subject, text and HTML of message `template` in `lang` (French if not a language of
    the site)."""
    if not _NAME.fullmatch(template):
        raise UnknownTemplate(f"not an e-mail template name: {template!r}")
    lang = lang if lang in FULL_LANGUAGES else i18n.DEFAULT_LANG
    environment = _environment()
    token = i18n.current_lang.set(lang)
    try:
        try:
            text_template = environment.get_template(f"mail/{template}.txt")
            html_template = environment.get_template(f"mail/{template}.html")
        except Exception as error:
            raise UnknownTemplate(f"e-mail template {template!r}: {error}") from None
        values = {**context, "lang": lang}
        module = text_template.make_module(values)
        html = html_template.render(values)
    finally:
        i18n.current_lang.reset(token)
    # One line, whatever the template or a value in it did: a newline would start a header.
    subject = " ".join(str(getattr(module, "subject", "")).split())
    if not subject:
        raise UnknownTemplate(f"mail/{template}.txt sets no subject")
    return Rendered(subject=subject, text=str(module).strip() + "\n", html=html)
