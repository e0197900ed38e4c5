"""The report form and the resolve form: typed text -> Structs, or per-field errors.

Both go through lieux.manage.forms.parse, the rules of every form here: length limits, no
markup, unknown fields refused, one message per field.
"""

from lieux.i18n import mark as _
from lieux.manage.forms import FormErrors, parse
from lieux.reports.models import ReportForm, ResolveForm

# A field people never see (hidden by CSS, skipped by screen readers and the keyboard): only
# form-filling robots put text in it. Named as on the public proposal form.
HONEYPOT = "website"
# What lieux.manage.forms.parse may say of a field of this public form: marked here too, so
# that the public side's catalogues (babel-public.cfg) hold them in its nine languages.
PARSE_MESSAGES = (
    _("Pas de balises HTML ici."),
    _("Trop long : %(max)s caractères au maximum."),
    _("Ce champ est obligatoire."),
    _("Choix invalide."),
    _("Champ inconnu."),
)


def filled_by_a_robot(data: dict[str, object]) -> bool:
    """Whether the hidden field has text in it."""
    value = data.get(HONEYPOT, "")
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return bool(str(value or "").strip())


def parse_report(data: dict[str, object]) -> ReportForm:
    """The report as typed; "other" needs a word on what is wrong (nothing else would say it)."""
    fields = {name: value for name, value in data.items() if name != HONEYPOT}
    try:
        form, errors = parse(fields, ReportForm), {}
    except FormErrors as error:
        form, errors = None, dict(error.errors)
    if "kind" in errors and not str(fields.get("kind") or "").strip():
        errors["kind"] = (_("Choisissez ce qui ne va pas."), {})
    if form is not None and form.kind == "other" and not form.message:
        errors["message"] = (_("Dites en quelques mots ce qui ne va pas."), {})
    if errors:
        raise FormErrors(errors)
    return form


def parse_resolve(data: dict[str, object]) -> ResolveForm:
    """The answer to a report: fixed or not an error, with an optional note."""
    try:
        return parse(data, ResolveForm)
    except FormErrors as error:
        errors = dict(error.errors)
        if "resolution" in errors:
            errors["resolution"] = (_("Choisissez « corrigé » ou « pas une erreur »."), {})
        raise FormErrors(errors) from None
