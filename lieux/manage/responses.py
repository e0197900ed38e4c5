"""What every controller of the members' area answers with, said once.

A form with errors comes back with them inline: status 400 for a plain post, 200 for htmx
(which does not swap error responses). Success redirects (303, or HX-Redirect for htmx).
"""

import re
from collections.abc import Iterable
from typing import Annotated, Any

from litestar import Request, Response
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlite_utils import Database

from lieux.calendar.models import KINDS, Activity
from lieux.db import activities as activities_db
from lieux.manage import notices, repeat_hint
from lieux.models import Lieu

# Where every controller of the members' area lives.
PATH = "/manage/{slug:str}"
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def done(
    request: Request,
    url: str,
    notice: str | None = None,
    *,
    target: str = "",
    entries: Iterable[int] = (),
    count: int | None = None,
) -> Response:
    """Success: go to `url` (303, or HX-Redirect for htmx), saying `notice` (a key of
    lieux.manage.notices) at the element `target`, with the undo of the audit `entries`."""
    if notice is not None:
        url = notices.notice_url(url, notice, target=target, entries=entries, count=count)
    if is_htmx(request):
        return Response(None, status_code=200, headers={"HX-Redirect": url})
    return Redirect(url, status_code=303)


def notice(request: Request) -> notices.Shown | None:
    """The notice this page's query names (templates call it as `notice(request)`), read once
    per request: the page's parts then agree on where it is shown."""
    if "notice" not in request.state:
        query = request.query_params
        request.state.notice = notices.read_notice(query, query.getall("entry", []))
    return request.state.notice


# A page to come back to after an undo: one of the area's own paths, nothing else (no other
# host, no query): `back` comes from a form, so it is checked like any input.
_LOCAL_PATH = re.compile(r"(/[a-z0-9-]+)+")


def form_list(data: dict, name: str) -> list[str]:
    """Every value sent for `name` (a repeated field), as strings."""
    raw = data.get(name)
    values = raw if isinstance(raw, list) else [] if raw is None else [raw]
    return [value for value in values if isinstance(value, str)]


def back_to(data: dict, *, prefix: str, default: str) -> tuple[str, str]:
    """(page, element id) a form asks to come back to (`back`, `at`): `back` if it is a path
    under `prefix`, else `default`; `at` if it is an element id the notices accept."""
    back = (form_list(data, "back") or [""])[-1]
    at = (form_list(data, "at") or [""])[-1]
    mine = back == prefix or back.startswith(prefix + "/")
    url = back if mine and _LOCAL_PATH.fullmatch(back) else default
    return url, at if notices.is_target(at) else ""


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
