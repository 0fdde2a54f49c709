"""Shared plumbing of the benchmarks: a scratch PostgreSQL database, Django, gunicorn on 127.0.0.1, timing.

Every benchmark runs against the database of DATABASE_URL, which must be PostgreSQL and a scratch database
whose name contains "bench" (the benchmarks empty the statement tables). Example:

    createdb -h 127.0.0.1 -U postgres passinnov_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passinnov_bench .venv/bin/python bench/xapi_ingest.py
"""

import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HTTP_TIMEOUT = 120  # seconds, for every request the benchmarks send


def _ports():
    """Ports the benchmarks may use on 127.0.0.1: BENCH_PORTS="first-last" (default 8211-8219)."""
    first, _sep, last = os.environ.get("BENCH_PORTS", "8211-8219").partition("-")
    return range(int(first), int(last or first) + 1)


DEFAULT_PORTS = _ports()


def setup_django(settings_module="cms.settings.production"):
    """Production settings (DEBUG off), with what a local run needs; returns the environment for gunicorn."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks need PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/passinnov_bench")
    if "bench" not in urlsplit(url).path:
        sys.exit("DATABASE_URL must name a scratch database containing 'bench': the benchmarks empty its statements.")
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(48))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("PASSINNOV_BASE_URL", "http://127.0.0.1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return dict(os.environ)


def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "ram": ram,
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": pg,
    }


def print_machine():
    for key, value in machine().items():
        print(f"{key:>10}: {value}")


SERVERS = {}  # base URL -> gunicorn master pid, while it serves


def cpu_seconds(pid):
    """User + system CPU time of a process (Linux /proc), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                found.append(int(entry.name))
    return found


def server_cpu(url, database):
    """CPU seconds used so far by the gunicorn workers serving `url` and the PostgreSQL backends of `database`:
    what a page costs on the server, whatever else the (shared) machine is doing."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database])
        backends = [row[0] for row in cursor.fetchall()]
    return {pid: cpu_seconds(pid) for pid in children(SERVERS[url]) + backends}


def free_port(ports=DEFAULT_PORTS):
    for port in ports:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    sys.exit(f"no free port in {ports.start}-{ports.stop - 1}")


@contextmanager
def gunicorn(env, workers, port=None, threads=1, app="cms.wsgi:application", cwd=ROOT, probe="/healthz"):
    """gunicorn serving `app` on 127.0.0.1 (sync workers, or gthread when threads > 1); yields the base URL.

    The same command serves PassInnov and the plain Wagtail starter site (bench/starter.py)."""
    import requests

    port = port or free_port()
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"), app, "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads), "--timeout", "120", "--log-level", "warning",
        ],
        cwd=cwd, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    SERVERS[url] = process.pid
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}{probe}", timeout=5)
                break
            except (requests.ConnectionError, requests.Timeout):
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit("gunicorn did not start")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def empty_statement_tables():
    from django.db import connection

    from learning_records.models import Statement, StatementIndexEntry

    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {StatementIndexEntry._meta.db_table}, {Statement._meta.db_table} RESTART IDENTITY CASCADE"
        )


def summary(seconds):
    """Median, p95 and mean of a list of durations, in milliseconds."""
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": p95 * 1000,
        "mean_ms": statistics.fmean(ordered) * 1000,
    }
