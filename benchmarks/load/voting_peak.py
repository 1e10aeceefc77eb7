"""A bounded wijkbudget voting peak against the production setup, on loopback.

Creates its own PostgreSQL database (``deliberatie_load``, dropped and made
again on every run), migrates it, seeds a wijkbudget with ``--codes`` stemcodes
through the wijkbudget services (plus a second, published one whose result
page organisers keep loading), measures PostgreSQL's own ceiling with
``pgbench`` (a simple insert; a psycopg loop when pgbench is absent), starts
``--instances`` gunicorn instances with ``--workers`` processes each in
production mode (Redis rate limits), casts ``--warmup`` votes so every
worker has loaded its templates and caches, and lets ``--voters`` concurrent
voters vote for ``--seconds`` seconds: open the letter's link (or type the
code), load the ballot, check it, confirm, load the receipt, exactly as the
HTML forms do (CSRF tokens found with a regular expression). Then it checks
the database: used codes, ballots and receipts agree, and match what the
voters saw.

The client is a small HTTP/1.1 client on asyncio streams (one keep-alive
connection per voter when the server keeps it open), so that it takes little
of the cores it shares with the servers; the report gives the CPU seconds of
the app workers, of PostgreSQL's backends for this database and of the load
generator itself, per ballot and as a share of the machine, and the load
average (other work on the machine competes for the same cores).

Rate limits stay ON (Redis, as in production): the code-entry limit is
10 per minute per address, so each voter session uses its own loopback
source address (Linux routes all of 127.0.0.0/8 to ``lo``), as real voters
come from their own addresses. No app setting is changed for the benchmark.

``--kill-one`` SIGKILLs one gunicorn worker half-way; voters whose request
died retry (a confirm that died is retried; if the code turns out used, the
ballot was stored before the worker died, which the database check accounts
for).

Run: ``.venv/bin/python benchmarks/load/voting_peak.py [--kill-one]``.
"""

import argparse
import asyncio
import os
import random
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from html import unescape
from urllib.parse import urlencode
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "load-test-wachtwoord-1"

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'type="hidden" name="csrf_token" value="([^"]+)"|'
                  r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
PROJECT = re.compile(r'type="checkbox" name="project" value="(\d+)"')


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--codes", type=int, default=10_000)
    p.add_argument("--voters", type=int, default=200, help="concurrent voters")
    p.add_argument("--organisers", type=int, default=4, help="concurrent organisers loading result pages")
    p.add_argument("--seconds", type=float, default=30.0, help="length of the peak")
    p.add_argument("--instances", type=int, default=2)
    p.add_argument("--workers", type=int, default=3, help="gunicorn workers per instance")
    p.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    p.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    p.add_argument("--preload", action="store_true", help="gunicorn --preload")
    p.add_argument("--gunicorn-args", default="", help="more gunicorn options, e.g. a profiling config")
    p.add_argument("--warmup", type=int, default=300,
                   help="votes cast before the measured peak, so every worker has loaded its templates "
                        "and caches (a server in production has been running before the peak)")
    p.add_argument("--typed-share", type=float, default=0.2,
                   help="share of voters who type the code instead of opening the letter's link")
    p.add_argument("--port", type=int, default=8700, help="first instance's port")
    p.add_argument("--database", default="deliberatie_load")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    p.add_argument("--kill-one", action="store_true", help="SIGKILL one worker half-way")
    p.add_argument("--pgbench-seconds", type=float, default=8.0)
    return p.parse_args(argv)


# --- database and seed ------------------------------------------------------------------------

def create_database(name):
    import sqlalchemy as sa

    engine = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def server_env(args):
    env = dict(os.environ)
    env.update(DELIBERATIE_ENV="production", SECRET_KEY=env.get("LOAD_SECRET_KEY") or secrets.token_hex(32),
               DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}",
               RATELIMIT_STORAGE_URI=args.redis, FLASK_APP="wsgi.py", PYTHONUNBUFFERED="1",
               TRUSTED_HOSTS="127.0.0.1,localhost")
    return env


def migrate(env):
    subprocess.run([str(VENV_BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def seed(args, env):
    """Traject, two organisers, the live wijkbudget with its codes and a published one; returns ids and codes."""
    os.environ.update({k: env[k] for k in ("DELIBERATIE_ENV", "SECRET_KEY", "DATABASE_URL",
                                           "RATELIMIT_STORAGE_URI", "TRUSTED_HOSTS")})
    from deliberatie import create_app
    from deliberatie.extensions import db
    from deliberatie.models.types import utcnow
    from deliberatie.models import (Gemeente, LadderRung, Role, Traject, TrajectFase, TrajectStatus, User,
                                    Wijk)
    from deliberatie.wijkbudget import codes as codes_module
    from deliberatie.wijkbudget import counting, services, voting

    app = create_app()
    today = date.today()
    with app.app_context():
        gemeente = Gemeente(name="Lastdorp", cbs_code="GM9998", wijken=[Wijk(name="Centrum", cbs_code="WK999801")])
        organisers = []
        for i in range(max(args.organisers, 1)):
            user = User(email=f"organisator-{i}@load.example", role=Role.ORGANISATOR, name=f"Org {i}")
            user.set_password(PASSWORD)
            organisers.append(user)
        traject = Traject(gemeente=gemeente, title="Wijkbudget onder druk", opgave="Lasttest.",
                          ladder=LadderRung.MEEBESLISSEN, kaders="-", belofte="-", status=TrajectStatus.OPEN,
                          wijken=list(gemeente.wijken), organisatoren=organisers,
                          fasen=[TrajectFase(position=1, name="Stemmen", starts_on=today - timedelta(days=1),
                                             ends_on=today + timedelta(days=7))])
        db.session.add_all([gemeente, traject])
        db.session.flush()
        actor = organisers[0]

        def make(title):
            data = dict(title=title, budget="50000", voting_starts_on=today - timedelta(days=1),
                        voting_ends_on=today + timedelta(days=7), min_age=12, ballot_type="approval",
                        min_choices=1, max_choices=3, rule="greedy", explanation="", ask_statistics=True,
                        wijken=[w.id for w in gemeente.wijken])
            wb = services.create_wijkbudget(traject, actor, data)
            services.add_projects(wb, [dict(title=f"Project {k}", description="Een project.",
                                            cost_cents=(3 + k) * 1000_00, wijk_id=None) for k in range(1, 9)])
            db.session.refresh(wb)
            services.change_phase(wb, actor, "open", now=utcnow())
            return wb

        live = make("Wijkbudget piek")
        plain_codes = codes_module.generate_codes(live, args.codes + args.warmup)
        done = make("Wijkbudget vorig jaar")
        rng = random.Random(1)
        for code in codes_module.generate_codes(done, 300):
            ids = [p.id for p in done.projects]
            choice = voting.Choice(values=tuple((pid, 1) for pid in sorted(rng.sample(ids, rng.randint(1, 3)))))
            voting.submit_ballot(done, codes_module.code_hash(done, code), choice, today=today)
        services.change_phase(done, actor, "close", now=utcnow())
        counting.count_votes(done, actor, rule="greedy", now=utcnow())
        services.change_phase(done, actor, "publish", now=utcnow())
        db.session.commit()
        return dict(live=live.id, done=done.id, codes=plain_codes,
                    organisers=[u.email for u in organisers])


# --- PostgreSQL's ceiling ---------------------------------------------------------------------

def postgres_ceiling(args):
    """Transactions per second of a one-row INSERT, pgbench with 16 clients (psycopg loop as fallback)."""
    import sqlalchemy as sa

    engine = sa.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE load_ceiling (id bigserial PRIMARY KEY, token text, at timestamptz)"))
    engine.dispose()
    pgbench = shutil.which("pgbench")
    try:
        if pgbench:
            script = Path("/tmp") / f"deliberatie-load-{os.getpid()}.sql"
            script.write_text("INSERT INTO load_ceiling (token, at) VALUES (md5(random()::text), now());\n")
            out = subprocess.run([pgbench, "-n", "-h", "127.0.0.1", "-U", "postgres", "-c", "16", "-j", "2",
                                  "-T", str(int(args.pgbench_seconds)), "-f", str(script), args.database],
                                 capture_output=True, text=True, check=True).stdout
            script.unlink()
            return float(re.search(r"tps = ([\d.]+)", out).group(1)), "pgbench, 16 clients, INSERT"
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={args.database}", autocommit=True) as conn:
            n, start = 0, time.perf_counter()
            while time.perf_counter() - start < args.pgbench_seconds:
                conn.execute("INSERT INTO load_ceiling (token, at) VALUES (md5(random()::text), now())")
                n += 1
            return n / (time.perf_counter() - start), "psycopg loop, 1 client, INSERT"
    finally:
        engine = sa.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}")
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE load_ceiling"))
        engine.dispose()


# --- servers ----------------------------------------------------------------------------------

def gunicorn_command(args, port):
    """The gunicorn command line, as scripts/serve-prod.sh builds it (minus the access log)."""
    cmd = [str(VENV_BIN / "gunicorn"), "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
           "--no-control-socket", "--timeout", "30", "--backlog", "2048", "--log-level", "warning"]
    if args.worker_class == "gthread":
        cmd += ["--worker-class", "gthread", "--threads", str(args.threads), "--keep-alive", "5"]
    if args.preload:
        cmd.append("--preload")
    return cmd + shlex.split(args.gunicorn_args) + ["wsgi:app"]


def start_servers(args, env):
    procs = []
    for i in range(args.instances):
        procs.append(subprocess.Popen(gunicorn_command(args, args.port + i), cwd=ROOT, env=env,
                                      start_new_session=True))
    import urllib.request

    deadline = time.monotonic() + 120
    for i in range(args.instances):
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{args.port + i}/", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                stop_servers(procs)
                raise SystemExit("gunicorn did not start within 120 s")
            time.sleep(0.5)
    return procs


def workers_of(proc):
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def stop_servers(procs):
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


# --- CPU accounting ---------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid, children=False):
    """User + system CPU of a process (plus its reaped children's with ``children``), 0 when gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / TICK


def server_cpu(procs):
    """App CPU: the gunicorn masters with their reaped workers, plus the live workers."""
    return sum(cpu_seconds(p.pid, children=True) + sum(cpu_seconds(w) for w in workers_of(p)) for p in procs)


def backend_pids(database, conn=None):
    import psycopg

    if conn is None:
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
            return backend_pids(database, conn)
    return [row[0] for row in conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (database,))]


async def watch_backends(database, seen, deadline, every=0.25):
    """Keep each backend's latest CPU reading: a backend that exits mid-peak (a pool replacing a
    connection, a killed worker's) takes its /proc entry with it, and its CPU would be lost."""
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        while time.monotonic() < deadline:
            for pid in backend_pids(database, conn):
                seen[pid] = max(seen.get(pid, 0.0), cpu_seconds(pid))
            await asyncio.sleep(every)


def machine_cpu():
    """Busy and total CPU seconds of the whole machine (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


# --- the clients ------------------------------------------------------------------------------

class Stats:
    def __init__(self):
        self.latency = defaultdict(list)  # step -> seconds
        self.errors = defaultdict(int)  # description -> count
        self.receipts = set()  # receipt ids the voters were shown
        self.receipt_codes = set()  # codes confirmed with a receipt
        self.uncertain = set()  # codes whose confirm died; retried
        self.uncertain_used = set()  # ... and the retry said the code was already used
        self.submitted = set()  # codes for which a confirm was sent at least once
        self.retries = 0
        self.requests_per_vote = []
        self.ballot_seconds = []
        self.connections = 0


class ServerError(Exception):
    """A 5xx answer: retried like a dropped connection."""


class Response:
    __slots__ = ("status", "location", "text")

    def __init__(self, status, location, text):
        self.status, self.location, self.text = status, location, text


class Browser:
    """One voter's browser: its own source address and cookies, one keep-alive HTTP/1.1 connection.

    A minimal client on asyncio streams, so the load generator spends little of
    the two cores it shares with the servers: no redirects followed, Content-Length
    and chunked bodies, Set-Cookie kept by name (the session cookie is Secure in
    production; a browser behind TLS keeps it, so do we). Like a browser, a GET
    that finds its idle keep-alive connection closed by the server before any
    answer byte is sent again on a new connection.
    """

    def __init__(self, port, address, stats):
        self.port, self.address, self.stats = port, address, stats
        self.cookies = {}
        self.reader = self.writer = None

    async def _connect(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port,
                                                                 local_addr=(self.address, 0))
        self.stats.connections += 1

    async def request(self, step, method, path, form=None):
        body = urlencode(form).encode() if form is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            # Flask-WTF checks the Referer only over https; a browser sends it (Referrer-Policy: same-origin).
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}",
                     f"Referer: http://127.0.0.1:{self.port}{path}"]
        data = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        start = time.perf_counter()
        for attempt in (0, 1):
            reused = self.writer is not None
            if not reused:
                await self._connect()
            try:
                self.writer.write(data)
                response = await self._read()
                break
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                self.close()
                got_nothing = isinstance(error, asyncio.IncompleteReadError) and not error.partial
                # Only a GET is sent again silently: a POST that died may have been carried out (the
                # caller's retry accounts for that, as a voter who sees an error page would retry).
                if not (method == "GET" and reused and attempt == 0
                        and (got_nothing or isinstance(error, ConnectionResetError))):
                    raise
        self.stats.latency[step].append(time.perf_counter() - start)
        if response.status >= 500:
            raise ServerError(f"HTTP {response.status}")
        return response

    async def _read(self):
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, chunked, close, location = None, False, False, ""
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value.lower()
            elif name == "connection":
                close = value.lower() == "close"
            elif name == "location":
                location = value
            elif name == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, cookie = pair.partition("=")
                if not cookie or "max-age=0" in value.lower():
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = cookie
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                parts.append(await self.reader.readexactly(size + 2))
            body = b"".join(p[:-2] for p in parts)
        elif length is not None:
            body = await self.reader.readexactly(length)
        else:
            body = await self.reader.read()
            close = True
        if close:
            self.close()
        return Response(status, location, body.decode())

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def csrf_token(html):
    match = CSRF.search(html)
    if not match:
        raise ValueError("no csrf token")
    return next(g for g in match.groups() if g)


async def with_retries(stats, step, call, attempts=4):
    for attempt in range(attempts):
        try:
            return await call()
        except (OSError, asyncio.IncompleteReadError, ServerError) as error:
            stats.errors[f"{step}: {type(error).__name__}"] += 1
            if attempt == attempts - 1:
                raise
            stats.retries += 1
            await asyncio.sleep(0.2 * (attempt + 1))


async def vote_once(stats, browser, wb, code, rng, typed):
    """Open the letter's link (or type the code), fill in the ballot, check it, confirm, see the receipt.

    Follows what the pages offer: a code form is submitted, a redirect to the
    ballot is followed, a ballot form is filled in. Returns True when a receipt was shown.
    """
    start = time.perf_counter()
    requests = 0

    async def go(step, method, path, form=None):
        nonlocal requests
        requests += 1
        return await with_retries(stats, step, lambda: browser.request(step, method, path, form))

    page = await go("code page" if typed else "open link", "GET",
                    f"/wijkbudget/{wb}/stemmen" + ("" if typed else f"?code={code}"))
    if 'name="code"' in page.text:  # the code form: (confirm and) submit the code
        page = await go("enter code", "POST", f"/wijkbudget/{wb}/stemmen",
                        [("csrf_token", csrf_token(page.text)), ("code", code)])
    if page.status in (302, 303) and "/stembiljet" in page.location:
        page = await go("ballot page", "GET", page.location)
    projects = PROJECT.findall(page.text)
    if page.status != 200 or not projects:
        stats.errors[f"no ballot: HTTP {page.status} {page.location}"] += 1
        return False
    chosen = rng.sample(projects, rng.randint(1, 3))
    form = [("csrf_token", csrf_token(page.text))] + [("project", p) for p in chosen] + [
        ("geslacht", rng.choice(["man", "vrouw", ""])), ("leeftijd", rng.choice(["25-44", "45-64", ""]))]
    page = await go("check ballot", "POST", f"/wijkbudget/{wb}/stembiljet", form)
    if page.status != 200:
        stats.errors[f"check ballot: HTTP {page.status}"] += 1
        return False
    hidden = [(unescape(k), unescape(v)) for k, v in HIDDEN.findall(page.text)]
    hidden.append(("csrf_token", csrf_token(page.text)))
    stats.submitted.add(code)
    for attempt in range(4):
        try:
            requests += 1
            r = await browser.request("confirm", "POST", f"/wijkbudget/{wb}/bevestigen", hidden)
            break
        except (OSError, asyncio.IncompleteReadError, ServerError) as error:  # did the ballot get stored?
            stats.errors[f"confirm: {type(error).__name__}"] += 1
            stats.uncertain.add(code)
            stats.retries += 1
            await asyncio.sleep(0.2 * (attempt + 1))
    else:
        return False
    if r.status == 302 and "/bewijs/" in r.location:
        stats.receipt_codes.add(code)
        stats.receipts.add(r.location.rsplit("/bewijs/", 1)[1])
        await go("receipt", "GET", r.location)
        stats.ballot_seconds.append(time.perf_counter() - start)
        stats.requests_per_vote.append(requests)
        return True
    if code in stats.uncertain and r.status == 302 and r.location.endswith("/stemmen"):
        stats.uncertain_used.add(code)  # the first try was stored before the worker died
        return False
    stats.errors[f"confirm: HTTP {r.status} -> {r.location}"] += 1
    return False


async def voter(stats, ports, wb, queue, deadline, net, rng, typed_share):
    while time.monotonic() < deadline:
        try:
            code = queue.pop()
        except IndexError:
            return
        address = f"127.{net}.{rng.randrange(1, 255)}.{rng.randrange(1, 255)}"
        browser = Browser(rng.choice(ports), address, stats)
        try:
            await vote_once(stats, browser, wb, code, rng, typed=rng.random() < typed_share)
        except Exception as error:
            stats.errors[f"voter gave up: {type(error).__name__}: {str(error)[:80]}"] += 1
        finally:
            browser.close()


async def organiser(stats, ports, live, done, email, deadline, net, rng):
    browser = Browser(rng.choice(ports), f"127.{net}.0.{rng.randrange(1, 255)}", stats)
    try:
        page = await with_retries(stats, "login page", lambda: browser.request("login page", "GET", "/auth/inloggen"))
        token = csrf_token(page.text)
        r = await with_retries(stats, "login", lambda: browser.request(
            "login", "POST", "/auth/inloggen", [("csrf_token", token), ("email", email), ("password", PASSWORD)]))
        if r.status != 302:
            stats.errors[f"organiser login: HTTP {r.status}"] += 1
            return
        while time.monotonic() < deadline:
            for step, url in (("results page", f"/wijkbudget/{done}/uitslag"),
                              ("manage page", f"/wijkbudget/{live}/beheer")):
                try:
                    r = await browser.request(step, "GET", url)
                    if r.status != 200:
                        stats.errors[f"{step}: HTTP {r.status}"] += 1
                except Exception as error:
                    stats.errors[f"{step}: {type(error).__name__}"] += 1
            await asyncio.sleep(0.25)
    finally:
        browser.close()


def _busy(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "R"
    except OSError:
        return False


async def killer(procs, at, killed):
    """SIGKILL one worker of the first instance, preferably while it is running a request."""
    await asyncio.sleep(at)
    for _ in range(200):
        workers = workers_of(procs[0])
        busy = [pid for pid in workers if _busy(pid)]
        if busy or not workers:
            break
        await asyncio.sleep(0.005)
    victim = (busy or workers or [None])[0]
    if victim:
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)


async def warm_up(args, ids, stats):
    """Cast ``--warmup`` votes with a few voters; not measured, but checked in the database like the rest."""
    ports = [args.port + i for i in range(args.instances)]
    net = random.randrange(2, 250)
    queue = ids["codes"][args.codes:]
    deadline = time.monotonic() + 300
    soon = time.monotonic() + 5
    await asyncio.gather(*[voter(stats, ports, ids["live"], queue, deadline, net, random.Random(1000 + i),
                                 args.typed_share) for i in range(min(20, args.voters))],
                         *[organiser(stats, ports, ids["live"], ids["done"], email, soon, net, random.Random(-i))
                           for i, email in enumerate(ids["organisers"][:args.organisers])])


async def peak(args, ids, procs):
    stats = Stats()
    ports = [args.port + i for i in range(args.instances)]
    rng = random.Random()
    net = rng.randrange(2, 250)  # a fresh /16 of source addresses per run: old rate-limit counters don't apply
    queue = list(ids["codes"][:args.codes])
    rng.shuffle(queue)
    cpu_before = dict(app=server_cpu(procs), postgres={pid: cpu_seconds(pid) for pid in backend_pids(args.database)},
                      client=time.process_time(), machine=machine_cpu())
    start = time.monotonic()
    deadline = start + args.seconds
    killed = []
    tasks = [voter(stats, ports, ids["live"], queue, deadline, net, random.Random(i), args.typed_share)
             for i in range(args.voters)]
    tasks += [organiser(stats, ports, ids["live"], ids["done"], email, deadline, net, random.Random(-i - 1))
              for i, email in enumerate(ids["organisers"][:args.organisers])]
    if args.kill_one:
        tasks.append(killer(procs, args.seconds / 2, killed))
    seen = dict(cpu_before["postgres"])
    tasks.append(watch_backends(args.database, seen, deadline))
    for outcome in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(outcome, BaseException):
            stats.errors[f"client task failed: {type(outcome).__name__}"] += 1
    elapsed = time.monotonic() - start
    busy, total = (a - b for a, b in zip(machine_cpu(), cpu_before["machine"]))
    stats.cpu = dict(
        app=server_cpu(procs) - cpu_before["app"],
        postgres=sum(max(seen.get(pid, 0.0), cpu_seconds(pid)) - cpu_before["postgres"].get(pid, 0.0)
                     for pid in set(seen) | set(backend_pids(args.database))),
        client=time.process_time() - cpu_before["client"],
        machine=busy, machine_total=total, load=os.getloadavg())
    return stats, elapsed, killed


# --- the check --------------------------------------------------------------------------------

def check_database(args, ids, stats, env):
    """What must hold after the peak; returns (label, expected, found, ok) rows."""
    import sqlalchemy as sa

    from deliberatie.wijkbudget.codes import code_hash

    engine = sa.create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        wb = ids["live"]
        salt = conn.execute(sa.text("SELECT code_salt FROM wijkbudget WHERE id = :id"), {"id": wb}).scalar_one()
        used = set(conn.execute(sa.text(
            "SELECT code_hash FROM wijkbudget_code WHERE wijkbudget_id = :id AND status = 'used'"),
            {"id": wb}).scalars())
        ballots = conn.execute(sa.text("SELECT count(*) FROM wijkbudget_ballot WHERE wijkbudget_id = :id"),
                               {"id": wb}).scalar_one()
        receipts = set(conn.execute(sa.text("SELECT id FROM wijkbudget_receipt WHERE wijkbudget_id = :id"),
                                    {"id": wb}).scalars())
        empty = conn.execute(sa.text(
            "SELECT count(*) FROM wijkbudget_ballot b WHERE b.wijkbudget_id = :id AND NOT EXISTS "
            "(SELECT 1 FROM wijkbudget_choice c WHERE c.ballot_id = b.id)"), {"id": wb}).scalar_one()
    engine.dispose()

    class _WB:
        code_salt = salt

    hashed = {code: code_hash(_WB, code) for code in stats.submitted}
    confirmed = {hashed[c] for c in stats.receipt_codes}
    never_sent = used - set(hashed.values())
    expected_ballots = len(stats.receipt_codes) + len(stats.uncertain_used)
    return [
        ("ballots = used codes (one ballot per used code, none without)", len(used), ballots, ballots == len(used)),
        ("ballots = receipts issued", len(receipts), ballots, ballots == len(receipts)),
        ("every receipt shown to a voter is stored", len(stats.receipts), len(stats.receipts & receipts),
         stats.receipts <= receipts),
        ("every confirmed code is used", len(confirmed), len(confirmed & used), confirmed <= used),
        ("no code used that no voter confirmed", 0, len(never_sent), not never_sent),
        ("ballots = receipts shown + stored-before-crash", expected_ballots, ballots, ballots == expected_ballots),
        ("ballots without choices (none were sent)", 0, empty, empty == 0),
    ]


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def report(args, stats, elapsed, ceiling, checks, killed):
    ballots = len(stats.receipt_codes)
    rate = ballots / elapsed
    server = f"{args.worker_class}" + (f" x {args.threads} threads" if args.worker_class == "gthread" else "")
    print(f"\n## Wijkbudget voting peak ({args.instances} gunicorn instances x {args.workers} {server} workers"
          f"{' --preload' if args.preload else ''}, {args.voters} voters ({args.typed_share:.0%} type the code), "
          f"{args.organisers} organisers, {elapsed:.1f} s"
          f"{', one worker killed (pid %s)' % killed[0] if killed else ''})\n")
    print("| step | requests | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    everything = []
    for step, values in stats.latency.items():
        everything += values
        print(f"| {step} | {len(values)} | {pct(values, 50) * 1000:.0f} | {pct(values, 95) * 1000:.0f} | "
              f"{pct(values, 99) * 1000:.0f} |")
    print(f"| **all requests** | {len(everything)} | {pct(everything, 50) * 1000:.0f} | "
          f"{pct(everything, 95) * 1000:.0f} | {pct(everything, 99) * 1000:.0f} |")
    b = stats.ballot_seconds
    per_vote = sum(stats.requests_per_vote) / max(len(stats.requests_per_vote), 1)
    print(f"| whole vote ({per_vote:.2f} requests on average) | {len(b)} | {pct(b, 50) * 1000:.0f} | "
          f"{pct(b, 95) * 1000:.0f} | {pct(b, 99) * 1000:.0f} |")
    cpu = stats.cpu
    per = 1000 / max(ballots, 1)
    print("\n| figure | value |\n|---|---:|")
    print(f"| ballots confirmed | {ballots} |")
    print(f"| ballots per second | {rate:.1f} |")
    print(f"| requests per second | {len(everything) / elapsed:.0f} |")
    print(f"| PostgreSQL ceiling ({ceiling[1]}) | {ceiling[0]:.0f} tps |")
    print(f"| our ballots/s as a share of that | {rate / ceiling[0]:.1%} |")
    print(f"| errors (incl. retried) | {sum(stats.errors.values())} |")
    print(f"| retries | {stats.retries} |")
    print(f"| TCP connections opened | {stats.connections} |")
    print(f"| confirms cut off by a dying worker | {len(stats.uncertain)} "
          f"(stored before: {len(stats.uncertain_used)}) |")
    print(f"| load average (1/5/15 min) at the end | {' / '.join(f'{x:.2f}' for x in cpu['load'])} |")
    print("\n| CPU during the peak | seconds | ms per ballot | share of the machine |\n|---|---:|---:|---:|")
    for label, key in (("app (gunicorn workers)", "app"), ("PostgreSQL (our backends)", "postgres"),
                       ("load generator (this process)", "client")):
        print(f"| {label} | {cpu[key]:.1f} | {cpu[key] * per:.2f} | {cpu[key] / cpu['machine_total']:.0%} |")
    other = cpu["machine"] - cpu["app"] - cpu["postgres"] - cpu["client"]
    print(f"| everything else on the machine (other work, Redis, kernel) | {other:.1f} | | "
          f"{other / cpu['machine_total']:.0%} |")
    own = (cpu["app"] + cpu["postgres"]) * per
    print(f"| app + PostgreSQL per ballot; ballots/s if they had both cores | | {own:.2f} | "
          f"{2000 / own if own else float('nan'):.0f}/s |")
    if stats.errors:
        print("\n| error | count |\n|---|---:|")
        for name, count in sorted(stats.errors.items(), key=lambda kv: -kv[1]):
            print(f"| {name} | {count} |")
    print("\n| database check | expected | found | ok |\n|---|---:|---:|---|")
    for label, expected, found, ok in checks:
        print(f"| {label} | {expected} | {found} | {'yes' if ok else '**NO**'} |")
    return all(ok for *_x, ok in checks)


def main(argv=None):
    args = parse_args(argv)
    env = server_env(args)
    t = time.perf_counter()
    create_database(args.database)
    migrate(env)
    ids = seed(args, env)
    print(f"database {args.database} migrated and seeded with {len(ids['codes'])} codes "
          f"in {time.perf_counter() - t:.0f} s", flush=True)
    ceiling = postgres_ceiling(args)
    print(f"PostgreSQL ceiling: {ceiling[0]:.0f} tps ({ceiling[1]})", flush=True)
    procs = start_servers(args, env)
    try:
        warm = Stats()
        asyncio.run(warm_up(args, ids, warm))
        print(f"warm-up: {len(warm.receipt_codes)} votes, {sum(warm.errors.values())} errors", flush=True)
        stats, elapsed, killed = asyncio.run(peak(args, ids, procs))
    finally:
        stop_servers(procs)
    both = Stats()  # the database holds the warm-up's ballots too
    for name in ("receipts", "receipt_codes", "uncertain", "uncertain_used", "submitted"):
        setattr(both, name, getattr(warm, name) | getattr(stats, name))
    ok = report(args, stats, elapsed, ceiling, check_database(args, ids, both, env), killed)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
