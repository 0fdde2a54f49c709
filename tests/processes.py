"""Servers the tests start (Ralph, the test OpenID provider): stopped politely, then for good."""

import subprocess


def stop(process, timeout=10):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
