"""What every controller of the members' area answers with, said once.

A form with errors comes back with them inline: status 400 for a plain post, 200 for htmx
(which does not swap error responses). Success redirects (303, or HX-Redirect for htmx).
"""

from typing import Annotated, Any

from litestar import Request, Response
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlite_utils import Database

from lieux.calendar.models import KINDS, Activity
from lieux.db import activities as activities_db
from lieux.manage import repeat_hint
from lieux.members.guards import provide_lieu, provide_manager, provide_member
from lieux.members.session import provide_identity
from lieux.models import Lieu

# Where every controller of the members' area lives.
PATH = "/manage/{slug:str}"
# Every controller of the members' area: who is asking, and which lieu (404 before anything).
DEPENDENCIES = {
    "identity": Provide(provide_identity, sync_to_thread=False),
    "lieu": Provide(provide_lieu, sync_to_thread=False),
}
# The guard of a controller, declared once as its `by` dependency (the acting member's id).
FOR_MANAGERS = {**DEPENDENCIES, "by": Provide(provide_manager, sync_to_thread=False)}
FOR_MEMBERS = {**DEPENDENCIES, "by": Provide(provide_member, sync_to_thread=False)}

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def done(request: Request, url: str) -> Response:
    """Success: go to `url` (303, or HX-Redirect for htmx)."""
    if is_htmx(request):
        return Response(None, status_code=200, headers={"HX-Redirect": url})
    return Redirect(url, status_code=303)


def again(request: Request, template: str, context: dict, *, status: int = 400) -> Template:
    """The page again with its errors: `status` for a plain post, 200 for htmx."""
    return Template(template, context=context, status_code=200 if is_htmx(request) else status)


def version(data: dict) -> int | None:
    """The `version` field of a form, if it is a number."""
    raw = data.get("version")
    return int(raw) if isinstance(raw, str) and raw.isascii() and raw.isdigit() else None


def activity_of(db: Database, lieu: Lieu, activity_id: int) -> Activity:
    """The lieu's activity, or 404."""
    activity = activities_db.get_activity(db, activity_id)
    # Another lieu's activity is "not found" here: its id says nothing about this lieu.
    if activity is None or activity.lieu_id != lieu.id:
        raise NotFoundException("Cette activité n'existe pas dans ce lieu.")
    return activity


def form_context(lieu: Lieu, **extra) -> dict:
    """The context of manage/activity_form.html, empty unless `extra` fills it."""
    return {
        "lieu": lieu,
        "kinds": KINDS,
        "values": {},
        "errors": {},
        "activity": None,
        "conflict": None,
        "repeat_hints": repeat_hint.hints,
        "repeat_phrases": repeat_hint.phrases,
        **extra,
    }
