"""Every operation, parameter, answer and field of the OpenAPI document says what it is: a
client reads the document (or /api) alone, without our code."""

import pytest

REF = "#/components/schemas/"


def _missing(document: dict) -> list[str]:
    """Where a description is missing: every operation (summary and description), parameter,
    answer, and every property of every schema an answer holds, at any depth."""
    missing = []
    pending = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            where = f"{method.upper()} {path}"
            for key in ("summary", "description"):
                if not operation.get(key, "").strip():
                    missing.append(f"{where}: no {key}")
            for parameter in operation.get("parameters", ()):
                if not parameter.get("description", "").strip():
                    missing.append(f"{where}: parameter {parameter['name']}")
            for status, answer in operation["responses"].items():
                if not answer.get("description", "").strip():
                    missing.append(f"{where}: answer {status}")
                for content in answer.get("content", {}).values():
                    pending.append((f"{where} {status}", content["schema"]))
    schemas, seen = document["components"]["schemas"], set()
    while pending:
        where, schema = pending.pop()
        if not isinstance(schema, dict):
            continue
        ref = schema.get("$ref", "")
        if ref.startswith(REF) and ref not in seen:
            seen.add(ref)
            pending.append((ref.removeprefix(REF), schemas[ref.removeprefix(REF)]))
        for name, spec in schema.get("properties", {}).items():
            if not spec.get("description", "").strip():
                missing.append(f"{where}: field {name}")
            pending.append((f"{where}.{name}", spec))
        for key in ("items", "allOf", "oneOf", "anyOf"):
            inner = schema.get(key)
            for part in inner if isinstance(inner, list) else [inner]:
                pending.append((where, part))
    return sorted(set(missing))


def test_everything_in_the_document_is_described(client):
    document = client.get("/schema").json()
    assert _missing(document) == []
    # what the test walks: every schema an answer uses
    assert {"ApiLieu", "ApiOpenState", "Service", "Schedule", "ApiOverride"} <= set(
        document["components"]["schemas"]
    )


def test_the_walk_finds_an_undescribed_field(client):
    document = client.get("/schema").json()
    document["components"]["schemas"]["Schedule"]["properties"]["notes"].pop("description")
    del document["paths"]["/api/open-now"]["get"]["parameters"][0]["description"]
    assert _missing(document) == [
        "GET /api/open-now: parameter at",
        "Schedule: field notes",
    ]


@pytest.mark.parametrize(
    ("schema", "field", "words"),
    [
        ("ApiOpenState", "source", "live"),
        ("ApiOpenState", "hours_stale", "confirmed its hours"),
        ("ApiOpenState", "note", "live status"),
        ("ApiOpenState", "until", "Null when"),
        ("ApiOpenState", "next_open", "Null when"),
        ("ApiOpenState", "demo", "demo"),
        ("ApiLieu", "opening_hours", "never to be read as closed"),
        ("ApiLieu", "demo", "demo"),
    ],
)
def test_the_fields_people_asked_about_say_what_they_mean(client, schema, field, words):
    properties = client.get("/schema").json()["components"]["schemas"][schema]["properties"]
    assert words in properties[field]["description"]


def test_open_now_kind_says_what_the_code_does(client):
    document = client.get("/schema").json()
    kind = next(
        p for p in document["paths"]["/api/open-now"]["get"]["parameters"] if p["name"] == "kind"
    )
    assert "hold activities of these kinds" in kind["description"]
    assert "under way" not in kind["description"]
