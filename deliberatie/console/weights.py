"""`deliberatie weights`: weight a sample to population margins (see shared/FORMATS.md)."""

import csv
import math
import sys
import time

from deliberatie.console._common import emit_json, run_guarded
from deliberatie.core.errors import InputError

#: Core error codes that are about the sample file (the rest are about the margins).
_SAMPLE_CODES = {"weights.missing_value", "weights.unknown_variable", "weights.column_length",
                 "weights.empty_sample"}
#: Core error codes about a command-line option (no file to name).
_OPTION_CODES = {"weights.bad_cap", "weights.bad_tolerance", "weights.bad_max_iterations"}


def register(parser):
    sub = parser.add_subparsers(dest="weights_command", metavar="ACTION")
    parser.set_defaults(handler=None)
    rake_parser = sub.add_parser("rake", help="rake a sample to one-way population margins",
                                 description="Rake a sample to one-way population margins.")
    rake_parser.add_argument("--sample", required=True, metavar="SAMPLE.csv",
                             help="one row per respondent: an id column and one column per variable")
    rake_parser.add_argument("--margins", required=True, metavar="MARGINS.csv",
                             help="variable,category,target (counts or shares)")
    rake_parser.add_argument("--cap", type=float, default=None, metavar="C",
                             help="largest weight as a multiple of the mean weight")
    rake_parser.add_argument("--tolerance", type=float, default=1e-10,
                             help="largest allowed |weighted share - population share|")
    rake_parser.add_argument("--max-iterations", type=int, default=1000)
    rake_parser.add_argument("--id-column", default=None, metavar="NAME",
                             help="respondent id column (default: the first column)")
    rake_parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    rake_parser.set_defaults(handler=lambda args: run_guarded(_rake, args))


def _rake(args):
    from deliberatie.core.weighting import rake, read_margins_csv, representation

    with open(args.margins, newline="", encoding="utf-8-sig") as handle:
        margins = read_margins_csv(handle, file=args.margins)
    ids, sample = _read_sample(args.sample, args.id_column, margins)
    started = time.perf_counter()
    try:
        result = rake(sample, margins, cap=args.cap, tolerance=args.tolerance,
                      max_iterations=args.max_iterations)
        shown = representation(sample, margins)
    except InputError as error:
        raise _with_file(error, args) from None
    seconds = time.perf_counter() - started
    document = {
        "weights": {rid: float(w) for rid, w in zip(ids, result.weights)},
        "converged": result.converged,
        "iterations": result.iterations,
        "max_margin_error": result.max_margin_error,
        "n": result.n,
        "effective_n": result.effective_n,
        "design_effect": result.design_effect,
        "representation": [
            {"variable": row.variable, "category": row.category,
             "sample_share": row.sample_share, "population_share": row.population_share,
             "ratio": _finite(row.ratio)}
            for row in shown.rows
        ],
        "chi_square": {name: None if test is None else _fit_test(test)
                       for name, test in shown.chi_square.items()},
        "seconds": seconds,
    }
    if not result.converged:
        print(f"deliberatie: warning: raking did not converge: max margin error "
              f"{result.max_margin_error:.3g} > tolerance {args.tolerance:g} after "
              f"{result.iterations} iterations", file=sys.stderr)
    if args.json:
        emit_json(document)
        return 0
    _summary(result, shown, seconds)
    return 0


def _fit_test(test):
    """The goodness-of-fit test as JSON; ``method`` says where the p-value came from (chi-square, or the
    exact multinomial test where an expected count is below 5, ``draws`` when estimated)."""
    fields = {"statistic": test.statistic, "df": test.df, "p_value": test.p_value, "method": test.method}
    if test.draws is not None:
        fields["draws"] = test.draws
    return fields

def _summary(result, shown, seconds):
    state = (f"converged in {result.iterations} iterations" if result.converged
             else f"NOT converged after {result.iterations} iterations")
    print(f"Raked {result.n} respondents on {len(result.design.variables)} variables "
          f"({', '.join(result.design.variables)}): {state}, "
          f"max margin error {result.max_margin_error:.2g}.")
    print(f"Weights {result.weights.min():.3f}–{result.weights.max():.3f} (mean 1); "
          f"effective n {result.effective_n:.1f}, design effect {result.design_effect:.2f}; "
          f"lowest feasible cap {result.lowest_feasible_cap:.3f}"
          + (f", cap {result.cap:g} ({result.capped} at cap)" if result.cap else "") + ".")
    for label, rows in (("under-represented", shown.under), ("over-represented", shown.over)):
        for row in rows:
            print(f"  {label}: {row.variable}={row.category}: {row.sample_share:.1%} of the "
                  f"sample, {row.population_share:.1%} of the population")
    print(f"({seconds:.3f} s)")


def _read_sample(path, id_column, margins):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise InputError("weights.empty_sample", file=path)
        header = [name.strip() for name in header]
        id_at = 0
        if id_column is not None:
            if id_column not in header:
                raise InputError("weights.missing_column", file=path, line=1, field=id_column)
            id_at = header.index(id_column)
        for name in margins:
            if name not in header:
                raise InputError("weights.unknown_variable", file=path, line=1, field=name,
                                 variable=name)
        columns = {name: header.index(name) for name in margins}
        ids, seen = [], {}
        sample = {name: [] for name in margins}
        for line, record in enumerate(reader, start=2):
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                raise InputError("weights.row_length", file=path, line=line,
                                 fields=len(record), expected=len(header))
            rid = record[id_at].strip()
            if not rid:
                raise InputError("weights.missing_value", file=path, line=line,
                                 field=header[id_at])
            if rid in seen:
                raise InputError("weights.duplicate_id", file=path, line=line,
                                 field=header[id_at], value=rid, first_line=seen[rid])
            seen[rid] = line
            ids.append(rid)
            for name, at in columns.items():
                value = record[at].strip()
                if not value:
                    raise InputError("weights.missing_value", file=path, line=line, field=name,
                                     variable=name)
                sample[name].append(value)
    if not ids:
        raise InputError("weights.empty_sample", file=path)
    return ids, sample


def _with_file(error, args):
    """Name the file a core error is about (the core knows variables, not files)."""
    if "file" in error.params or error.code in _OPTION_CODES:
        return error
    params = dict(error.params)
    params["file"] = args.sample if error.code in _SAMPLE_CODES else args.margins
    if "variable" in params:
        params.setdefault("field", params["variable"])
    return InputError(error.code, **params)


def _finite(value):
    return value if math.isfinite(value) else None
