"""The plain Wagtail starter site (`wagtail start`), the reference the page benchmarks measure PassInnov against.

`build(directory, database_url)` makes it with the project's own virtual environment (same Python, Django and
Wagtail), in a scratch directory, on the same PostgreSQL in its own database, with production-like settings
(`settings/bench.py`: DEBUG off, persistent connections as PassInnov's benchmark, plain static files), then
migrates it, adds a child page under its home page and a signed-in session for an ordinary (not staff) user.
It returns what `common.gunicorn` needs to serve it with the same command as PassInnov.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PROJECT = "plainsite"
TIMEOUT = 300  # seconds, for each command of the build

SETTINGS = '''"""Benchmark settings: production-like, on the benchmark's PostgreSQL database."""

import os

import dj_database_url

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = os.environ["STARTER_SECRET_KEY"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {"default": dj_database_url.parse(os.environ["STARTER_DATABASE_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
'''

SETUP = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from home.models import HomePage

home = HomePage.objects.get(depth=2)
child = home.get_children().filter(slug="child").first()
if child is None:
    child = HomePage(title="Child page", slug="child")
    home.add_child(instance=child)
    child.save_revision().publish()
user, _ = get_user_model().objects.get_or_create(username="reader", defaults={"email": "reader@example.org"})
user.set_unusable_password()
user.save()
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print("SESSION", session.session_key)
print("CHILD", child.url)
"""


def starter_database_url(database_url):
    """The benchmark's database URL with `_starter` appended to the database name."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_starter"))


def create_database(database_url):
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")), connect_timeout=10)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        admin.close()


def build(directory, database_url):
    """Build (once) and prepare the starter site in `directory`; returns {env, cwd, wsgi, cookie, paths}."""
    directory = Path(directory)
    starter_url = starter_database_url(database_url)
    if not (directory / "manage.py").exists():
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [str(VENV_BIN / "wagtail"), "start", PROJECT, str(directory)], check=True, timeout=TIMEOUT,
            capture_output=True,
        )  # fmt: skip
        (directory / PROJECT / "settings" / "bench.py").write_text(SETTINGS)
    create_database(starter_url)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS"))}
    env.update(
        DJANGO_SETTINGS_MODULE=f"{PROJECT}.settings.bench",
        STARTER_DATABASE_URL=starter_url,
        STARTER_SECRET_KEY="bench-" + secrets.token_urlsafe(48),
        PYTHONPATH=str(directory),
    )
    python = str(VENV_BIN / "python")
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=directory, env=env, check=True, timeout=TIMEOUT
    )
    out = subprocess.run(
        [python, "manage.py", "shell", "-c", SETUP], cwd=directory, env=env, check=True, timeout=TIMEOUT,
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    values = dict(line.split(" ", 1) for line in out.splitlines() if line.startswith(("SESSION ", "CHILD ")))
    if "SESSION" not in values:
        sys.exit(f"the starter site did not give a session:\n{out}")
    return {
        "env": env,
        "cwd": directory,
        "wsgi": f"{PROJECT}.wsgi:application",
        "cookie": f"sessionid={values['SESSION']}",
        "database_url": starter_url,
        "paths": {"home": "/", "child page": values["CHILD"]},
    }
