"""Schema-driven fuzzing: schemathesis reads /schema and calls every operation in-process (the
ASGI app, its clock pinned at DEMO_NOW) with values from each parameter's declared type, enum,
bounds and pattern, and with values outside them. Every check runs: no server error; the
declared status codes, content types, headers and bodies (the 400s' too); a schema-valid
request is accepted and a schema-violating one refused: the document declares exactly what
the code enforces, dates within 1970-2200 included."""

import atexit
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from lieux import db as database
from lieux.api.models import MAX_WINDOW_DAYS, YEARS
from lieux.demo import seed_demo
from lieux.seed import seed_guide
from tests.conftest import DEMO_NOW, DEMO_TODAY, Clock, make_app

# Examples per operation, drawn the same on every run (derandomize, as the suite's hypothesis
# profile): nine operations in about ten seconds on a shared machine.
EXAMPLES = 20
LAST_DAY = date(YEARS[1], 12, 31)


def _seeded_app():
    """The app over a seeded database of its own (schemathesis reads the schema when pytest
    collects this module, before any fixture exists; the installed pytest does not support
    schemathesis' fixture loader)."""
    folder = Path(tempfile.mkdtemp(prefix="lieux-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "lieux.sqlite3"
    db = database.connect(path)
    database.migrate(db)
    seed_guide(db, now=DEMO_NOW)
    seed_demo(db, today=DEMO_TODAY, now=DEMO_NOW)
    db.close()
    return make_app(path, Clock())


schema = schemathesis.openapi.from_asgi("/schema", _seeded_app())


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def map_query(context, query):
    """The one rule no OpenAPI schema can carry, between two parameters: `to` is not before
    `from` and at most MAX_WINDOW_DAYS from it (the descriptions say so in words). Two valid
    dates drawn independently are moved into that window; anything else is left as drawn."""
    if not query or context.operation.path != "/api/occurrences":
        return query
    start, end = _date(query.get("from")), _date(query.get("to"))
    if start is None or end is None:
        return query
    end = min(start + timedelta(days=abs(end - start).days % MAX_WINDOW_DAYS), LAST_DAY)
    return {**query, "to": end.isoformat()}


@schema.hooks.apply(map_query)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_its_schema_says(case):
    case.call_and_validate()


def test_the_document_declares_parameters_enums_bounds_and_errors(client):
    document = client.get("/schema").json()
    operations = {path: ops["get"] for path, ops in document["paths"].items()}
    assert {
        "/api/lieux",
        "/api/lieux/{slug}",
        "/api/open-now",
        "/api/occurrences",
        "/api/activities/{activity_id}",
        "/api/hsds/services",
        "/api/hsds/services/{service_id}",
        "/api/hsds/organizations",
        "/api/hsds/organizations/{organization_id}",
    } <= set(operations)
    parameters = {p["name"]: p for p in operations["/api/occurrences"]["parameters"]}
    assert set(parameters) == {"from", "to", "lieu", "commune", "kind", "lang"}
    assert parameters["from"]["schema"]["format"] == "date"
    assert parameters["from"]["schema"]["pattern"].startswith("^")
    assert "cafe-papote" in parameters["kind"]["schema"]["enum"]
    assert "Schaerbeek" in parameters["commune"]["schema"]["enum"]
    assert parameters["lang"]["schema"]["enum"] == ["fr", "nl", "en"]
    assert "92 days" in parameters["to"]["description"]
    open_now = {p["name"]: p["schema"] for p in operations["/api/open-now"]["parameters"]}
    assert set(open_now) == {"at", "commune", "kind", "lang"}
    assert open_now["kind"]["items"]["enum"] == parameters["kind"]["schema"]["enum"]
    paging = {p["name"]: p["schema"] for p in operations["/api/hsds/services"]["parameters"]}
    assert (paging["per_page"]["minimum"], paging["per_page"]["maximum"]) == (1, 100)
    error = {"$ref": "#/components/schemas/ApiError"}
    for path, operation in operations.items():
        content = operation["responses"]["400"]["content"]["application/json"]["schema"]
        assert content == error, path
    assert document["components"]["schemas"]["ApiError"]["required"] == ["detail", "status_code"]
    occurrence = document["components"]["schemas"]["ApiOccurrence"]["properties"]
    assert occurrence["status"]["enum"] == ["confirmed", "cancelled", "tentative"]
