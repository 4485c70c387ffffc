"""The organisation's outbox: every invitation email, sent or not, with its
last error. Without SMTP configured (the embedded default) this is where a
recruiter sees what would have been sent."""
from __future__ import annotations

from flask import current_app, render_template

from ...services.outbox import org_messages
from ..extensions import session as db
from . import bp
from .access import current_user, login_required


@bp.get("/dashboard/outbox")
# Writers only: a message not yet sent holds the applicant's link, which a
# viewer could otherwise take.
@login_required("writer")
def outbox():
    messages = org_messages(db(), current_user().org_id)
    smtp = bool(current_app.config["ASSESSOR_CONFIG"].SMTP_HOST)
    return render_template("dashboard/outbox.html", messages=messages, smtp=smtp)
