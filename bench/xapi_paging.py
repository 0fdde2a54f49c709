"""Benchmark 2: the cost of a GET /xapi/statements page at depth 1 and at depth 10,000 in a store of 1,000,000.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passinnov_bench .venv/bin/python bench/xapi_paging.py \
        [--statements 1000000] [--page 100] [--depth 10000] [--requests 40]

1. Fills the store with `--statements` statements in SQL (INSERT … SELECT generate_series: a real statement
   built by learning_records.statements, with a fresh id, actor, registration and `stored` per row), plus
   their `verb` filter-index rows, then ANALYZE. Skipped when the store already holds exactly that many.
2. Times, through gunicorn on 127.0.0.1, `--requests` GETs of page 1 and of page `--depth` (pages of
   `--page`), unfiltered and filtered by verb, alternating depths so both see the same machine load.

Reaching page 10,000 without walking 9,999 pages: a `more` link carries the query and the `stored` instant of
the last statement of the previous page, signed by the server (learning_records.query.page). Page k is then
`… WHERE stored < :after ORDER BY stored DESC LIMIT page+1` whatever k is: the SQL of page 10,000 is the
SQL of page 2, with another `:after`. Walking the pages would only compute that `:after`; the benchmark reads
it directly (the `stored` of row depth−1 × page, with one OFFSET query outside the timings) and signs the
same token the server would have returned, so the request timed is exactly the request of page 10,000.
EXPLAIN ANALYZE of both pages, and of the OFFSET query this design avoids, are printed for comparison.
"""

import argparse
import json
import time
import uuid

from common import empty_statement_tables, gunicorn, print_machine, setup_django, summary


def template():
    """One real statement as the store keeps it, with placeholders for what varies per row."""
    from learning_records import statements as xs
    from learning_records.activities import XapiActivityMixin
    from learning_records.statements import TYPE_MEETING, TYPE_MODULE
    from learning_records.store import server_authority

    class Activity:
        xapi_activity_id = XapiActivityMixin.xapi_activity_id
        xapi_names = XapiActivityMixin.xapi_names

        def __init__(self, kind, activity_type, title, **attrs):
            self.XAPI_KIND, self.XAPI_ACTIVITY_TYPE, self.title = kind, activity_type, title
            self.activity_uuid = uuid.uuid4()
            self.__dict__.update(attrs)

    class Agent:
        xapi_account_name = "__ACTOR__"

    from django.utils import timezone

    start = timezone.now()
    module = Activity("module", TYPE_MODULE, "Intelligence collective", duration_minutes=90)
    session = Activity("session", TYPE_MEETING, "Intelligence collective – session", module=module, start=start)
    statement = xs.build_registered(Agent(), session, uuid.uuid4(), timestamp=start)
    statement["id"] = "__ID__"
    statement["context"]["registration"] = "__REG__"
    statement["timestamp"] = statement["stored"] = "__STORED__"
    statement["authority"] = server_authority()
    return json.dumps(statement, ensure_ascii=False, separators=(",", ":")), statement


def fill(count, append=False, quiet=False):
    """Insert `count` statements in SQL (and their `verb` index rows); empty the store first unless `append`."""
    from django.db import connection, transaction

    from learning_records.models import Statement, StatementIndexEntry, index_key

    text, statement = template()
    table, index_table = Statement._meta.db_table, StatementIndexEntry._meta.db_table
    expected = {
        "id", "statement_id", "stored", "timestamp", "verb_id", "object_activity_id", "object_statement_id",
        "actor_account_name", "registration", "voided", "is_voiding", "trusted", "credential_id", "user_id",
        "data", "exact",
    }  # fmt: skip
    actual = {field.column for field in Statement._meta.concrete_fields}
    if actual != expected:
        raise SystemExit(f"the Statement model changed ({sorted(actual ^ expected)}): update bench/xapi_paging.py")
    if append:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            base = cursor.fetchone()[0]
    else:
        empty_statement_tables()
        base = 0
    chunk = 100_000
    started = time.perf_counter()
    for first in range(base + 1, base + count + 1, chunk):
        last = min(first + chunk - 1, base + count)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table} (statement_id, stored, timestamp, verb_id, object_activity_id,
                    actor_account_name, registration, voided, is_voiding, trusted, data, exact)
                SELECT id, st, st, %(verb)s, %(activity)s, actor, reg, false, false, true, body::jsonb, body
                FROM (
                    SELECT id, st, actor, reg,
                        replace(replace(replace(replace(%(text)s, '__ID__', id::text),
                            '__STORED__', to_char(st AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
                            '__ACTOR__', actor), '__REG__', reg::text) AS body
                    FROM (
                        SELECT gen_random_uuid() AS id, gen_random_uuid() AS reg, md5(n::text) AS actor,
                            TIMESTAMPTZ '2025-01-01 00:00:00+00' + n * INTERVAL '10 milliseconds' AS st
                        FROM generate_series(%(first)s, %(last)s) AS n
                    ) AS rows
                ) AS statements
                """,
                {
                    "verb": statement["verb"]["id"],
                    "activity": statement["object"]["id"],
                    "text": text,
                    "first": first,
                    "last": last,
                },
            )
        if not quiet:
            print(f"  {last - base:>9} statements", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {index_table} (statement_id, kind, key, stored) "
            f"SELECT id, 'verb', %s, stored FROM {table} WHERE id > %s",
            [index_key("verb", statement["verb"]["id"]), base],
        )
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"ANALYZE {index_table}")
    if not quiet:
        print(f"  filled in {time.perf_counter() - started:.0f} s", flush=True)
    return statement["verb"]["id"]


def token_for_depth(params, depth, page):
    """The `more` token the server returns at the end of page depth−1 (learning_records.query.page)."""
    from django.core import signing

    from learning_records import query as queries
    from learning_records.store import iso

    query = queries.parse_query(params)
    last_of_previous = queries.filtered(query).values_list("stored", flat=True)[(depth - 1) * page - 1]
    token = signing.dumps(dict(query, after=iso(last_of_previous)), salt=queries.MORE_SALT, compress=True)
    return query, last_of_previous, token


def explain(query, after, page, depth):
    from learning_records import query as queries

    columns = ("pk", "stored", "exact", "data")
    keyset = queries.filtered(query)
    if after is not None:
        keyset = keyset.filter(stored__lt=after)
    offset = queries.filtered(query)[(depth - 1) * page : depth * page + 1]
    return (
        keyset.only(*columns)[: page + 1].explain(analyze=True),
        offset.only(*columns).explain(analyze=True),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--page", type=int, default=100)
    parser.add_argument("--depth", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40, help="timed GETs per case")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    args = parser.parse_args()
    if args.depth * args.page > args.statements or min(args.page, args.depth, args.requests) < 1:
        parser.error("need --depth × --page ≤ --statements, all positive")
    env = setup_django()
    print_machine()

    from learning_records.models import Credential, Statement
    from learning_records.statements import VERBS
    from learning_records.store import iso

    verb = VERBS["registered"][0]
    if Statement.objects.count() != args.statements:
        print(f"filling the store with {args.statements:,} statements…", flush=True)
        verb = fill(args.statements)
    credential = Credential(name="bench paging", scopes=["statements/read"])
    secret = credential.set_secret()
    credential.save()
    print(f"store: {Statement.objects.count():,} statements; pages of {args.page}; depth {args.depth:,}\n", flush=True)

    cases = {}
    for label, params in (("unfiltered", {}), ("verb filter", {"verb": verb})):
        params = dict(params, limit=str(args.page))
        query, after, token = token_for_depth(params, args.depth, args.page)
        cases[label] = (params, {"more": token}, query, after)

    import requests

    headers = {"X-Experience-API-Version": "1.0.3"}
    results = {}
    with gunicorn(env, args.workers) as url, requests.Session() as http:
        http.auth = (credential.key, secret)

        def get(params, expected_first=None):
            started = time.perf_counter()
            response = http.get(f"{url}/xapi/statements", params=params, headers=headers, timeout=120)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"GET failed: {response.status_code} {response.text[:300]}")
            body = response.json()
            if len(body["statements"]) != args.page:
                raise SystemExit(f"expected {args.page} statements, got {len(body['statements'])}")
            return elapsed, body

        for label, (first_params, deep_params, _query, after) in cases.items():
            _elapsed, deep = get(deep_params)  # warm-up, and a check that the token lands where expected
            newest_deep = deep["statements"][0]["stored"]
            if not newest_deep < iso(after):
                raise SystemExit("the deep page does not start after the constructed token")
            get(first_params)
            timings = {"page 1": [], f"page {args.depth:,}": []}
            for _ in range(args.requests):
                timings["page 1"].append(get(first_params)[0])
                timings[f"page {args.depth:,}"].append(get(deep_params)[0])
            results[label] = {depth: summary(values) for depth, values in timings.items()}

    # The same pages in process (query + rendering, no HTTP, no authentication): the store's own cost.
    from learning_records import query as queries

    in_process = {}
    for label, (first_params, deep_params, _query, _after) in cases.items():
        timings = {"page 1": [], f"page {args.depth:,}": []}
        for _ in range(args.requests):
            for depth, query in (
                ("page 1", queries.parse_query(first_params)),
                (f"page {args.depth:,}", queries.load_more(deep_params["more"])),
            ):
                started = time.perf_counter()
                rows, _more = queries.page(query)
                [queries.render(row, query["format"]) for row in rows]
                timings[depth].append(time.perf_counter() - started)
        in_process[label] = {depth: summary(values) for depth, values in timings.items()}

    print("HTTP GET /xapi/statements through gunicorn (authentication included):")
    print_table(results)
    print("\nThe same pages in process (learning_records.query.page + render, no HTTP):")
    print_table(in_process)
    for label, (_first, _deep, query, after) in cases.items():
        deep_plan, offset_plan = explain(query, after, args.page, args.depth)
        first_plan, _ = explain(query, None, args.page, 1)
        print(f"\n--- {label}: page 1 (keyset) ---\n{first_plan}")
        print(f"\n--- {label}: page {args.depth:,} (keyset, as served) ---\n{deep_plan}")
        print(f"\n--- {label}: page {args.depth:,} with OFFSET (not used; for comparison) ---\n{offset_plan}")


def print_table(results):
    print(f"{'case':<12} {'page':<12} {'n':>3} {'median ms':>10} {'p95 ms':>8} {'mean ms':>8}")
    for label, by_depth in results.items():
        for depth, figures in by_depth.items():
            print(
                f"{label:<12} {depth:<12} {figures['n']:>3} {figures['median_ms']:>10.1f} "
                f"{figures['p95_ms']:>8.1f} {figures['mean_ms']:>8.1f}"
            )


if __name__ == "__main__":
    main()
