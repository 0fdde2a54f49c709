"""Deliver stored statements to the active external LRS (run it under a process manager)."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from pilotage.delivery import deliver_all, worker_name


def refresh_connections():
    """Drop a connection that is too old or broken between passes, as Django does between requests.

    Skipped inside a transaction (a caller's atomic block, e.g. a test): closing it would end the transaction.
    """
    if not connection.in_atomic_block:
        close_old_connections()


class StopFlag:
    """Set from a signal handler: a plain attribute (a threading.Event could deadlock in a handler)."""

    def __init__(self):
        self.stopped = False

    def set(self):
        self.stopped = True

    def is_set(self):
        return self.stopped

    def wait(self, seconds):
        deadline = time.monotonic() + seconds
        while not self.stopped and time.monotonic() < deadline:
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        return self.stopped


class Command(BaseCommand):
    help = "Push every stored statement, in order, to each active external LRS endpoint."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run a single pass over the endpoints and exit.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds to wait between passes (default 5).")
        parser.add_argument("--endpoint", action="append", dest="names", help="Only this endpoint (by name).")

    def handle(self, *args, once=False, interval=5.0, names=None, **options):
        self.stop = StopFlag()
        if not once:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, self.request_stop)
        owner = worker_name()
        verbosity = options.get("verbosity", 1)
        while True:
            refresh_connections()
            for result in deliver_all(stop=self.stop, names=names, owner=owner):
                if verbosity >= 1 and (result.delivered or result.erasures or result.error or verbosity >= 2):
                    line = f"{result.endpoint}: {result.delivered} delivered in {result.batches} batch(es)"
                    if result.erasures:
                        line += f", {result.erasures} erasure(s) sent as voiding statements"
                    if result.skipped:
                        line += f", skipped ({result.skipped})"
                    if result.error:
                        line += f", error: {result.error}"
                    self.stdout.write(line)
            if once or self.stop.wait(max(0.1, interval)):
                break
        refresh_connections()
        if verbosity >= 2:
            self.stdout.write("Stopped.")

    def request_stop(self, signum, frame):
        self.stop.set()
