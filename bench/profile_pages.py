"""Where a page's time goes: cProfile of the benchmarked pages, in process, under the production settings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passinnov_bench_pages .venv/bin/python bench/profile_pages.py \
        [--requests 50] [--top 25] [--pages home fiche ...]

Same settings, demo content and accounts as bench/pages.py (bench/settings.py: production settings, caches as
configured by REDIS_URL). Each page is requested once to warm the caches, then `--requests` times through
Django's test client under cProfile: the script prints the median time of a request, its SQL queries, and the
functions with the largest cumulative time (per request), so the profile before and after a change can be
compared in docs/benchmarks.md.
"""

import argparse
import cProfile
import io
import pstats
import statistics
import time

from pages import clients, configure, pages, prepare


def profile(client, path, requests, top, sort="cumulative"):
    from django.db import connection

    client.get(path)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    times = []
    profiler = cProfile.Profile()
    for _ in range(requests):
        started = time.perf_counter()
        profiler.enable()
        client.get(path)
        profiler.disable()
        times.append(time.perf_counter() - started)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(sort).print_stats(top)
    return statistics.median(times) * 1000, len(queries), out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=50, help="profiled requests per page")
    parser.add_argument("--top", type=int, default=25, help="functions shown per page")
    parser.add_argument("--pages", nargs="*", help="labels of the pages to profile (default: all)")
    parser.add_argument(
        "--sort", default="cumulative", choices=["cumulative", "tottime"], help="order of the functions"
    )
    args = parser.parse_args()
    if not 1 <= args.requests <= 1000 or not 1 <= args.top <= 200:
        parser.error("--requests 1..1000, --top 1..200")
    configure()
    import common

    env = common.setup_django("bench.settings")
    common.print_machine()
    prepare(env)
    signed_in = clients()
    for label, path, username in pages():
        if args.pages and label not in args.pages:
            continue
        median_ms, count, text = profile(signed_in[username][0], path, args.requests, args.top, args.sort)
        print(f"\n===== {label} ({path}, {username}): median {median_ms:.1f} ms, {count} queries =====")
        print(text)


if __name__ == "__main__":
    main()
