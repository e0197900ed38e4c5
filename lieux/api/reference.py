"""What the API reference page (/api) shows, read from the OpenAPI document /schema serves.

The page is that document made readable: every operation with its parameters (type, allowed
values, bounds, default, example), its responses, and every object a response holds, field by
field, with the descriptions the code declares (lieux/api/models.py, the handlers' docstrings).
Nothing is written twice: a new field or parameter shows here as soon as it is in the document.
Plain data for the template (lieux/templates/api/), which does the escaping.
"""

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

import msgspec

REF = "#/components/schemas/"
# One document has tens of schemas; a deeper nesting would be a loop in it.
MAX_SCHEMAS = 200

Span = tuple[str, bool]  # (text, is code)
Paragraph = tuple[Span, ...]


class TypeInfo(msgspec.Struct, frozen=True, kw_only=True):
    """`string (date)`, `integer`, `array of ApiOccurrence`, `Organization or null`..."""

    name: str  # a JSON type, or the name of a schema below
    format: str | None = None
    schema: str | None = None  # the schema's name when `name` is one (a link on the page)
    array: bool = False
    nullable: bool = False


class Parameter(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    where: str  # "query" or "path"
    required: bool
    type: TypeInfo
    description: tuple[Paragraph, ...]
    allowed: tuple[str, ...] = ()
    minimum: str | None = None
    maximum: str | None = None
    pattern: str | None = None
    default: str | None = None
    example: str | None = None
    repeatable: bool = False


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    status: str
    description: tuple[Paragraph, ...]
    type: TypeInfo | None = None


class Operation(msgspec.Struct, frozen=True, kw_only=True):
    anchor: str
    method: str
    path: str
    summary: str
    description: tuple[Paragraph, ...]
    parameters: tuple[Parameter, ...]
    answers: tuple[Answer, ...]
    example: str  # a URL with the parameters' examples, to try in a browser


class Group(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    operations: tuple[Operation, ...]


class Field(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    type: TypeInfo
    required: bool
    description: tuple[Paragraph, ...]
    allowed: tuple[str, ...] = ()


class Use(msgspec.Struct, frozen=True, kw_only=True):
    """Where a schema is found: an operation's answer, or another schema's field."""

    label: str  # "GET /api/lieux", "Service.schedules"
    anchor: str


class Schema(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    anchor: str
    fields: tuple[Field, ...]
    used_in: tuple[Use, ...] = ()


class Reference(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    version: str
    groups: tuple[Group, ...]
    schemas: tuple[Schema, ...]


def text(value: str | None) -> tuple[Paragraph, ...]:
    """Paragraphs (blank-line separated, lines joined) with `code` spans, as Markdown has them."""
    found = []
    for block in re.split(r"\n\s*\n", value or ""):
        line = " ".join(block.split())
        if line:
            parts = line.split("`")
            found.append(tuple((part, i % 2 == 1) for i, part in enumerate(parts) if part))
    return tuple(found)


def _shown(value: Any) -> str:
    """A value as a client writes it in a query string or reads it in JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)


def _resolved(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """The schema without the wrappers the generator adds (`allOf` of one reference)."""
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1:
        return all_of[0]
    return schema


def type_of(schema: Mapping[str, Any]) -> TypeInfo:
    schema = _resolved(schema)
    for key in ("oneOf", "anyOf"):
        options = schema.get(key)
        if isinstance(options, list):
            rest = [o for o in options if o.get("type") != "null"]
            if len(rest) == 1:
                inner = type_of(rest[0])
                return msgspec.structs.replace(inner, nullable=len(rest) < len(options))
            return TypeInfo(name=" | ".join(type_of(o).name for o in rest))
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(REF):
        name = ref.removeprefix(REF)
        return TypeInfo(name=name, schema=name)
    kind = schema.get("type", "any")
    nullable = False
    if isinstance(kind, list):
        nullable = "null" in kind
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "array":
        item = type_of(schema.get("items", {}))
        return msgspec.structs.replace(item, array=True, nullable=nullable)
    return TypeInfo(name=kind, format=schema.get("format"), nullable=nullable)


def _allowed(schema: Mapping[str, Any]) -> tuple[str, ...]:
    schema = _resolved(schema)
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    return tuple(_shown(v) for v in schema.get("enum", ()) if v is not None)


def _refs(schema: Any) -> Iterable[str]:
    """Every schema name `schema` refers to, in order."""
    if isinstance(schema, Mapping):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF):
            yield ref.removeprefix(REF)
        for value in schema.values():
            yield from _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _refs(value)


def _parameter(raw: Mapping[str, Any]) -> Parameter:
    schema = raw.get("schema", {})
    examples = schema.get("examples") or [e["value"] for e in raw.get("examples", {}).values()]
    example = examples[0] if examples else None
    if isinstance(example, list):
        example = ",".join(map(_shown, example))
    bounds = {key: schema.get(key) for key in ("minimum", "maximum")}
    return Parameter(
        name=raw["name"],
        where=raw.get("in", "query"),
        required=bool(raw.get("required")),
        type=type_of(schema),
        description=text(raw.get("description") or schema.get("description")),
        allowed=_allowed(schema),
        minimum=None if bounds["minimum"] is None else _shown(bounds["minimum"]),
        maximum=None if bounds["maximum"] is None else _shown(bounds["maximum"]),
        pattern=schema.get("pattern"),
        default=None if "default" not in schema else _shown(schema["default"]),
        example=None if example is None else _shown(example),
        repeatable=schema.get("type") == "array",
    )


def _example_url(path: str, parameters: Iterable[Parameter]) -> str:
    query = []
    for parameter in parameters:
        if parameter.example is None:
            continue
        if parameter.where == "path":
            path = path.replace("{" + parameter.name + "}", quote(parameter.example, safe=""))
        elif parameter.where == "query":
            query.append((parameter.name, parameter.example))
    return path + ("?" + urlencode(query) if query else "")


def _operation(path: str, method: str, raw: Mapping[str, Any]) -> Operation:
    parameters = tuple(_parameter(p) for p in raw.get("parameters", ()))
    answers = []
    for status, answer in sorted(raw.get("responses", {}).items()):
        content = answer.get("content", {})
        body = next(iter(content.values()), {}).get("schema") if content else None
        answers.append(
            Answer(
                status=status,
                description=text(answer.get("description")),
                type=type_of(body) if body else None,
            )
        )
    return Operation(
        anchor="op-" + (raw.get("operationId") or f"{method}-{path}"),
        method=method.upper(),
        path=path,
        summary=raw.get("summary", ""),
        description=text(raw.get("description")),
        parameters=parameters,
        answers=tuple(answers),
        example=_example_url(path, parameters),
    )


def _schema(name: str, raw: Mapping[str, Any], used_in: Iterable[Use]) -> Schema:
    required = set(raw.get("required", ()))
    return Schema(
        name=name,
        anchor="schema-" + name,
        used_in=tuple(dict.fromkeys(used_in)),
        fields=tuple(
            Field(
                name=field,
                type=type_of(spec),
                required=field in required,
                description=text(spec.get("description")),
                allowed=_allowed(spec),
            )
            for field, spec in raw.get("properties", {}).items()
        ),
    )


def build(document: Mapping[str, Any]) -> Reference:
    """The page's content: operations grouped by tag (in the order the document names them),
    the lists before the items by id, by path; then every schema their answers use, each
    followed by those it holds, the error body last; and where each schema is found."""
    paths = document.get("paths", {})
    # Groups in the order the document first names their tag; in a group, lists first.
    groups: dict[str, list[Operation]] = {
        (raw.get("tags") or [""])[0]: [] for methods in paths.values() for raw in methods.values()
    }
    answers: dict[str, list[str]] = {tag: [] for tag in groups}
    failures: list[str] = []
    uses: dict[str, list[Use]] = {}
    for path, methods in sorted(paths.items(), key=lambda item: ("{" in item[0], item[0])):
        for method, raw in methods.items():
            tag = (raw.get("tags") or [""])[0]
            operation = _operation(path, method, raw)
            groups[tag].append(operation)
            for status, answer in raw.get("responses", {}).items():
                found = list(_refs(answer))
                if not status.startswith("2"):
                    failures.extend(found)
                    continue
                answers[tag].extend(found)
                use = Use(label=f"{operation.method} {path}", anchor=operation.anchor)
                for name in found:
                    uses.setdefault(name, []).append(use)
    components = document.get("components", {}).get("schemas", {})
    for holder, schema in components.items():
        for field, spec in schema.get("properties", {}).items():
            for name in _refs(spec):
                use = Use(label=f"{holder}.{field}", anchor="schema-" + holder)
                uses.setdefault(name, []).append(use)
    seen: dict[str, Schema] = {}

    def visit(name: str) -> None:
        if name in seen or name not in components or len(seen) >= MAX_SCHEMAS:
            return
        seen[name] = _schema(name, components[name], uses.get(name, ()))
        for inner in _refs(components[name].get("properties", {})):
            visit(inner)

    for name in [*(name for found in answers.values() for name in found), *failures]:
        visit(name)
    info = document.get("info", {})
    return Reference(
        title=info.get("title", ""),
        version=info.get("version", ""),
        groups=tuple(Group(name=tag, operations=tuple(ops)) for tag, ops in groups.items()),
        schemas=tuple(seen.values()),
    )
