"""A real Ralph LRS for delivery tests: its own virtual environment, its own temp dir, on 127.0.0.1."""

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import requests

from tests import processes
from tests.requirements import missing

LAUNCHER = Path(__file__).with_name("ralph_launcher.py")
USERNAME, PASSWORD = "passinnov", "ralph-test-secret"
PORTS = range(8511, 8520)


def ralph_bin():
    root = Path(__file__).resolve().parents[2]
    candidates = [
        os.environ.get("PASSINNOV_RALPH_BIN"),
        str(root / "var" / "ralph-venv" / "bin" / "ralph"),  # scripts/install_ralph.sh's default
        "/tmp/ralph-venv/bin/ralph",
        shutil.which("ralph"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return Path(candidate)
    missing("needs Ralph (scripts/install_ralph.sh, then PASSINNOV_RALPH_BIN=<venv>/bin/ralph)")


def free_port():
    for port in PORTS:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    missing(f"no free port for Ralph in {PORTS.start}-{PORTS.stop - 1}")


class Ralph:
    def __init__(self, binary, workdir):
        self.binary = binary
        self.python = binary.parent / "python"
        self.workdir = Path(workdir)
        self.data_dir = self.workdir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process = None
        self.env = os.environ | {
            "RALPH_APP_DIR": str(self.workdir / "app"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.data_dir),
            "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(self.data_dir),
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        subprocess.run(
            [str(binary), "auth", "-w", "-u", USERNAME, "-p", PASSWORD, "-s", "all",
             "-A", "passinnov-delivery", "http://testserver"],
            env=self.env, check=True, capture_output=True, cwd=self.workdir,
        )  # fmt: skip

    @property
    def statements_url(self):
        return f"http://127.0.0.1:{self.port}/xAPI/statements"

    def start(self):
        self.process = subprocess.Popen(
            [str(self.python), str(LAUNCHER), str(self.port)],
            env=self.env, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()  # never leave a server behind
            raise
        return self

    def wait_until_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                requests.get(f"http://127.0.0.1:{self.port}/whoami", timeout=2, auth=(USERNAME, PASSWORD))
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("Ralph did not start within 60 s")

    def stop(self):
        processes.stop(self.process)
        self.process = None

    def stored_records(self):
        """Every record in the fs backend's file, read directly (the API pages and caps its answers)."""
        records = []
        for path in self.data_dir.rglob("*.jsonl"):
            with path.open() as handle:
                records += [json.loads(line) for line in handle if line.strip()]
        return records
