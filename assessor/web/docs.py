"""``/openapi.json`` and ``/docs``: a self-contained page (no CDN) listing
every operation from the same document. Its stylesheet is a static file so
the strict Content-Security-Policy (no inline styles) holds here too."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template_string

from .openapi import build_spec

bp = Blueprint("docs", __name__)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>assessor API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{{ url_for('static', filename='docs.css') }}">
</head><body>
<h1>{{ spec.info.title }} <small>{{ spec.info.version }}</small></h1>
<p>{{ spec.info.description }}</p>
<p>Machine-readable: <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI {{ spec.openapi }}).
Recruiters send <code>Authorization: Bearer &lt;token&gt;</code>; applicants send
<code>X-Invitation-Token</code> (or <code>?token=</code>).</p>
{% for tag in spec.tags %}<h2>{{ tag.name }}</h2>
{% for path, item in spec.paths.items() %}{% for method, o in item.items() %}{% if tag.name in o.tags %}
<div class="op"><span class="m {{ method }}">{{ method|upper }}</span> <code>{{ path }}</code> — {{ o.summary }}
{% if o.requestBody %}<br><small>body: {% for ct, c in o.requestBody.content.items() %}<code>{{ ct }}</code>
{% if c.schema['$ref'] %}{{ c.schema['$ref'].split('/')[-1] }}{% endif %} {% endfor %}</small>{% endif %}
{% if o.parameters %}<br><small>parameters: {% for prm in o.parameters %}<code>{{ prm.name }}</code> ({{ prm['in'] }}) {% endfor %}</small>{% endif %}
<br><small>responses: {% for code in o.responses %}{{ code }} {% endfor %}</small></div>
{% endif %}{% endfor %}{% endfor %}{% endfor %}
</body></html>"""


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(build_spec())


@bp.get("/docs")
def docs_page():
    return render_template_string(_PAGE, spec=build_spec())
