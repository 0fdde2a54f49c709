"""Benchmark 1: statement ingestion, export and agent-filtered reads, PassInnov beside Ralph 5.1.0, same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passinnov_bench PASSINNOV_RALPH_BIN=…/ralph-venv/bin/ralph \
        .venv/bin/python bench/xapi_ingest.py [--total 50000] [--round 5000] [--workers 3] [--reads 60] \
        [--profile 20]

Both stores start empty. The client is one thread POSTing batches of 100 statements over one keep-alive
connection (HTTP Basic), as an LMS or a `ralph push` would: realistic PassInnov statements (a session
registration each, built by learning_records.statements: account actor, registration, parent and category
context activities), the same statements to both stores. It alternates: `--round` statements into PassInnov
(gunicorn, `--workers` sync workers, production settings, PostgreSQL), then the same number into Ralph 5.1.0
(`ralph.api` under uvicorn, fs backend in append mode, as the project's Ralph tests run it), until each holds
`--total`. Then, on the full stores:
  - export: every statement read back page by page through `more` (pages of 500);
  - agent-filtered reads: `--reads` GETs `?agent=<one of the 500 agents>`, the same agents for both.
Printed: each round's rate, the ratios PassInnov / Ralph, flatness (rate of the last 10 % of PassInnov's
batches over the first 10 %), then the ceilings of this machine for the same rows, in process: the store's
own INSERT … SELECT unnest(…) of the rows and their index, and PostgreSQL `COPY` of the same rows.
`--profile N`: a cProfile of `save_statements` over N batches (in process), its top functions.
Ralph is started from PASSINNOV_RALPH_BIN (scripts/install_ralph.sh installs it); bounded: it stops by itself.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import requests
from common import HTTP_TIMEOUT, empty_statement_tables, free_port, gunicorn, print_machine, setup_django

BATCH = 100
AGENTS = 500
PAGE = 500

SERVE_RALPH = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def build_batches(count, agents):
    """`count` batches of 100 session registrations by `agents` (objects with xapi_account_name)."""
    from django.utils import timezone

    from learning_records import statements as xs
    from learning_records.activities import XapiActivityMixin
    from learning_records.vocabulary import TYPE_MEETING, TYPE_MODULE

    class Activity:
        xapi_activity_id = XapiActivityMixin.xapi_activity_id
        xapi_names = XapiActivityMixin.xapi_names

        def __init__(self, kind, activity_type, title, **attrs):
            self.XAPI_KIND, self.XAPI_ACTIVITY_TYPE, self.title = kind, activity_type, title
            self.activity_uuid = uuid.uuid4()
            self.__dict__.update(attrs)

    rng = random.Random(11)
    start = timezone.now() - timedelta(days=30)
    modules = [Activity("module", TYPE_MODULE, f"Module {n}", duration_minutes=90) for n in range(5)]
    sessions = [
        Activity(
            "session", TYPE_MEETING, f"Session {n}", module=modules[n % 5],
            start=start + timedelta(days=n), end=start + timedelta(days=n, minutes=90),
        )
        for n in range(20)
    ]  # fmt: skip
    template = xs.build_registered(agents[0], sessions[0], uuid.uuid4())
    batches = []
    for b in range(count):
        batch = []
        for i in range(BATCH):
            statement = xs.build_registered(rng.choice(agents), sessions[(b + i) % 20], uuid.uuid4())
            statement["timestamp"] = template["timestamp"]
            batch.append(statement)
        batches.append(batch)
    return batches


class Agent:
    def __init__(self, n):
        self.xapi_account_name = f"bench-agent-{n:04d}"


def ralph_env(app_dir):
    env = dict(os.environ)
    env.update(
        RALPH_RUNSERVER_BACKEND="fs",
        RALPH_APP_DIR=str(app_dir),
        RALPH_AUTH_FILE=str(Path(app_dir) / "auth.json"),
        RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(Path(app_dir) / "lrs"),
    )
    return env


class RalphLRS:
    """Ralph 5.1.0's LRS on 127.0.0.1 (fs backend), with a user that may read and write everything."""

    def __init__(self, ralph_bin):
        self.ralph_bin = ralph_bin

    def __enter__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="passinnov-bench-ralph-")
        env = ralph_env(self.dir.name)
        Path(self.dir.name, "lrs").mkdir()
        self.password = uuid.uuid4().hex
        subprocess.run(
            [self.ralph_bin, "auth", "-w", "-u", "bench", "-p", self.password, "-s", "all", "-A", "bench",
             "http://127.0.0.1"],
            env=env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        port = free_port()
        python = str(Path(self.ralph_bin).with_name("python"))
        self.process = subprocess.Popen([python, "-c", SERVE_RALPH, str(port)], env=env)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{self.url}/__heartbeat__", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                sys.exit("the Ralph LRS did not start")
            time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.dir.cleanup()


class Client:
    """One keep-alive connection to one LRS."""

    def __init__(self, name, base, endpoint, auth):
        self.name, self.base, self.endpoint = name, base, endpoint
        self.session = requests.Session()
        self.session.auth = auth
        self.session.headers.update({"X-Experience-API-Version": "1.0.3"})

    def post(self, body):
        response = self.session.post(
            self.base + self.endpoint, data=body, headers={"Content-Type": "application/json"}, timeout=HTTP_TIMEOUT
        )
        if response.status_code != 200:
            sys.exit(f"{self.name}: POST answered {response.status_code} {response.text[:500]}")

    def get(self, path_or_params):
        if isinstance(path_or_params, str):
            url = path_or_params if path_or_params.startswith("http") else self.base + path_or_params
            response = self.session.get(url, timeout=HTTP_TIMEOUT)
        else:
            response = self.session.get(self.base + self.endpoint, params=path_or_params, timeout=HTTP_TIMEOUT)
        if response.status_code != 200:
            sys.exit(f"{self.name}: GET answered {response.status_code} {response.text[:500]}")
        return response.json()


def ingest(client, bodies):
    """POST the bodies in turn; returns the duration of each batch."""
    durations = []
    for body in bodies:
        started = time.perf_counter()
        client.post(body)
        durations.append(time.perf_counter() - started)
    return durations


def export(client, total):
    """Read every statement back through `more`; returns (statements read, seconds)."""
    started = time.perf_counter()
    page = client.get({"limit": PAGE})
    read = len(page["statements"])
    while page.get("more") and read < total:
        page = client.get(page["more"])
        read += len(page["statements"])
    return read, time.perf_counter() - started


def agent_reads(client, agents):
    started = time.perf_counter()
    found = 0
    for agent in agents:
        actor = {"objectType": "Agent", "account": {"homePage": os.environ["PASSINNOV_BASE_URL"], "name": agent}}
        found += len(client.get({"agent": json.dumps(actor), "limit": 100})["statements"])
    return len(agents), time.perf_counter() - started, found


def flatness(durations):
    tenth = max(1, len(durations) // 10)
    first, last = durations[:tenth], durations[-tenth:]
    return (tenth * BATCH / sum(last)) / (tenth * BATCH / sum(first))


def ceilings(batches):
    """In process, into the empty tables: the store's own unnest inserts of the rows and their index rows, and
    PostgreSQL COPY of the same rows; statements per second each."""
    from django.db import connection, transaction

    from learning_records import store
    from learning_records.models import Statement, StatementIndexEntry, index_key

    def prepared():
        empty_statement_tables()
        items = [(s["id"], store.Received(json.dumps(s), json.loads(json.dumps(s)))) for b in batches for s in b]
        rows = store.build_rows(items, store.server_authority(), True, None, None, last=None)
        keys = [sorted({(k, index_key(k, v)) for k, v in store.index_values(r.data)}) for r in rows]
        return rows, keys

    results = {}
    rows, keys = prepared()
    started = time.perf_counter()
    for offset in range(0, len(rows), BATCH):
        with transaction.atomic():
            chunk = rows[offset : offset + BATCH]
            store.insert_statements(chunk)
            store.insert_index_entries(
                [
                    (r.pk, k, key, r.stored)
                    for r, pairs in zip(chunk, keys[offset : offset + BATCH], strict=False)
                    for k, key in pairs
                ]
            )
    results["INSERT … SELECT unnest(…) of the rows + index, 100 per transaction"] = len(rows) / (
        time.perf_counter() - started
    )

    rows, keys = prepared()
    columns = [name for name, _type in store.STATEMENT_COLUMNS]

    def copy_text(values):
        out = io.StringIO()
        for row in values:
            out.write("\t".join(_copy_field(v) for v in row))
            out.write("\n")
        out.seek(0)
        return out

    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Statement._meta.db_table])
        first_pk = cursor.fetchone()[0]
    started = time.perf_counter()
    for offset in range(0, len(rows), BATCH):
        chunk = rows[offset : offset + BATCH]
        with transaction.atomic(), connection.cursor() as cursor:
            pks = [first_pk + offset + n for n in range(len(chunk))]
            cursor.copy_expert(
                f"COPY {Statement._meta.db_table} (id, {', '.join(columns)}) FROM STDIN",
                copy_text(
                    [
                        (pk, r.statement_id, r.stored, r.timestamp, r.verb_id, r.object_activity_id,
                         r.object_statement_id, r.actor_account_name, r.registration, r.voided, r.is_voiding,
                         r.trusted, r.credential_id, r.user_id, r.exact, r.exact)
                        for pk, r in zip(pks, chunk, strict=False)
                    ]
                ),
            )  # fmt: skip
            cursor.copy_expert(
                f"COPY {StatementIndexEntry._meta.db_table} (statement_id, kind, key, stored) FROM STDIN",
                copy_text(
                    [
                        (pk, k, key, r.stored)
                        for pk, r, pairs in zip(pks, chunk, keys[offset:], strict=False)
                        for k, key in pairs
                    ]
                ),
            )
    results["COPY of the same rows + index, 100 per transaction (ceiling)"] = len(rows) / (
        time.perf_counter() - started
    )
    empty_statement_tables()
    return results


def _copy_field(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def profile(batches):
    from learning_records.store import save_statements

    empty_statement_tables()
    texts = [json.dumps(batch) for batch in batches]

    def run():
        from learning_records.store import parse_json

        for text in texts:  # one transaction each, as the API stores a batch (save_statements is atomic)
            save_statements(parse_json(text))

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(run)
    elapsed = time.perf_counter() - started
    empty_statement_tables()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    return len(texts) * BATCH / elapsed, out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--total", type=int, default=50_000, help="statements into each store")
    parser.add_argument("--round", type=int, default=5_000, help="statements per store before switching")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--reads", type=int, default=60, help="agent-filtered GETs per store")
    parser.add_argument("--profile", type=int, default=0, help="profile save_statements over N batches")
    args = parser.parse_args()
    if args.total < args.round or args.round % BATCH or args.total % args.round:
        parser.error("--round must be a multiple of 100 dividing --total")
    ralph_bin = os.environ.get("PASSINNOV_RALPH_BIN")
    if not ralph_bin or not Path(ralph_bin).exists():
        sys.exit("needs Ralph 5.1.0: scripts/install_ralph.sh, then PASSINNOV_RALPH_BIN=<venv>/bin/ralph")
    env = setup_django()
    print_machine()
    print(f"load average before: {os.getloadavg()}")
    version = subprocess.run([ralph_bin, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"reference: {version} (fs backend, uvicorn), PassInnov: gunicorn {args.workers} sync workers")
    agents = [Agent(n) for n in range(AGENTS)]
    batches = build_batches(args.total // BATCH, agents)
    bodies = [json.dumps(batch).encode() for batch in batches]
    print(f"{len(bodies)} batches of {BATCH} per store, {sum(map(len, bodies)) / args.total:.0f} bytes/statement")

    from learning_records.models import Credential

    empty_statement_tables()
    Credential.objects.filter(name="bench ingestion").delete()
    credential = Credential(name="bench ingestion", scopes=["all"], trusted=True)
    secret = credential.set_secret()
    credential.save()

    per_round = args.round // BATCH
    with gunicorn(env, args.workers) as url, RalphLRS(ralph_bin) as ralph:
        clients = {
            "PassInnov": Client("PassInnov", url, "/xapi/statements", (credential.key, secret)),
            "Ralph": Client("Ralph", ralph.url, "/xAPI/statements", ("bench", ralph.password)),
        }
        # Warm-up, not counted: each server process's first request pays its lazy set-up (URL configuration,
        # database connection; up to 1 s for a gunicorn worker). Ralph is one process; each new connection
        # goes to whichever gunicorn sync worker accepts it, so 5 GETs per worker (with 3 workers, a worker
        # is missed with a chance of (2/3)^15, about 0.2 %).
        clients["Ralph"].get({"limit": 1})
        for _ in range(5 * args.workers):
            clients["PassInnov"].get({"limit": 1})
        durations = {name: [] for name in clients}
        print(f"\ningestion, alternating rounds of {args.round} (statements/s)")
        print(f"{'round':>5}  {'PassInnov':>10}  {'Ralph':>10}  {'ratio':>6}  load")
        for r in range(args.total // args.round):
            chunk = bodies[r * per_round : (r + 1) * per_round]
            rates = {}
            for name, client in clients.items():
                spent = ingest(client, chunk)
                durations[name] += spent
                rates[name] = len(chunk) * BATCH / sum(spent)
            print(
                f"{r + 1:>5}  {rates['PassInnov']:>10.0f}  {rates['Ralph']:>10.0f}  "
                f"{rates['PassInnov'] / rates['Ralph']:>6.2f}  {os.getloadavg()[0]:.2f}",
                flush=True,
            )
        overall = {name: args.total / sum(spent) for name, spent in durations.items()}
        print(f"overall: {overall}", flush=True)
        results = [("ingestion, statements/s", overall["PassInnov"], overall["Ralph"])]
        flat = {name: flatness(spent) for name, spent in durations.items()}

        exported = {}
        for name, client in clients.items():
            read, seconds = export(client, args.total)
            exported[name] = read / seconds
            if read != args.total:
                print(f"warning: {name} exported {read} of {args.total} statements")
        results.append(
            (f"export through more (pages of {PAGE}), statements/s", exported["PassInnov"], exported["Ralph"])
        )
        print(f"export: PassInnov {exported['PassInnov']:.0f}/s, Ralph {exported['Ralph']:.1f}/s", flush=True)
        print(f"flatness (last 10 % / first 10 % of batches): {flat}", flush=True)

        rng = random.Random(3)
        chosen = [rng.choice(agents).xapi_account_name for _ in range(args.reads)]
        reads = {}
        for name, client in clients.items():
            count, seconds, found = agent_reads(client, chosen)
            reads[name] = count / seconds
            print(f"{name}: {found} statements in {count} agent-filtered answers, {reads[name]:.1f}/s", flush=True)
        results.append(("agent-filtered GET, requests/s", reads["PassInnov"], reads["Ralph"]))

    print(f"\n{'':<52}  {'PassInnov':>10}  {'Ralph':>10}  {'ratio':>7}")
    for label, ours, theirs in results:
        print(f"{label:<52}  {ours:>10.0f}  {theirs:>10.1f}  {ours / theirs:>6.2f}×")
    print(f"flatness (last 10 % of batches / first 10 %): PassInnov {flat['PassInnov']:.2f}, Ralph {flat['Ralph']:.2f}")
    print(f"load average after: {os.getloadavg()}")

    print("\nceilings of this machine for the same rows, in process (statements/s):")
    for label, rate in ceilings(batches[: min(len(batches), 100)]).items():
        print(f"  {label}: {rate:.0f}")
    if args.profile:
        rate, text = profile(batches[: args.profile])
        print(f"\nsave_statements in process under cProfile: {rate:.0f} statements/s\n{text}")


if __name__ == "__main__":
    main()
