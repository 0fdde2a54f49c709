"""Pulling PassInnov's statements with Ralph (`ralph-malph`), as the training department does (docs/xapi-pull.md).

The test runs the recipe for real: PassInnov's live server, a read-only credential, `ralph read -b lrs` paging
through /xapi/statements, its output piped into `ralph write -b lrs` towards a Ralph LRS started here; then an
incremental pull by `since`. Ralph lives in its own virtual environment (scripts/install_ralph.sh); CI exports
PASSINNOV_RALPH_BIN=<venv>/bin/ralph. Without it the test is skipped, or fails under PASSINNOV_CI_STRICT=1.
"""

import json
import os
import socket
import subprocess
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from django.core.signals import request_started
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from learning_records import statements as xs
from learning_records.models import Credential, Statement
from learning_records.store import save_statements
from tests import processes
from tests.learning_records.xapi_objects import make_session
from tests.requirements import missing

pytestmark = [pytest.mark.ralph, pytest.mark.django_db(transaction=True)]

RALPH_PORTS = range(8211, 8220)  # this app's ports on the project's machines
PAGE = 40
COMMAND_TIMEOUT = 120  # seconds: every subprocess and HTTP call is bounded


class Agent:
    def __init__(self):
        self.xapi_account_name = uuid.uuid4().hex


@pytest.fixture(scope="module")
def ralph_bin():
    path = os.environ.get("PASSINNOV_RALPH_BIN", "")
    if not path or not os.access(path, os.X_OK):
        missing("needs Ralph: run scripts/install_ralph.sh and export PASSINNOV_RALPH_BIN=<venv>/bin/ralph")
    return path


def free_port():
    for port in RALPH_PORTS:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.fail(f"no free port in {RALPH_PORTS.start}-{RALPH_PORTS.stop - 1} for the Ralph LRS")


def ralph_env(app_dir):
    env = dict(os.environ)
    env.update(
        RALPH_RUNSERVER_BACKEND="fs",  # else Ralph's CLI crashes even for `auth`
        RALPH_APP_DIR=str(app_dir),
        RALPH_AUTH_FILE=str(Path(app_dir) / "auth.json"),
        RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(Path(app_dir) / "lrs"),
    )
    return env


# Ralph's fs backend accepts only its first write (FSLRSBackend defaults to CREATE): serve it in APPEND mode.
SERVE_RALPH = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


@pytest.fixture
def ralph_lrs(ralph_bin):
    """A Ralph LRS (fs backend) on 127.0.0.1 with a user `passinnov`; yields (url, username, password, dir)."""
    with tempfile.TemporaryDirectory(prefix="passinnov-ralph-") as app_dir:
        env = ralph_env(app_dir)
        Path(app_dir, "lrs").mkdir()
        password = uuid.uuid4().hex
        subprocess.run(
            [ralph_bin, "auth", "-w", "-u", "passinnov", "-p", password, "-s", "all", "-A", "passinnov", "http://127.0.0.1"],
            env=env, check=True, capture_output=True, timeout=COMMAND_TIMEOUT,
        )  # fmt: skip
        port = free_port()
        python = str(Path(ralph_bin).with_name("python"))
        server = subprocess.Popen([python, "-c", SERVE_RALPH, str(port)], env=env, stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if requests.get(f"{url}/__heartbeat__", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the Ralph LRS did not start: {server.stderr.read().decode()[-2000:]}")
                time.sleep(0.3)
            yield url, "passinnov", password, Path(app_dir, "lrs")
        finally:
            processes.stop(server)


@pytest.fixture
def read_only_credential():
    credential = Credential(name="LRS du service formation (lecture)", scopes=["statements/read"])
    secret = credential.set_secret()
    credential.save()
    return credential, secret


@pytest.fixture
def api_requests():
    """Counts the GET requests PassInnov's live server receives on /xapi/statements (one per page)."""
    seen = []

    def count(sender, environ, **kwargs):
        if environ.get("PATH_INFO") == "/xapi/statements" and environ.get("REQUEST_METHOD") == "GET":
            seen.append(environ.get("QUERY_STRING", ""))

    request_started.connect(count, weak=False)
    yield seen
    request_started.disconnect(count)


def store_statements(count, start):
    """`count` server statements (registrations of distinct agents), dated one second apart."""
    session = make_session()
    built = [
        xs.build_registered(Agent(), session, uuid.uuid4(), timestamp=start + timedelta(seconds=n))
        for n in range(count)
    ]
    stored = []
    for offset in range(0, count, 100):
        stored += save_statements(built[offset : offset + 100])
    return [str(row.statement_id) for row in stored]


def ralph_pull(ralph_bin, base_url, key, secret, ralph_lrs, app_dir, query=None):
    """The recipe: `ralph read -b lrs … [QUERY] | ralph write -b lrs …`; returns the statements read."""
    env = ralph_env(app_dir)
    read = subprocess.run(
        [
            ralph_bin, "read", "-b", "lrs", "--lrs-base-url", base_url, "--lrs-statements-endpoint", "/xapi/statements",
            "--lrs-username", key, "--lrs-password", secret, "-s", str(PAGE), *([query] if query else []),
        ],
        env=env, capture_output=True, timeout=COMMAND_TIMEOUT,
    )  # fmt: skip
    assert read.returncode == 0, read.stderr.decode()[-3000:]
    lrs_url, lrs_user, lrs_password, _lrs_dir = ralph_lrs
    write = subprocess.run(
        [
            ralph_bin, "write", "-b", "lrs", "--lrs-base-url", lrs_url, "--lrs-username", lrs_user,
            "--lrs-password", lrs_password,
        ],
        input=read.stdout, env=env, capture_output=True, timeout=COMMAND_TIMEOUT,
    )  # fmt: skip
    assert write.returncode == 0, write.stderr.decode()[-3000:]
    return [json.loads(line) for line in read.stdout.decode().splitlines() if line.strip()]


def unix_seconds(iso_timestamp):
    """As in docs/xapi-pull.md: GNU date turns the watermark into Unix seconds with microseconds.

    (Ralph 5.1.0 drops a `since` given as a string in its query: a JSON number goes through intact.)
    """
    done = subprocess.run(
        ["date", "-u", "-d", iso_timestamp, "+%s.%6N"], capture_output=True, check=True, timeout=10, text=True
    )
    return done.stdout.strip()


def ids_in_ralph_lrs(ralph_lrs):
    """The ids of the statements the Ralph LRS stored (its fs backend keeps them as JSON lines)."""
    _url, _user, _password, lrs_dir = ralph_lrs
    ids = []
    for path in sorted(lrs_dir.iterdir()):
        ids += [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()]
    return ids


def test_ralph_pulls_every_statement_once_page_by_page_then_incrementally_by_since(
    ralph_bin, ralph_lrs, read_only_credential, live_server, api_requests, tmp_path
):
    credential, secret = read_only_credential
    first_ids = store_statements(300, timezone.now() - timedelta(days=2))

    pulled = ralph_pull(ralph_bin, live_server.url, credential.key, secret, ralph_lrs, tmp_path)
    pulled_ids = [statement["id"] for statement in pulled]
    assert len(pulled_ids) == len(set(pulled_ids)) == 300, "every statement exactly once"
    assert set(pulled_ids) == set(first_ids)
    assert len(api_requests) == 300 // PAGE + 1, "one request per page of PAGE statements"
    assert all("more=" in query for query in api_requests[1:]), "pages after the first follow `more`"
    assert sorted(ids_in_ralph_lrs(ralph_lrs)) == sorted(first_ids)

    # Incremental pull: only what was stored after the newest `stored` of the previous pull (its first line).
    watermark = pulled[0]["stored"]
    assert parse_datetime(watermark) == max(Statement.objects.values_list("stored", flat=True))
    new_ids = store_statements(90, timezone.now() - timedelta(days=1))
    api_requests.clear()
    query = f'{{"since": {unix_seconds(watermark)}}}'  # the exact text, not a float's repr
    again = ralph_pull(ralph_bin, live_server.url, credential.key, secret, ralph_lrs, tmp_path, query=query)
    again_ids = [statement["id"] for statement in again]
    assert len(again_ids) == len(set(again_ids)) == 90
    assert sorted(again_ids) == sorted(new_ids)
    assert len(api_requests) == 90 // PAGE + 1
    assert "since=" in api_requests[0]
    assert sorted(ids_in_ralph_lrs(ralph_lrs)) == sorted(first_ids + new_ids)


def test_a_wrong_secret_is_refused(ralph_bin, read_only_credential, live_server, tmp_path):
    credential, _secret = read_only_credential
    read = subprocess.run(
        [
            ralph_bin, "read", "-b", "lrs", "--lrs-base-url", live_server.url, "--lrs-statements-endpoint",
            "/xapi/statements", "--lrs-username", credential.key, "--lrs-password", "wrong", "-s", str(PAGE),
        ],
        env=ralph_env(tmp_path), capture_output=True, timeout=COMMAND_TIMEOUT,
    )  # fmt: skip
    assert read.returncode != 0
    assert read.stdout.strip() == b""
    assert "401" in read.stderr.decode()
