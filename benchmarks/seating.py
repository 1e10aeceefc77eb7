"""Benchmark: seating 1,000 participants at 100 thematafels (target: under 5 seconds).

Run: ``.venv/bin/python benchmarks/seating.py [--quick]``. Prints a markdown
table: seconds (best of a few runs), first/second choices honoured, and the
mean table diversity (1 = every table mirrors the pool) for ours and for a
random seating within the same themes (the baseline), plus the share of
first choices a seating that ignores preferences would give.
"""

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deliberatie.core.seating import Participant, Table, diversity, seat  # noqa: E402

AGES = ("15-24", "25-44", "45-64", "65+")
WIJKEN = ("Centrum", "Oosterpark", "Westerhaven", "Noorderhout", "Zuidwijk", "De Brink", "Kerkdorp")


def pool(rng, n, themes):
    weights = np.linspace(2, 1, themes)
    weights /= weights.sum()
    return [Participant(int(rng.choice(themes, p=weights)), int(rng.integers(themes)),
                        tuple(None if rng.random() < 0.1 else str(rng.choice(v))
                              for v in (AGES, WIJKEN, ("man", "vrouw"))))
            for _ in range(n)]


def mean_div(seats, people, k):
    traits = [p.traits for p in people]
    return float(np.mean([diversity([traits[i] for i in np.flatnonzero(seats == t)], traits)
                          for t in range(k) if (seats == t).any()]))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    cases = [(200, 20, 5), (1000, 100, 10)] if not args.quick else [(1000, 100, 10)]
    print("| participants | tables | seconds | first | second | diversity ours | diversity random | first if ignoring choices |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, k, themes in cases:
        rng = np.random.default_rng(n)
        people = pool(rng, n, themes)
        tables = [Table(t % themes, 11) for t in range(k)]
        times = []
        for repeat in range(1 if args.quick else 3):
            start = time.perf_counter()
            result = seat(tables, people, rng=np.random.default_rng(repeat))
            times.append(time.perf_counter() - start)
        seats = np.array(result.tables)
        theme = np.array([tables[t].theme for t in seats])
        base = seats.copy()
        for value in np.unique(theme):
            idx = np.flatnonzero(theme == value)
            base[idx] = rng.permutation(seats[idx])
        ignoring = rng.permutation(np.repeat(np.arange(k), 11))[:n]
        firsts = sum(tables[t].theme == p.first for t, p in zip(ignoring, people))
        assert max(Counter(result.tables).values()) <= 11
        print(f"| {n:,} | {k} | {min(times):.2f} | {result.first} | {result.second} | "
              f"{result.mean_diversity:.3f} | {mean_div(base, people, k):.3f} | {firsts} |")


if __name__ == "__main__":
    main()
