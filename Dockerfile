# The one image of assessor: web (gunicorn), scoring worker and migrations
# run it with different commands (see compose.yaml, docs/deployment.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A fixed, unprivileged uid so volume permissions are predictable.
RUN groupadd --gid 10001 assessor \
    && useradd --uid 10001 --gid assessor --create-home --shell /usr/sbin/nologin assessor

WORKDIR /app
# Dependencies first: this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md LICENSE ./
COPY assessor/__init__.py assessor/__init__.py
RUN pip install --no-compile -e . && pip uninstall -y assessor
# The code reads models/ beside the package (a path relative to the source
# tree), hence an editable install of the whole tree; migrations are in the package.
COPY assessor assessor
COPY models models
COPY deploy/gunicorn.conf.py deploy/gunicorn.conf.py
RUN pip install --no-compile --no-deps -e . \
    && mkdir -p /app/instance /tmp/prometheus \
    && chown assessor:assessor /app/instance /tmp/prometheus

USER assessor
EXPOSE 8000
# The web process by default; compose overrides it for the worker and migrate.
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "assessor.web:create_app()"]
