"""Benchmark 3: page views at 16 concurrent signed-in users, at the demo's size and with ten times the data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passinnov_bench_pages .venv/bin/python bench/pages.py \
        [--users 16] [--requests 1200] [--seconds 45] [--workers 2] [--threads 4] [--think 0 1] [--factor 10]

1. Loads the demo content (PASSINNOV_DEMO=1) into the scratch database when it is not there yet, collects the
   static files into a scratch directory (bench/settings.py: production settings, STATIC_ROOT elsewhere).
2. Pages: home, the path page, a module page, the fiches listing (plain and filtered), a fiche, a video
   page, a session page, /mon-parcours/ (agent2) and the pilotage dashboard (formation); the other pages as
   the demo agent. Sessions are opened in process (Client.force_login) and their cookie is reused.
3. Counts each page's SQL queries in process (CaptureQueriesContext, caches warm) and times it alone, 10 times.
4. Load: gunicorn on 127.0.0.1 (`--workers` gthread workers × `--threads`), `--users` client threads, each
   looping over the pages in turn (a different starting page per thread), `--think` seconds between two
   requests of a user (one run per value); each run stops after `--requests` requests or `--seconds` seconds.
   Latency per page and overall: requests, p50, p95, p99, errors (any status other than 200).
5. Grows the data (`--factor` × sessions and registrations, 200 more fiches, 20,000 statements of other
   agents and the two agents' views of the new fiches) and runs 3 and 4 again. Skipped with --factor 1.
The client threads run on the same 2 cores as gunicorn and PostgreSQL: the figures include their cost.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 100


def configure():
    os.environ.setdefault("BENCH_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "passinnov_bench_static"))
    os.environ.setdefault("MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "passinnov_bench_media"))
    os.environ["PASSINNOV_DEMO"] = "1"
    os.environ.setdefault("CONN_MAX_AGE", "60")


def prepare(env):
    """Static files first (the manifest storage needs them to render anything), then the demo content."""
    from django.core.management import call_command

    from home.models import HomePage

    static_root = Path(os.environ["BENCH_STATIC_ROOT"])
    if not (static_root / "staticfiles.json").exists():
        print(f"collecting the static files into {static_root}…", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
    if not HomePage.objects.exists():
        print("loading the demo content…", flush=True)
        call_command("load_demo", verbosity=0)


def pages():
    """(label, path, username) of the benchmarked pages, looked up in the demo content."""
    from fiches.models import FicheIndexPage, FichePage
    from home.models import HomePage
    from parcours.models import ModulePage, ParcoursPage
    from training_sessions.models import Session
    from videos.models import VideoPage

    fiche = FichePage.objects.live().order_by("path").first()
    listing = FicheIndexPage.objects.live().get()
    session = Session.objects.filter(status=Session.Status.SCHEDULED).order_by("start", "pk").last()
    theme = fiche.theme.pk if fiche.theme_id else ""
    return [
        ("home", HomePage.objects.live().get().url, "agent"),
        ("path", ParcoursPage.objects.live().get().url, "agent"),
        ("module", ModulePage.objects.live().order_by("path").first().url, "agent"),
        ("fiches listing", listing.url, "agent"),
        ("fiches, filtered", f"{listing.url}?theme={theme}&duration=&group_size=", "agent"),
        ("fiche", fiche.url, "agent"),
        ("video", VideoPage.objects.live().order_by("path").first().url, "agent"),
        ("session", f"/sessions/{session.pk}/", "agent"),
        ("mon parcours", "/mon-parcours/", "agent2"),
        ("pilotage", "/pilotage/", "formation"),
    ]


def clients():
    """A signed-in test client per demo account used, and its session cookie for HTTP."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    result = {}
    for username in ("agent", "agent2", "formation"):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        result[username] = (client, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return result


def query_counts(page_list, signed_in, repeat=10):
    """Per page: SQL queries of one request, and its median time in process (whole request, and SQL alone)."""
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for label, path, username in page_list:
        client = signed_in[username][0]
        client.get(path)  # first request: per-process caches (site root paths, translations…)
        totals, sql = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                totals.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{label} {path}: HTTP {response.status_code}")
            sql.append(sum(float(q["time"]) for q in queries.captured_queries))
        counts[label] = (len(queries), statistics.median(totals) * 1000, statistics.median(sql) * 1000)
    return counts


def load(url, page_list, cookies, users, max_requests, seconds, think):
    """`users` threads, each requesting the pages in turn; bounded by `max_requests` and `seconds`."""
    import requests
    from django.conf import settings

    results = []  # (label, seconds, ok)
    lock = threading.Lock()
    issued = [0]
    deadline = time.monotonic() + seconds

    def user(index):
        http = requests.Session()
        position = index % len(page_list)
        while time.monotonic() < deadline:
            with lock:
                if issued[0] >= max_requests:
                    return
                issued[0] += 1
            label, path, username = page_list[position]
            position = (position + 1) % len(page_list)
            headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookies[username]}"}
            started = time.perf_counter()
            try:
                response = http.get(url + path, headers=headers, timeout=30, allow_redirects=False)
                ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                results.append((label, elapsed, ok))
            if think:
                time.sleep(think * random.uniform(0.5, 1.5))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def percentile(ordered, q):
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def report(title, page_list, counts, results, elapsed):
    print(f"\n{title}: {len(results)} requests in {elapsed:.1f} s ({len(results) / elapsed:.0f} requests/s)")
    print(
        f"{'page':<17} {'queries':>7} {'alone ms':>8} {'SQL ms':>6} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'errors':>6}  p95<100"
    )
    summary = {}
    for label in [label for label, _p, _u in page_list] + ["overall"]:
        mine = [r for r in results if label == "overall" or r[0] == label]
        ordered = sorted(r[1] for r in mine)
        errors = sum(1 for r in mine if not r[2])
        if not ordered:
            continue
        count, alone, sql = counts.get(label, ("", 0, 0))
        p50, p95, p99 = (percentile(ordered, q) for q in (0.5, 0.95, 0.99))
        summary[label] = (count, len(ordered), p50, p95, p99, errors)
        met = "yes" if p95 < TARGET_P95_MS else "no"
        alone_text = f"{alone:8.1f} {sql:6.1f}" if count != "" else f"{'':8} {'':6}"
        print(
            f"{label:<17} {count!s:>7} {alone_text} {len(ordered):>8} {p50:>7.1f} {p95:>7.1f} {p99:>7.1f} "
            f"{errors:>6}  {met}"
        )
    return summary


def grow(factor, new_fiches, statements):
    """Ten times (factor) the sessions and registrations, more fiches, views and statements."""
    from django.db import transaction
    from django.utils import timezone
    from xapi_paging import fill

    from accounts.models import User
    from core.models import Theme
    from fiches.demo import FICHES
    from fiches.models import FicheIndexPage, FichePage
    from home.demo import publish_child
    from learning_records import events
    from parcours.models import ModulePage
    from training_sessions.models import Registration, Session

    started = time.perf_counter()
    sessions = list(Session.objects.order_by("pk"))
    registrations = Registration.objects.count()
    agents = {u.username: u for u in User.objects.filter(username__in=["agent", "agent2"])}
    directorate = agents["agent"].directorate
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(username=f"bench-{uuid.uuid4().hex[:12]}", first_name="Agent", last_name=f"Banc {n}",
                     directorate=directorate, password="!")
                for n in range(40 * factor)
            ]
        )  # fmt: skip
        clones = []
        for k in range(1, factor):
            for session in sessions:
                clone = Session.objects.get(pk=session.pk)
                clone.pk = clone.id = None
                clone.activity_uuid = uuid.uuid4()
                shift = timedelta(days=7 * k)
                clone.start, clone.end = session.start + shift, session.end + shift
                if clone.registration_deadline:
                    clone.registration_deadline += shift
                clone.capacity = max(session.capacity, 50)
                clones.append(clone)
        clones = Session.objects.bulk_create(clones)
        target = registrations * (factor - 1)
        new = []
        rng = random.Random(1)
        per_session = max(1, -(-target // max(1, len(clones))))
        for session in clones:
            for user in rng.sample(users, min(per_session, len(users))):
                if len(new) < target:
                    new.append(Registration(session=session, user=user, status=Registration.Status.REGISTERED))
        # the two demo agents are also registered to upcoming clones: their pages show more rows
        upcoming = [s for s in clones if s.start > timezone.now()][: 3 * factor]
        for session in upcoming:
            for user in agents.values():
                new.append(Registration(session=session, user=user, status=Registration.Status.REGISTERED))
        Registration.objects.bulk_create(new)
    index = FicheIndexPage.objects.get()
    modules = {module.slug: module for module in ModulePage.objects.all()}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    fiches = list(FICHES.items())
    created = []
    for n in range(new_fiches):
        slug, (title, theme, module, minutes, low, high, tags, objective, when, materials, steps, tips, variants) = (
            fiches[n % len(fiches)]
        )
        created.append(
            publish_child(
                index, FichePage, f"banc-{n}-{slug}",
                title=f"{title} – variante {n}", theme=themes.get(theme), related_module=modules.get(module),
                duration_minutes=minutes, group_size_min=low, group_size_max=high, tags=tags, objective=objective,
                when_to_use=when, materials=materials, tips=tips, variants=variants,
                steps=[
                    ("step", {"title": step, "duration_minutes": d, "description": f"<p>{text}</p>"})
                    for step, d, text in steps
                ],
            )
        )  # fmt: skip
    for page in created:
        for user in agents.values():
            events.viewed(user, page)
    fill(statements, append=True, quiet=True)
    print(
        f"grown in {time.perf_counter() - started:.0f} s: +{len(users)} agents, +{len(clones)} sessions, "
        f"+{len(new)} registrations, +{len(created)} fiches, +{2 * len(created)} viewed statements, "
        f"+{statements:,} other statements",
        flush=True,
    )


def sizes():
    from accounts.models import User
    from fiches.models import FichePage
    from learning_records.models import Statement
    from parcours.models import ModulePage
    from training_sessions.models import Registration, Session

    return (
        f"{User.objects.count()} users, {ModulePage.objects.count()} modules, {Session.objects.count()} sessions, "
        f"{Registration.objects.count()} registrations, {FichePage.objects.count()} fiches, "
        f"{Statement.objects.count():,} statements"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=16, help="concurrent client threads")
    parser.add_argument("--requests", type=int, default=1200, help="at most this many requests per phase")
    parser.add_argument("--seconds", type=float, default=45, help="at most this long per phase")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument(
        "--think", type=float, nargs="+", default=[0.0, 1.0],
        help="mean pause of a user between two requests (s); one load run per value",
    )  # fmt: skip
    parser.add_argument("--factor", type=int, default=10, help="growth of sessions and registrations; 1: no growth")
    parser.add_argument("--fiches", type=int, default=200, help="fiches added when growing")
    parser.add_argument("--statements", type=int, default=20_000, help="other agents' statements added when growing")
    args = parser.parse_args()
    if (
        min(args.users, args.requests, args.workers, args.threads, args.factor) < 1
        or args.seconds <= 0
        or min(args.think) < 0
    ):
        parser.error("every count must be positive")
    if args.requests > 20_000 or args.seconds > 120:
        parser.error("keep the run bounded: --requests ≤ 20000, --seconds ≤ 120")
    configure()
    import common

    env = common.setup_django("bench.settings")
    import requests
    from django.conf import settings

    cookie_name = settings.SESSION_COOKIE_NAME
    common.print_machine()
    prepare(env)
    page_list = pages()
    signed_in = clients()
    cookies = {username: cookie for username, (_client, cookie) in signed_in.items()}
    print(
        f"gunicorn: {args.workers} workers × {args.threads} threads; {args.users} users, think {args.think} s; "
        f"at most {args.requests} requests or {args.seconds:.0f} s per phase"
    )

    phases = [("demo size", None)] + ([(f"×{args.factor} data", args.factor)] if args.factor > 1 else [])
    summaries, counts_by_phase = {}, {}
    for title, factor in phases:
        if factor:
            grow(factor, args.fiches, args.statements)
        print(f"\n[{title}] {sizes()}; load average {os.getloadavg()[0]:.2f}", flush=True)
        counts = counts_by_phase[title] = query_counts(page_list, signed_in)
        with common.gunicorn(env, args.workers, threads=args.threads) as url:
            for _label, path, username in page_list:  # warm every worker a little
                for _ in range(args.workers * 2):
                    requests.get(url + path, headers={"Cookie": f"{cookie_name}={cookies[username]}"}, timeout=30)
            for think in args.think:
                results, elapsed = load(url, page_list, cookies, args.users, args.requests, args.seconds, think)
                key = f"{title}, think {think:g} s"
                summaries[key] = report(key, page_list, counts, results, elapsed)
                print(f"load average after: {os.getloadavg()[0]:.2f}", flush=True)

    if len(phases) == 2:
        first, second = (counts_by_phase[title] for title, _f in phases)
        print(f"\nquery counts, {phases[0][0]} → {phases[1][0]}:")
        for label in first:
            same = "same" if first[label][0] == second[label][0] else "DIFFERENT"
            print(f"  {label:<17} {first[label][0]:>4} → {second[label][0]:<4} {same}")


if __name__ == "__main__":
    main()
