"""The /me form of a member's e-mail address and choices -> MailPrefs, or errors to show."""

from typing import Annotated

import msgspec

from lieux.i18n import mark as _
from lieux.mail.models import MailPrefs
from lieux.manage.forms import FormErrors, parse
from lieux.settings import ADDRESS_MAX, valid_address


class MailPrefsForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # Empty: no address (joining and using the site need none).
    email: Annotated[str, msgspec.Meta(max_length=ADDRESS_MAX)] | None = None
    # Unticked boxes are not sent: absent means no.
    mail_campaigns: bool = False
    mail_reports: bool = False
    mail_digest: bool = False


def parse_prefs(data: dict, lang: str) -> MailPrefs:
    """The submitted form as the member's choices, the address in the page's language (members
    have no language of their own); raise FormErrors."""
    form = parse(data, MailPrefsForm)
    if form.email is not None and not valid_address(form.email):
        raise FormErrors(
            {"email": (_("Adresse e-mail invalide (attendu : nom@exemple.be, sans espace)."), {})}
        )
    return MailPrefs(
        email=form.email,
        email_lang=lang,
        mail_campaigns=form.mail_campaigns,
        mail_reports=form.mail_reports,
        mail_digest=form.mail_digest,
    )
