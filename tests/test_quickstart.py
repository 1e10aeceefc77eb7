"""The README's quick start, exercised from a clean clone of the committed tree.

`make run` must create its own virtual environment, upgrade the database,
load the demo (twice is fine) and serve a Dutch home page. `make test`
itself is what CI runs on a clean clone, so it is not repeated here.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(clone, port, log):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "DELIBERATIE_INSTANCE", "VIRTUAL_ENV")}
    return subprocess.Popen(["make", "run", f"PORT={port}"], cwd=clone, stdout=log, stderr=subprocess.STDOUT,
                            env=env, start_new_session=True)


def _wait_for(url, process, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            time.sleep(1)
    return None


def _stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def test_make_run_from_clean_clone(tmp_path):
    if not shutil.which("git") or not shutil.which("make") or not (ROOT / ".git").exists():
        pytest.skip("quick start test needs git, make and a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    for attempt in (1, 2):  # the second run reuses the venv and re-seeds: must be idempotent
        port = _free_port()
        log_path = tmp_path / f"run{attempt}.log"
        with open(log_path, "w") as log:
            process = _serve(clone, port, log)
            try:
                page = _wait_for(f"http://127.0.0.1:{port}/", process, timeout=600)
            finally:
                _stop(process)
        output = log_path.read_text()
        assert page is not None, output[-3000:]
        assert '<html lang="nl"' in page and "Lindewaard" in page
        assert "organisator@lindewaard.example.org" in output
    assert (clone / "instance" / "deliberatie.sqlite").exists()
    assert (clone / ".venv" / "bin" / "python").exists()
