"""Benchmark: raking respondents on four variables, ours vs ipfn and weightipy.

Run: ``.venv/bin/python benchmarks/weighting.py [--quick]``. Prints a markdown
table: seconds (best of several runs), the ratio peer / ours, and the largest
difference between weights (all normalised to mean 1), plus the interval
computation for 1,000,000 respondents.

Every library gets the same respondents (drawn with the participation bias
of the generated municipality) and the same one-way margins. Inputs are
prepared outside the timing: ours a dict of label lists (as read from a CSV),
weightipy a pandas DataFrame. ipfn has no respondent-level mode that scales
(``ipfn_df`` loops over rows), so it is given its fastest use: the timing
includes building the sample's 4-way contingency table and mapping the fitted
table back to respondent weights. Convergence: ours 1e-10 (largest share
error), ipfn ``convergence_rate=1e-10``, weightipy its default (until no
improvement).
"""

import argparse
import contextlib
import io
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deliberatie.core.weighting import rake, weighted_shares  # noqa: E402
from deliberatie.core.weighting.synthetic import (  # noqa: E402
    participation_sample,
    synthetic_municipality,
)

VARIABLES = ("geslacht", "leeftijd", "wijk", "opleiding")


def best_of(func, repeats):
    best, value = np.inf, None
    for _ in range(repeats):
        started = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - started)
    return best, value


def ours(sample, margins):
    return rake(sample, margins).weights


def with_ipfn(frame, margins):
    from ipfn import ipfn

    codes, sizes = [], []
    for name in VARIABLES:
        categories = list(margins[name])
        codes.append(frame[name].map({c: i for i, c in enumerate(categories)}).to_numpy())
        sizes.append(len(categories))
    flat = np.ravel_multi_index(codes, sizes)
    seed = np.bincount(flat, minlength=int(np.prod(sizes))).reshape(sizes).astype(float)
    aggregates = [np.array(list(margins[name].values()), dtype=float) for name in VARIABLES]
    with contextlib.redirect_stdout(io.StringIO()):
        fitted = ipfn.ipfn(seed.copy(), aggregates, [[0], [1], [2], [3]],
                           convergence_rate=1e-10, rate_tolerance=0.0,
                           max_iteration=1000).iteration()
    ratio = np.zeros_like(seed)
    np.divide(fitted, seed, out=ratio, where=seed > 0)
    weights = ratio.reshape(-1)[flat]
    return weights / weights.mean()


def with_weightipy(frame, margins):
    import weightipy

    scheme = weightipy.scheme_from_dict({name: dict(margins[name]) for name in VARIABLES},
                                        name="bench")
    with contextlib.redirect_stdout(io.StringIO()):
        weights = weightipy.weight(frame, scheme).to_numpy()
    return weights / weights.mean()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip 1,000,000 respondents")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    import pandas as pd

    municipality = synthetic_municipality(20261123)
    margins = {name: municipality.margins[name] for name in VARIABLES}
    sizes = (300, 3_000, 30_000) if args.quick else (300, 3_000, 30_000, 1_000_000)
    rows = []
    for size in sizes:
        index = participation_sample(municipality, np.random.default_rng(size), size=size,
                                     replace=True)
        sample = municipality.take(index, VARIABLES)
        frame = pd.DataFrame(sample)
        repeats = 7 if size <= 3_000 else (3 if size <= 30_000 else 2)
        t_ours, w_ours = best_of(lambda: ours(sample, margins), repeats)
        t_ipfn, w_ipfn = best_of(lambda: with_ipfn(frame, margins), repeats)
        t_wipy, w_wipy = best_of(lambda: with_weightipy(frame, margins), repeats)
        rows.append((size, t_ours, t_ipfn, t_wipy, np.abs(w_ours - w_ipfn).max(),
                     np.abs(w_ours - w_wipy).max()))
        print(f"done {size}", file=sys.stderr)

    print("| respondents | ours (s) | ipfn (s) | weightipy (s) | ipfn / ours | "
          "weightipy / ours | max weight diff ipfn | max weight diff weightipy |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, a, b, c, d_ipfn, d_wipy in rows:
        print(f"| {size:,} | {a:.4f} | {b:.4f} | {c:.4f} | {b / a:.1f}× | {c / a:.1f}× | "
              f"{d_ipfn:.1e} | {d_wipy:.1e} |")

    size = 30_000 if args.quick else 1_000_000
    index = participation_sample(municipality, np.random.default_rng(size), size=size,
                                 replace=True)
    result = rake(municipality.take(index, VARIABLES), margins)
    answers = np.where(municipality.support[index], "voor", "tegen").tolist()
    t_lin, _ = best_of(lambda: weighted_shares(result, answers), 3)
    t_boot, _ = best_of(lambda: weighted_shares(result, answers, method="bootstrap",
                                                replicates=500, rng=1), 1)
    print()
    print("| intervals for | linearisation (s) | bootstrap, 500 re-raked replicates (s) |")
    print("|---:|---:|---:|")
    print(f"| {size:,} respondents | {t_lin:.3f} | {t_boot:.3f} |")


if __name__ == "__main__":
    main()
