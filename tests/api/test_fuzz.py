"""Schema-driven fuzzing: schemathesis reads /schema and calls every operation in-process (the
ASGI app, its clock pinned at DEMO_NOW) with values from each parameter's declared type, enum
and bounds, then checks that no answer is a server error and that every answer (errors too)
matches what the document declares: status code, content type, body schema."""

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from lieux import db as database
from lieux.demo import seed_demo
from lieux.seed import seed_guide
from tests.conftest import DEMO_NOW, DEMO_TODAY, Clock, make_app

# Bounded so that the whole module stays well under a minute on a shared machine.
EXAMPLES = 20


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


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_schema_says(case):
    # Left out: "a schema-valid request is accepted". A lieu's slug or a commune is checked
    # against the database (a JSON 400 names the known ones), which no static schema can
    # enumerate; so is the years bound of `from`/`to`, which a date format cannot carry.
    # Every other check runs, on every answer: no server error, declared status codes,
    # content types, headers and bodies (the 400s' too).
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


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
    assert parameters["from"]["schema"]["oneOf"][0] == {"type": "string", "format": "date"}
    assert "cafe-papote" in parameters["kind"]["schema"]["enum"]
    assert parameters["lang"]["schema"]["enum"] == ["fr", "nl", "en"]
    assert "92 days" in parameters["to"]["description"]
    paging = {p["name"]: p["schema"] for p in operations["/api/hsds/services"]["parameters"]}
    assert (paging["per_page"]["minimum"], paging["per_page"]["maximum"]) == (1, 100)
    error = {"$ref": "#/components/schemas/ApiError"}
    for path, operation in operations.items():
        content = operation["responses"]["400"]["content"]["application/json"]["schema"]
        assert content == error, path
    assert document["components"]["schemas"]["ApiError"]["required"] == ["detail", "status_code"]
    occurrence = document["components"]["schemas"]["ApiOccurrence"]["properties"]
    assert occurrence["status"]["enum"] == ["confirmed", "cancelled", "tentative"]
