"""The OpenAPI document is complete (every route) and well-formed."""
from __future__ import annotations

import re

from assessor.web.openapi import build_spec, routes


def _app_routes(app) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule in ("/openapi.json", "/docs"):
            continue
        if not (rule.rule.startswith("/api/") or rule.rule in ("/healthz", "/readyz")):
            continue  # HTML pages of other blueprints are not part of the API
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
        out |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return out


def test_every_api_route_is_documented(app):
    assert _app_routes(app) == routes()


def test_refs_resolve_and_path_params_declared(client):
    spec = client.get("/openapi.json").json
    assert spec["openapi"].startswith("3.")
    text = str(spec)
    for name in set(re.findall(r"#/components/schemas/(\w+)", text)):
        assert name in spec["components"]["schemas"], name
    for path, item in spec["paths"].items():
        for method, op in item.items():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), (method, path)
            assert op["responses"] and op["operationId"]


def test_operation_ids_unique():
    ops = [op["operationId"] for item in build_spec()["paths"].values() for op in item.values()]
    assert len(ops) == len(set(ops))


def test_docs_page_is_self_contained(client):
    page = client.get("/docs").get_data(as_text=True)
    assert "/api/v1/attempts" in page and "http" not in page.split("<body>")[0].replace(
        "http-equiv", "")


def test_document_validates():
    validator = __import__("pytest").importorskip("openapi_spec_validator")
    validator.validate(build_spec())
