"""Benchmark 4: "Mon parcours" and the badge check with 1,000 and with 1,000,000 statements in the store.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passinnov_bench_parcours .venv/bin/python bench/mon_parcours.py \
        [--small 1000] [--large 1000000] [--renders 200] [--stores 100]

1. Loads the demo content (PASSINNOV_DEMO=1) when it is not there yet; the demo agent agent2 has a path
   under way and badges within reach.
2. At each store size (`--small`, then `--large` statements in all: the demo's own statements plus
   statements of other agents inserted in SQL by bench/xapi_paging.fill, with their index rows, then ANALYZE):
   - renders /mon-parcours/ for agent2 in process (Django test client: middleware, session, view, template;
     no HTTP) `--renders` times: median, p95, SQL queries;
   - stores one more trusted statement for agent2 through the application's own path,
     learning_records.events.completed (save_statements → the progress receiver, then the badge check that runs
     after the commit, `badges.process_checks`: the
     module enters "completed" and the badge rules are checked) `--stores` times, each in a transaction
     rolled back afterwards so every iteration does the same work on the same store: median, p95, queries.
The store only grows (the small size first); a store already larger than `--small` skips the small size.
"""

import argparse
import os
import time

from common import print_machine, setup_django, summary
from pages import configure, prepare

STATEMENT_TABLE = '"learning_records_statement'  # the store's tables: statements and their index rows


def statement_count():
    from learning_records.models import Statement

    return Statement.objects.count()


def grow_to(total):
    from xapi_paging import fill

    missing = total - statement_count()
    if missing > 0:
        started = time.perf_counter()
        fill(missing, append=True, quiet=True)
        print(f"  +{missing:,} statements in {time.perf_counter() - started:.0f} s", flush=True)


def pick_module(user):
    """A module of the path that agent2 has not completed: storing its completion changes progress and badges."""
    from parcours.models import ModulePage
    from progress.models import Progress

    done = Progress.objects.filter(user=user, status=Progress.Status.COMPLETED).values_list("module_id", flat=True)
    module = ModulePage.objects.live().exclude(pk__in=list(done)).order_by("path").first()
    if module is None:
        raise SystemExit("agent2 has completed every module: reload the demo content into a fresh database")
    return module


def measure(user, client, module, renders, stores):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from learning_records import events
    from progress.models import BadgeAward, Progress
    from progress.services import badges

    client.get("/mon-parcours/")  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/mon-parcours/")
    if response.status_code != 200:
        raise SystemExit(f"/mon-parcours/: HTTP {response.status_code}")
    render_queries = len(queries)
    statement_queries = [q for q in queries.captured_queries if STATEMENT_TABLE in q["sql"]]
    render_times = []
    for _ in range(renders):
        started = time.perf_counter()
        client.get("/mon-parcours/")
        render_times.append(time.perf_counter() - started)

    def store_once(record=False):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                events.completed(user, module)
                # What runs once the request's transaction commits (progress/receivers.py): the badge check,
                # here inside the rolled-back transaction so that every iteration does the same work.
                badges.process_checks([user.pk])
                elapsed = time.perf_counter() - started
            status = Progress.objects.get(user=user, module=module).status
            awards = BadgeAward.objects.filter(user=user, revoked=False).count()
            transaction.set_rollback(True)
        if record:
            statement_queries.extend(q for q in queries.captured_queries if STATEMENT_TABLE in q["sql"])
        return elapsed, status, awards, len(queries)

    awards_before = BadgeAward.objects.filter(user=user, revoked=False).count()
    _elapsed, status, awards, store_queries = store_once(record=True)
    if status != Progress.Status.COMPLETED:
        raise SystemExit(f"the completed statement did not complete the module (status {status})")
    store_times = [store_once()[0] for _ in range(stores)]
    return {
        "render": (render_queries, summary(render_times)),
        "store": (store_queries, summary(store_times)),
        "badges": (awards_before, awards),
        "statement queries": statement_queries,  # those of one render and one store
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--renders", type=int, default=200, help="timed renders of /mon-parcours/ per size")
    parser.add_argument("--stores", type=int, default=100, help="timed completed statements per size")
    args = parser.parse_args()
    if not 0 < args.small < args.large <= 2_000_000 or min(args.renders, args.stores) < 1:
        parser.error("need 0 < --small < --large ≤ 2,000,000 and positive counts")
    configure()
    env = setup_django("bench.settings")
    print_machine()
    prepare(env)

    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    user = User.objects.get(username="agent2")
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    client.force_login(user)
    module = pick_module(user)
    print(f"agent2 completes «{module.title}» in each timed store (rolled back)\n", flush=True)

    results = {}
    for size in (args.small, args.large):
        if statement_count() > size:
            print(f"store already holds {statement_count():,} statements: size {size:,} skipped")
            continue
        print(f"store to {size:,} statements…", flush=True)
        grow_to(size)
        print(f"  load average {os.getloadavg()[0]:.2f}", flush=True)
        results[size] = measure(user, client, module, args.renders, args.stores)

    print(f"\n{'statements':>10}  {'case':<32} {'queries':>7} {'n':>4} {'median ms':>9} {'p95 ms':>7} {'mean ms':>7}")
    for size, figures in results.items():
        for key, label in (("render", "GET /mon-parcours/ (agent2)"), ("store", "completed → progress + badges")):
            count, timing = figures[key]
            print(
                f"{size:>10,}  {label:<32} {count:>7} {timing['n']:>4} {timing['median_ms']:>9.1f} "
                f"{timing['p95_ms']:>7.1f} {timing['mean_ms']:>7.1f}"
            )
        before, after = figures["badges"]
        print(f"{'':>10}  badges of agent2: {before} before the completed statement, {after} with it")
    for size, figures in results.items():
        print(f"\nqueries on the statement tables at {size:,} statements (one render, one store), with their time:")
        for query in figures["statement queries"]:
            print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:150]}")


if __name__ == "__main__":
    main()
