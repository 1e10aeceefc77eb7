"""What the serving stack alone can do on this machine: the ceiling any vote path sits under.

Starts the production gunicorn setup of ``voting_peak.py`` (``--instances`` ×
``--workers`` sync workers) in front of an app that does no work of its own
(``ceiling_apps.py``: a bare WSGI callable, then a Flask view rendering a
small template, each answering with a page as large as a ballot page) and
lets ``--clients`` concurrent clients load it for ``--seconds`` seconds with
``voting_peak.py``'s own HTTP client. Prints requests per second, latency,
the CPU per request of the workers and of the load generator, and the
ballots per second that rate would allow at ``voting_peak.py``'s 4.44
requests per vote: no database, no session, no CSRF, no rate limit, no
forms. A vote path cannot be faster than this on the same machine.

Run: ``.venv/bin/python benchmarks/load/stack_ceiling.py``.
"""

import argparse
import asyncio
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import voting_peak as vp  # noqa: E402  (sibling script)

HERE = Path(__file__).resolve().parent
REQUESTS_PER_VOTE = 4.44  # voting_peak.py's average (80% letter link, 20% typed code)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--seconds", type=float, default=15.0)
    p.add_argument("--instances", type=int, default=2)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--port", type=int, default=8750)
    return p.parse_args(argv)


def start(args, app):
    peak_args = vp.parse_args(["--instances", str(args.instances), "--workers", str(args.workers),
                               "--port", str(args.port)])
    procs = []
    for i in range(args.instances):
        cmd = vp.gunicorn_command(peak_args, args.port + i)[:-1] + [f"ceiling_apps:{app}"]
        procs.append(subprocess.Popen(cmd, cwd=HERE, start_new_session=True))
    import urllib.request

    deadline = time.monotonic() + 60
    for i in range(args.instances):
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{args.port + i}/", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    vp.stop_servers(procs)
                    raise SystemExit("gunicorn did not start within 60 s")
                time.sleep(0.3)
    return procs


async def client(stats, port, address, deadline):
    browser = vp.Browser(port, address, stats)
    try:
        while time.monotonic() < deadline:
            try:
                await browser.request("page", "GET", "/")
            except (OSError, asyncio.IncompleteReadError, vp.ServerError) as error:
                stats.errors[type(error).__name__] += 1
                browser.close()
    finally:
        browser.close()


async def load(args, procs, seconds):
    stats = vp.Stats()
    rng = random.Random(0)
    before = vp.server_cpu(procs), time.process_time()
    start = time.monotonic()
    deadline = start + seconds
    await asyncio.gather(*(client(stats, args.port + rng.randrange(args.instances),
                                  f"127.9.{i // 250}.{i % 250 + 1}", deadline)
                           for i in range(args.clients)))
    elapsed = time.monotonic() - start
    return stats, elapsed, vp.server_cpu(procs) - before[0], time.process_time() - before[1]


def main(argv=None):
    args = parse_args(argv)
    print(f"## Serving-stack ceiling ({args.instances} gunicorn instances x {args.workers} sync workers, "
          f"{args.clients} clients, {args.seconds:.0f} s per app)\n")
    print("| app | requests/s | p50 ms | p95 ms | errors | app CPU ms/request | load generator CPU ms/request |"
          " ballots/s at this rate |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for app in ("bare", "flask"):
        procs = start(args, app)
        try:
            asyncio.run(load(args, procs, 3))  # warm-up: imports, first template compile
            stats, elapsed, app_cpu, client_cpu = asyncio.run(load(args, procs, args.seconds))
        finally:
            vp.stop_servers(procs)
        times = stats.latency["page"]
        n = len(times)
        print(f"| {app} | {n / elapsed:.0f} | {vp.pct(times, 50) * 1000:.0f} | {vp.pct(times, 95) * 1000:.0f} |"
              f" {sum(stats.errors.values())} | {app_cpu / n * 1000:.2f} | {client_cpu / n * 1000:.2f} |"
              f" {n / elapsed / REQUESTS_PER_VOTE:.0f} |", flush=True)


if __name__ == "__main__":
    main()
