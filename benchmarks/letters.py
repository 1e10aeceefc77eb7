"""Printable code letters: milliseconds per letter, the letter writer before and after deliberatie.letters.

Run: ``.venv/bin/python benchmarks/letters.py [--letters 1000] [--old-letters 200] [--big 10000]``.
The old writer (multi_cell per letter, segno's mask search, one rect() per run of dark modules)
is read from git at commit ``c890669`` so both run in the same process, interleaved per chunk; the
machine is shared, so CPU time (process time) is reported next to wall time. ``--big`` times one
batch of that many letters with the new writer, as one web request would make it.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deliberatie import letters  # noqa: E402
from deliberatie.codes import random_code  # noqa: E402
from deliberatie.wijkbudget.codes import codes_pdf  # noqa: E402

OLD_COMMIT = "c890669"
ARGS = dict(title="Wijkbudget Oost 2027", gemeente="Utrecht", period="01-03-2027 tot en met 15-03-2027",
            budget="€ 50.000")


def url(code):
    return f"https://deliberatie.example.nl/wijkbudget/12/stemmen?code={code}"


def old_codes_pdf():
    """The old ``codes_pdf`` from git, or None outside a git checkout."""
    try:
        source = subprocess.run(["git", "show", f"{OLD_COMMIT}:deliberatie/wijkbudget/codes.py"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    namespace = {}
    exec(source[source.index("def codes_pdf("):], namespace)  # noqa: S102 - our own file from our own history
    return namespace["codes_pdf"]


def timed(fn, n):
    codes = [random_code() for _ in range(n)]
    wall, cpu = time.perf_counter(), time.process_time()
    pdf = fn(codes, url, **ARGS)
    return time.perf_counter() - wall, time.process_time() - cpu, len(pdf)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--old-letters", type=int, default=200, help="the old writer is slow; 0 skips it")
    parser.add_argument("--big", type=int, default=10000, help="0 skips the big batch")
    args = parser.parse_args()
    old = old_codes_pdf() if args.old_letters else None
    timed(codes_pdf, 5)  # imports and caches
    chunks = 4
    new_wall = new_cpu = old_wall = old_cpu = 0.0
    size = 0
    for _ in range(chunks):  # interleaved, so a busy neighbour slows both alike
        w, c, size = timed(codes_pdf, args.letters // chunks)
        new_wall, new_cpu = new_wall + w, new_cpu + c
        if old is not None:
            w, c, _ = timed(old, args.old_letters // chunks)
            old_wall, old_cpu = old_wall + w, old_cpu + c
    n_new, n_old = args.letters // chunks * chunks, args.old_letters // chunks * chunks
    print("| writer | letters | ms/letter (CPU) | ms/letter (wall) |")
    print("| --- | ---: | ---: | ---: |")
    if old is not None:
        print(f"| old (git {OLD_COMMIT}) | {n_old} | {1000 * old_cpu / n_old:.1f} | {1000 * old_wall / n_old:.1f} |")
    print(f"| new (deliberatie.letters) | {n_new} | {1000 * new_cpu / n_new:.1f} | {1000 * new_wall / n_new:.1f} |")
    if old is not None:
        print(f"\nspeed-up (CPU): {old_cpu / n_old / (new_cpu / n_new):.1f}x; "
              f"PDF size {size / (args.letters // chunks) / 1024:.1f} KiB per letter")
    urls = [url(random_code()) for _ in range(500)]
    cpu = time.process_time()
    for u in urls:
        letters.qr_matrix(u)
    print(f"QR matrices alone: {1000 * (time.process_time() - cpu) / len(urls):.2f} ms each (CPU)")
    if args.big:
        w, c, size = timed(codes_pdf, args.big)
        print(f"{args.big} letters in one batch: {w:.1f} s wall, {c:.1f} s CPU, {size / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
