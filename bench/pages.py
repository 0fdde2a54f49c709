"""Benchmark 3: PassInnov's pages against the plain Wagtail starter site, in the same run, signed in on both.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passinnov_bench_pages REDIS_URL=redis://127.0.0.1:6379/13 \
        .venv/bin/python bench/pages.py [--seconds 10] [--rounds 3] [--connections 16] [--workers 3] [--factor 10]

1. Loads the demo content (PASSINNOV_DEMO=1) into the scratch database when it is not there yet, collects the
   static files into a scratch directory (bench/settings.py: production settings, STATIC_ROOT elsewhere).
2. Builds the plain Wagtail starter site (`wagtail start`, bench/starter.py) with the project's own virtual
   environment, in its own database on the same PostgreSQL (`<database>_starter`), with a child page and a
   signed-in session of an ordinary user.
3. Counts each PassInnov page's SQL queries in process, with its shared fragments to build (empty cache) and
   built, and times it alone (median of 10, fragments built).
4. Serves both sites with the same gunicorn command (`--workers` workers × `--threads` threads) and measures,
   with wrk (`--connections` connections, 2 threads, `--seconds` per page), alternately page after page for
   `--rounds` rounds: requests per second and latency p50 / p95 / p99 (median over the rounds). The cost of a
   page against the starter is the starter's requests/s divided by the page's: the home page against the
   starter's home page, every other page against its child page.
5. Grows the data (`--factor` × sessions and registrations, 200 more fiches, 20,000 statements of other
   agents and the two agents' views of the new fiches) and runs 3 and 4 again. Skipped with --factor 1.
wrk runs on the same 2 cores as gunicorn and PostgreSQL, for both sites alike. Set REDIS_URL (a database of
its own) to measure the production configuration: without it, the production settings cache no fragment.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# page -> (page of the starter site it is compared with, highest cost allowed: PRODUCT.md's quality bars)
BARS = {
    "home": ("starter home", 1.5),
    "fiche": ("starter child", 1.5),
    "module": ("starter child", 1.5),
    "fiches listing": ("starter child", 1.5),
    "mon parcours": ("starter child", 2),
    "dashboard": ("starter child", 2),
}


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
    # the storage read its manifest before collectstatic wrote it: read it again (Django keeps the storage
    # instance in `storages`, behind the lazy `staticfiles_storage`: both are renewed)
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.files.storage import storages
    from django.utils.functional import empty

    storages._storages.pop("staticfiles", None)
    staticfiles_storage._wrapped = empty
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
    theme = fiche.theme.slug if fiche.theme_id else ""
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
        ("dashboard", "/pilotage/", "formation"),
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
    """Per page: (SQL queries with the shared fragments to build, with them built, median ms alone)."""
    import statistics

    from django.core.cache import cache
    from django.db import connection

    def count(client, path):
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        return len(queries)

    counts = {}
    for label, path, username in page_list:
        client = signed_in[username][0]
        client.get(path)  # first request: per-process caches (content types, translations…)
        cache.clear()
        cold, warm = count(client, path), count(client, path)
        totals = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(path)
            totals.append(time.perf_counter() - started)
        counts[label] = (cold, warm, statistics.median(totals) * 1000)
    return counts


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("PCT %d %d %d\\n", latency:percentile(50), latency:percentile(95), latency:percentile(99)))
  local e = summary.errors
  io.write(string.format("RES %d %d %d\\n", summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def wrk(url, cookie, seconds, connections, script):
    """One wrk run: {rps, p50, p95, p99 (ms), errors}."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s", "-H", f"Cookie: {cookie}",
         "-s", script, url],
        capture_output=True, text=True, timeout=seconds + 120, check=True,
    ).stdout  # fmt: skip
    values = {
        line.split()[0]: [int(v) for v in line.split()[1:]] for line in out.splitlines() if line[:4] in ("PCT ", "RES ")
    }
    (p50, p95, p99), (count, duration, errors) = values["PCT"], values["RES"]
    return {"rps": count / (duration / 1e6), "p50": p50 / 1000, "p95": p95 / 1000, "p99": p99 / 1000, "errors": errors}


def check_signed_in(url, cookie):
    """The page answers 200 to this cookie (not a redirect to the login page)."""
    import requests

    response = requests.get(url, headers={"Cookie": cookie}, timeout=30, allow_redirects=False)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code} for the signed-in session")


def measure(targets, rounds, seconds, connections, script):
    """targets: [(label, url, cookie, server URL, database)]; alternately, page after page, `rounds` times.

    Per label, medians over the rounds of: requests/s, p50/p95/p99 latency, and the server's CPU time per
    request (gunicorn workers + PostgreSQL backends: common.server_cpu), which the other processes of a shared
    machine do not change."""
    import statistics

    import common

    for _label, url, cookie, _server, _database in targets:
        check_signed_in(url, cookie)
        wrk(url, cookie, 2, connections, script)  # warm every worker
    runs = {label: [] for label, *_rest in targets}
    for _round in range(rounds):
        for label, url, cookie, server, database in targets:
            before = common.server_cpu(server, database)
            run = wrk(url, cookie, seconds, connections, script)
            after = common.server_cpu(server, database)
            used = sum(value - before.get(pid, 0.0) for pid, value in after.items())
            run["cpu"] = used * 1000 / max(1, round(run["rps"] * seconds))
            runs[label].append(run)
    return {
        label: {key: statistics.median(run[key] for run in values) for key in ("rps", "p50", "p95", "p99", "cpu")}
        | {"errors": sum(run["errors"] for run in values), "rounds": [round(run["rps"]) for run in values]}
        for label, values in runs.items()
    }


def report(title, counts, results):
    print(f"\n{title}: medians over the rounds; cost = the starter page's requests/s ÷ the page's, and CPU ms ÷ CPU ms")
    print(
        f"{'page':<15} {'queries':>9} {'alone':>6} {'req/s':>6} {'rounds':>13} {'p50':>6} {'p95':>6} {'p99':>6} "
        f"{'err':>4} {'CPU ms':>6} {'against':>13} {'cost rps':>8} {'cost CPU':>8} {'bar':>4}  met"
    )
    for label, result in results.items():
        reference, bar = BARS.get(label, (None, None))
        ref = results.get(reference)
        by_rps = ref["rps"] / result["rps"] if ref and result["rps"] else None
        by_cpu = result["cpu"] / ref["cpu"] if ref and ref["cpu"] else None
        count = counts.get(label)
        queries = f"{count[0]}/{count[1]}" if count else ""
        alone = f"{count[2]:6.1f}" if count else f"{'':6}"
        rounds = "/".join(str(r) for r in result["rounds"])
        verdict = ("yes" if max(by_rps, by_cpu) <= bar else "NO") if by_rps and by_cpu else ""
        print(
            f"{label:<15} {queries:>9} {alone} {result['rps']:>6.1f} {rounds:>13} {result['p50']:>6.0f} "
            f"{result['p95']:>6.0f} {result['p99']:>6.0f} {result['errors']:>4} {result['cpu']:>6.1f} "
            f"{reference or '':>13} {(f'{by_rps:.2f}×' if by_rps else ''):>8} {(f'{by_cpu:.2f}×' if by_cpu else ''):>8} "
            f"{(f'{bar:g}×' if bar else ''):>4}  {verdict}"
        )


def grow(factor, new_fiches, statements):
    """Ten times (factor) the sessions and registrations, more fiches, views and statements."""
    from django.db import transaction
    from django.utils import timezone
    from xapi_paging import fill

    from accounts.models import User
    from core.demo import publish_child
    from core.models import Theme
    from fiches.demo import FICHES
    from fiches.models import FicheIndexPage, FichePage
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


def database_name(url):
    from urllib.parse import urlsplit

    return urlsplit(url).path.lstrip("/")


MEASURED = ["home", "fiche", "module", "fiches listing", "mon parcours", "dashboard"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10, help="wrk duration per page and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the pages, alternately")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (both sites)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (1: sync workers)")
    parser.add_argument("--factor", type=int, default=10, help="growth of sessions and registrations; 1: no growth")
    parser.add_argument("--fiches", type=int, default=200, help="fiches added when growing")
    parser.add_argument("--statements", type=int, default=20_000, help="other agents' statements added when growing")
    parser.add_argument(
        "--starter-dir", default=str(Path(tempfile.gettempdir()) / "passinnov_bench_starter"),
        help="where the starter site is built (once)",
    )  # fmt: skip
    args = parser.parse_args()
    if min(args.rounds, args.connections, args.workers, args.threads, args.factor) < 1 or args.seconds < 1:
        parser.error("every count must be positive, --seconds at least 1")
    if args.seconds > 60 or args.rounds > 10:
        parser.error("keep the run bounded: --seconds ≤ 60, --rounds ≤ 10")
    configure()
    import common
    import starter

    env = common.setup_django("bench.settings")
    from django.conf import settings

    common.print_machine()
    print(f"cache: {settings.CACHES['default']['BACKEND']}, fragments cached: {settings.PASSINNOV_FRAGMENT_CACHE}")
    prepare(env)
    page_list = pages()
    signed_in = clients()
    cookies = {user: f"{settings.SESSION_COOKIE_NAME}={cookie}" for user, (_client, cookie) in signed_in.items()}
    print(f"building the starter site in {args.starter_dir}…", flush=True)
    plain = starter.build(args.starter_dir, os.environ["DATABASE_URL"])
    print(
        f"gunicorn: {args.workers} workers × {args.threads} threads for each site; wrk -t2 -c{args.connections}, "
        f"{args.seconds:g} s per page, {args.rounds} rounds"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        phases = [("demo size", None)] + ([(f"×{args.factor} data", args.factor)] if args.factor > 1 else [])
        counts_by_phase = {}
        for title, factor in phases:
            if factor:
                grow(factor, args.fiches, args.statements)
            print(f"\n[{title}] {sizes()}; load average {os.getloadavg()[0]:.2f}", flush=True)
            counts = counts_by_phase[title] = query_counts(page_list, signed_in)
            for label, (cold, warm, alone) in counts.items():
                print(f"  {label:<17} {cold:>3} queries to build, {warm:>3} built, {alone:6.1f} ms alone")
            with (
                common.gunicorn(env, args.workers, threads=args.threads) as url,
                common.gunicorn(
                    plain["env"], args.workers, threads=args.threads, app=plain["wsgi"], cwd=plain["cwd"], probe="/"
                ) as plain_url,
            ):
                paths = {label: (path, user) for label, path, user in page_list}
                ours, theirs = database_name(os.environ["DATABASE_URL"]), database_name(plain["database_url"])
                targets = [
                    ("starter home", plain_url + plain["paths"]["home"], plain["cookie"], plain_url, theirs),
                    ("starter child", plain_url + plain["paths"]["child page"], plain["cookie"], plain_url, theirs),
                ] + [(label, url + paths[label][0], cookies[paths[label][1]], url, ours) for label in MEASURED]
                results = measure(targets, args.rounds, args.seconds, args.connections, script.name)
            report(f"[{title}]", counts, results)
            print(f"load average after: {os.getloadavg()[0]:.2f}", flush=True)

    if len(phases) == 2:
        first, second = (counts_by_phase[title] for title, _f in phases)
        print(f"\nquery counts (to build / built), {phases[0][0]} → {phases[1][0]}:")
        for label in first:
            same = "same" if first[label][:2] == second[label][:2] else "DIFFERENT"
            print(
                f"  {label:<17} {first[label][0]:>3}/{first[label][1]:<3} → {second[label][0]:>3}/{second[label][1]:<3} {same}"
            )


if __name__ == "__main__":
    main()
