"""Where a vote's CPU goes: the voting steps in-process, timed and profiled, against PostgreSQL.

Seeds its own database (``deliberatie_profile``, made again on every run) as
``voting_peak.py`` does, then casts ``--votes`` votes through the Flask test
client in production mode (Redis rate limits, Secure cookies over https), each
from its own address. Every vote takes both ways in (the code page, the letter's
link, the typed code); the last line weighs the steps as ``voting_peak.py`` votes.
Prints CPU milliseconds per step (process time, so a busy machine inflates it less
than wall time) and, with ``--profile``, the top functions by cumulative time per
step (cProfile, timed in CPU time).

Run: ``.venv/bin/python benchmarks/load/profile_vote.py [--votes 300] [--profile]``.
Under callgrind (instruction counts, robust to other load on the machine; only the
measured votes are instrumented):
``valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/vote.%p.cg
.venv/bin/python benchmarks/load/profile_vote.py --votes 20 --callgrind``, then
``callgrind_annotate`` on the dump with the highest number (total instructions / votes).
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import voting_peak  # noqa: E402  (sibling script)

CSRF = voting_peak.CSRF
HIDDEN = voting_peak.HIDDEN
PROJECT = voting_peak.PROJECT
LINK_SHARE = 1 - voting_peak.parse_args([]).typed_share


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--votes", type=int, default=300)
    p.add_argument("--database", default="deliberatie_profile")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    p.add_argument("--profile", action="store_true", help="print cProfile's top functions per step")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--dump", help="with --profile: write the whole vote's profile here (pstats format)")
    p.add_argument("--callgrind", action="store_true",
                   help="under valgrind --tool=callgrind --instr-atstart=no: instrument only the measured votes")
    return p.parse_args(argv)


def token(html):
    return voting_peak.csrf_token(html)


def steps(client, wb, code, i):
    """The resident's requests; yields (step name, callable returning the response)."""
    state = {}
    addr = {"REMOTE_ADDR": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"}

    def get(url):
        return lambda: client.get(url, environ_base=addr)

    def post(url, data):
        # Over https Flask-WTF checks the Referer, as browsers send it (Referrer-Policy: same-origin).
        return lambda: client.post(url, data=data() if callable(data) else data, environ_base=addr,
                                   headers={"Referer": f"https://localhost{url}"})

    base = f"/wijkbudget/{wb}"
    yield "code page", get(f"{base}/stemmen"), state  # a voter who types the code starts here
    # The letter's QR link carries the code.
    yield "open link", get(f"{base}/stemmen?code={code}"), state
    yield "enter code", post(f"{base}/stemmen", lambda: {"csrf_token": token(state["html"]), "code": code}), state
    yield "ballot page", get(f"{base}/stembiljet"), state

    def ballot():
        projects = PROJECT.findall(state["html"])[:2]
        return {"csrf_token": token(state["html"]), "project": projects, "geslacht": "man", "leeftijd": ""}

    yield "check ballot", post(f"{base}/stembiljet", ballot), state

    def confirm():
        form = defaultdict(list)
        for k, v in HIDDEN.findall(state["html"]):
            form[k].append(v)
        form["csrf_token"] = [token(state["html"])]
        return dict(form)

    yield "confirm", post(f"{base}/bevestigen", confirm), state
    yield "receipt", lambda: client.get(state["location"], environ_base=addr), state


def main(argv=None):
    args = parse_args(argv)
    ns = argparse.Namespace(database=args.database, redis=args.redis, codes=args.votes + 10, warmup=0,
                            organisers=1)
    env = voting_peak.server_env(ns)
    voting_peak.create_database(args.database)
    voting_peak.migrate(env)
    ids = voting_peak.seed(ns, env)
    import sqlalchemy as sa

    from deliberatie.extensions import db
    from wsgi import app  # as gunicorn loads it (wsgi.py also tunes the garbage collector)

    if args.callgrind:
        # Under valgrind a request takes some 30 times longer: stretch the voting pages' copy of the
        # wijkbudget as much, so it is reloaded as often per request as at full speed.
        from deliberatie.wijkbudget import snapshot

        app.config["WIJKBUDGET_SNAPSHOT_SECONDS"] = 30 * app.config.get("WIJKBUDGET_SNAPSHOT_SECONDS",
                                                                         snapshot.DEFAULT_SECONDS)
    cpu = defaultdict(float)
    count = defaultdict(int)
    # CPU time, not wall time: waiting for PostgreSQL (or for a busy machine's scheduler) is not our cost.
    profiles = defaultdict(lambda: cProfile.Profile(time.process_time)) if args.profile else None
    sql = defaultdict(int)  # step -> round trips: statements, BEGIN/COMMIT/ROLLBACK, the idle check's ping
    current = [None]

    def sent(*_):
        sql[current[0]] += 1

    def sent_unless_autocommit(conn, *_):
        # in autocommit psycopg sends no BEGIN, COMMIT or ROLLBACK (deliberatie/database.py read_once)
        if not conn.connection.dbapi_connection.autocommit:
            sent()

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", sent)
    for name in ("begin", "commit", "rollback"):
        sa.event.listen(engine, name, sent_unless_autocommit)
    ping = engine.dialect.do_ping
    engine.dialect.do_ping = lambda dbapi_connection: sent() or ping(dbapi_connection)
    statuses = defaultdict(lambda: defaultdict(int))
    warm = 10
    for i, code in enumerate(ids["codes"][:args.votes + warm]):
        if args.callgrind and i == warm:
            subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True,
                           stdout=subprocess.DEVNULL)
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        client.environ_base["HTTP_HOST"] = "localhost"
        for step, call, state in steps(client, ids["live"], code, i):
            current[0] = step if i >= warm else None
            start = time.process_time()
            if profiles is not None and i >= warm:
                response = profiles[step].runcall(call)
            else:
                response = call()
            elapsed = time.process_time() - start
            statuses[step][response.status_code] += 1
            state["html"] = response.get_data(as_text=True)
            state["location"] = response.headers.get("Location", "")
            if step == "receipt" and "Uw stem is meegeteld" not in state["html"] and "Your vote" not in state["html"]:
                raise SystemExit(f"no receipt on vote {i}: {response.status_code} {state['html'][:300]}")
            if i >= warm:
                cpu[step] += elapsed
                count[step] += 1
    if args.callgrind:
        subprocess.run(["callgrind_control", "--dump", str(os.getpid())], check=True, stdout=subprocess.DEVNULL)
    print(f"\n## CPU per request, {args.votes} votes in-process (test client, production config, PostgreSQL)\n")
    print("| step | statuses | CPU ms per request | SQL round trips per request |\n|---|---|---:|---:|")
    for step in cpu:
        print(f"| {step} | {dict(statuses[step])} | {cpu[step] / count[step] * 1000:.2f} | "
              f"{sql[step] / count[step]:.1f} |")
    print(f"| all steps | | {sum(cpu.values()) / args.votes * 1000:.2f} | "
          f"{sum(v for k, v in sql.items() if k) / args.votes:.1f} |")
    # As voting_peak.py votes: 80% open the letter's link (the ballot at once), 20% type the code.
    mix = {"open link": LINK_SHARE, "code page": 1 - LINK_SHARE, "enter code": 1 - LINK_SHARE,
           "ballot page": 1 - LINK_SHARE, "check ballot": 1, "confirm": 1, "receipt": 1}
    print(f"| **one vote, as voting_peak.py votes** ({LINK_SHARE:.0%} link, {1 - LINK_SHARE:.0%} typed; "
          f"{sum(mix.values()):.1f} requests) | | {sum(cpu[k] * w for k, w in mix.items()) / args.votes * 1000:.2f} | "
          f"{sum(sql[k] * w for k, w in mix.items()) / args.votes:.1f} |")
    if profiles is not None:
        def show(title, stats, order):
            out = io.StringIO()
            stats.stream = out
            stats.sort_stats(order).print_stats(args.top)
            text = re.sub(r"/[^ ]*/site-packages/", "", out.getvalue())
            print(f"\n### {title}\n```\n{text.strip()}\n```")

        for step, prof in profiles.items():
            show(step, pstats.Stats(prof), "cumulative")
        whole = pstats.Stats(*profiles.values())
        if args.dump:
            whole.dump_stats(args.dump)
        show("whole vote, by own time", whole, "tottime")
        show("whole vote, by cumulative time", whole, "cumulative")


if __name__ == "__main__":
    main()
