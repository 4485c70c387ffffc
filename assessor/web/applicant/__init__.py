"""The applicant's test in the browser: ``/take/<token>/…`` and ``/progress/<token>``.

Server-rendered pages that work without JavaScript; ``static/applicant.js``
adds autosave, the timer, the word counter and integrity events.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("applicant", __name__, template_folder="templates")

from . import common, results, views  # noqa: E402,F401  (routes register on import)
