"""Service sub-commands: serve, worker, db, create-org, create-user, demo."""
from __future__ import annotations

import argparse
import getpass
import secrets

from ..config import Config
from ..errors import ConfigError


def _app(start_worker: bool = False):
    from ..web import create_app

    # Only `serve` needs the views; one-off commands skip them so that they
    # work even while a page module is broken.
    return create_app(Config(), start_worker=start_worker, blueprints=start_worker)


def _db(app):
    return app.extensions["assessor"]["db"]


def cmd_serve(args: argparse.Namespace) -> int:
    app = _app(start_worker=True)
    config = app.config["ASSESSOR_CONFIG"]
    mode = f"RQ queue on {config.REDIS_URL}" if config.REDIS_URL else "embedded worker thread"
    base = f"http://{args.host}:{args.port}"
    print(f"assessor: serving on {base}  (API docs {base}/docs, OpenAPI {base}/openapi.json, "
          f"health {base}/readyz); scoring: {mode}; database: {app.config['DATABASE_URL']}",
          flush=True)
    from ..web.devserver import RedactingRequestHandler

    app.run(host=args.host, port=args.port, threaded=True, use_reloader=False, debug=False,
            request_handler=RedactingRequestHandler)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from ..jobs.worker import run_worker

    config = Config()
    if not config.REDIS_URL:
        raise ConfigError("REDIS_URL is not set: `assessor worker` runs jobs from Redis. "
                          "Without Redis, `assessor serve` scores in-process.")
    if not config.DATABASE_URL:
        config.DATABASE_URL = _app().config["DATABASE_URL"]
    queues = tuple(q.strip() for q in args.queues.split(",") if q.strip())
    names = {"scoring": config.RQ_QUEUE, "webhooks": config.RQ_WEBHOOK_QUEUE}
    print(f"assessor worker: queues {', '.join(names.get(q, q) for q in queues)} on "
          f"{config.REDIS_URL}", flush=True)
    run_worker(config, burst=args.burst, simple=args.simple, queues=queues)
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from ..db import migrate

    url = _app().config["DATABASE_URL"]
    if args.action == "upgrade":
        migrate.upgrade(url, args.revision or "head")
        print(f"database at {url.split('@')[-1]} is up to date")
    elif args.action == "downgrade":
        if not args.revision:
            raise ConfigError("downgrade needs a revision (e.g. base)")
        migrate.downgrade(url, args.revision)
    elif args.action == "revision":
        migrate.revision(url, args.message or "change")
    return 0


def cmd_create_org(args: argparse.Namespace) -> int:
    from ..services import create_org

    app = _app()
    with _db(app).transaction() as session:
        org = create_org(session, args.name, actor="cli")
        print(f"organisation {org.id}: {org.name}")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from ..services import create_api_token, create_user, org_by_name

    password = args.password
    if password == "-":
        password = getpass.getpass("password: ")
    generated = password is None and args.role != "viewer"
    if generated:
        password = secrets.token_urlsafe(12)
    app = _app()
    with _db(app).transaction() as session:
        org = org_by_name(session, args.org)
        user = create_user(session, org, args.email, role=args.role, name=args.name or "",
                           password=password, actor="cli")
        print(f"user {user.id}: {user.email} ({user.role}) in {org.name}")
        if generated:
            print(f"password: {password}")
        if args.token:
            _, token = create_api_token(session, user, "cli")
            print(f"API token (shown once): {token}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ..services.demo import load_demo

    app = _app()
    config = app.config["ASSESSOR_CONFIG"]
    base = args.base_url or config.PUBLIC_URL
    with _db(app).transaction() as session:
        info = load_demo(session, public_url=base)
    print("Demo loaded: organisation 'Demo BPO'")
    print(f"  recruiter login: {info.email} / {info.password}")
    print(f"  recruiter API token: {info.api_token}")
    print(f"  assessment {info.assessment_id}: {base}/api/v1/assessments/{info.assessment_id}")
    for email, token in info.invitations:
        print(f"  applicant link for {email}: {base}/take/{token}")
        print(f"    (API: curl -H 'X-Invitation-Token: {token}' {base}/api/v1/applicant)")
    if info.submitted_answers:
        print(f"  a sample applicant has submitted {len(info.submitted_answers)} answers; "
              "they are scored when the service or a worker starts")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the web service (development server)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run an RQ worker on REDIS_URL")
    p.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    p.add_argument("--simple", action="store_true", help="run jobs in-process (no fork)")
    p.add_argument("--queues", default="scoring,webhooks",
                   help="queues to take jobs from, first first: scoring, webhooks or both")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("db", help="database migrations")
    p.add_argument("action", choices=("upgrade", "downgrade", "revision"))
    p.add_argument("revision", nargs="?")
    p.add_argument("-m", "--message")
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("create-org", help="create an organisation")
    p.add_argument("name")
    p.set_defaults(func=cmd_create_org)

    p = sub.add_parser("create-user", help="create a recruiter account")
    p.add_argument("--org", required=True, help="organisation name")
    p.add_argument("--email", required=True)
    p.add_argument("--role", choices=("admin", "recruiter", "viewer"), default="recruiter")
    p.add_argument("--name")
    p.add_argument("--password", help="'-' to prompt; default: generate and print one")
    p.add_argument("--token", action="store_true", help="also create and print an API token")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("demo", help="load the demo organisation, recruiter and assessment")
    p.add_argument("--base-url", help="URL printed in links (default ASSESSOR_PUBLIC_URL)")
    p.set_defaults(func=cmd_demo)

