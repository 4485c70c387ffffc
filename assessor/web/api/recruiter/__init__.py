"""Recruiter API (Bearer API token, scoped to the token's organisation)."""
from flask import Blueprint

bp = Blueprint("api_recruiter", __name__, url_prefix="/api/v1")

from . import assessments, results, setup  # noqa: E402,F401  (views register on bp)
