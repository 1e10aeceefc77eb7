"""The whole stage-2 selection on plain data: check, optimise, round, draw, record, verify.

A record (:func:`make_record`) embeds the canonical inputs (person ids, their
category values, household keys, quotas; no names or addresses) with their
sha256, the options, the lottery and the drawn index, so :func:`verify` needs
nothing else to re-run the draw and compare.
"""

import time
from dataclasses import dataclass

import numpy as np

from deliberatie import __version__
from deliberatie.core.errors import InputError
from deliberatie.core.sortition.optimise import find_distribution
from deliberatie.core.sortition.instance import Quota, group_types, make_instance
from deliberatie.core.sortition.legacy import LegacyFailed, legacy_distribution
from deliberatie.core.sortition.lottery import draw_index, make_lottery, reserve_order
from deliberatie.core.sortition.panels import PanelModel, check_feasibility

ALGORITHMS = ("leximin", "maximin", "nash", "legacy")
RECORD_FORMAT = "deliberatie-sortition-record/1"
#: Which panels a seed yields for given inputs. Bump it with any change that can alter the
#: distribution, the lottery, the index or the reserves; a commitment pins it, so releases that
#: leave it alone can be deployed between a commitment and its draw.
ALGORITHM_VERSION = "deliberatie-sortition/1"


class InfeasibleQuotas(InputError):
    """No panel meets the quotas; ``feasibility`` says which conflict and how to relax."""

    def __init__(self, feasibility, *, k):
        self.feasibility = feasibility
        super().__init__(
            "sortition.infeasible_quotas", k=k,
            conflicts=[f"{c.category}={c.value} {c.bound} {c.limit}" for c in feasibility.conflicts],
            relaxation=[f"{r.category}={r.value} {r.min}..{r.max} -> {r.new_min}..{r.new_max}"
                        for r in feasibility.relaxation],
        )


@dataclass(frozen=True)
class Selection:
    """Outcome of :func:`select`: distribution, lottery, drawn panel, reserves."""

    algorithm: str
    k: int
    seed: int
    households: bool
    inputs_sha256: str
    version: str
    distribution: object
    lottery: object
    index: int
    panel: tuple
    reserves: tuple
    seconds: float


def _validate_selection(instance, k, algorithm, seed, lottery_size):
    if algorithm not in ALGORITHMS:
        raise InputError("sortition.unknown_algorithm", field="algorithm", value=algorithm)
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise InputError("sortition.bad_panel_size", field="panel_size", value=k)
    if k > instance.n:
        raise InputError("sortition.panel_larger_than_pool", field="panel_size", value=int(k), pool=instance.n)
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError("sortition.bad_seed", field="seed", value=seed)
    if lottery_size < 1:
        raise InputError("sortition.bad_lottery_size", field="lottery_size", value=lottery_size)


def build_model(instance, k, *, households=True):
    """The :class:`PanelModel` of an instance (types grouped, households applied)."""
    return PanelModel(instance, group_types(instance, households=households), k)


def feasibility(instance, k, *, households=True):
    """:class:`~deliberatie.core.sortition.panels.Feasibility` of the quotas for panel size ``k``."""
    return check_feasibility(build_model(instance, k, households=households))


def distribution(instance, k, *, algorithm="leximin", households=True, rng=None, samples=1000, progress=None):
    """Selection distribution only (no draw); raises :class:`InfeasibleQuotas`.

    ``rng`` (numpy Generator) and ``samples`` are used by LEGACY only;
    ``progress(done, total)`` is called as LEXIMIN fixes types.
    """
    _validate_selection(instance, k, algorithm, 0, 1)
    model = build_model(instance, k, households=households)
    report = check_feasibility(model)
    if not report.feasible:
        raise InfeasibleQuotas(report, k=int(k))
    if algorithm == "legacy":
        rng = np.random.default_rng(0) if rng is None else rng
        try:
            return legacy_distribution(model, rng, samples=samples)
        except LegacyFailed:
            raise InputError("sortition.legacy_failed", k=int(k)) from None
    return find_distribution(model, algorithm=algorithm, progress=progress)


def select(instance, k, *, algorithm="leximin", seed=0, households=True, lottery_size=1000, progress=None):
    """Run the full selection and the seeded draw.

    Parameters
    ----------
    instance : Instance
    k : int
        Panel size.
    algorithm : {"leximin", "maximin", "nash", "legacy"}
    seed : int
        Announced seed; decides the drawn panel, member order within types,
        the reserve order and (LEGACY) the sampled panels.
    households : bool
        At most one selected per household (when households are given).
    lottery_size : int
        Number ``m`` of equally likely panels.
    progress : callable, optional
        ``progress(done, total)`` while LEXIMIN runs.
    """
    start = time.perf_counter()
    _validate_selection(instance, k, algorithm, seed, lottery_size)
    dist = distribution(instance, k, algorithm=algorithm, households=households,
                        rng=np.random.Generator(np.random.PCG64(seed)), samples=lottery_size, progress=progress)
    lottery = make_lottery(dist, m=lottery_size, seed=seed)
    sha = instance.sha256()
    index = draw_index(sha, algorithm, seed, lottery.m)
    panel = lottery.panels[index]
    reserves = reserve_order(instance, panel, seed)
    if households:
        taken = {instance.households[instance.ids.index(p)] for p in panel} - {None}
        position = {pid: i for i, pid in enumerate(instance.ids)}
        reserves = tuple(r for r in reserves if instance.households[position[r]] not in taken)
    return Selection(algorithm=algorithm, k=int(k), seed=int(seed), households=bool(households),
                     inputs_sha256=sha, version=__version__, distribution=dist, lottery=lottery,
                     index=index, panel=panel, reserves=reserves, seconds=time.perf_counter() - start)


def make_record(selection, instance, *, files=None):
    """JSON-ready record of a draw: everything :func:`verify` needs, no personal data but ids."""
    return {
        "format": RECORD_FORMAT,
        "version": selection.version,
        "algorithm_version": ALGORITHM_VERSION,
        "algorithm": selection.algorithm,
        "k": selection.k,
        "seed": selection.seed,
        "households": selection.households,
        "lottery_size": selection.lottery.m,
        "inputs_sha256": selection.inputs_sha256,
        "files": files or {},
        "inputs": instance.canonical(),
        "lottery": [list(p) for p in selection.lottery.panels],
        "chosen_index": selection.index,
        "panel": list(selection.panel),
        "reserves": list(selection.reserves),
    }


def instance_from_record(record):
    """Rebuild the :class:`Instance` embedded in a record."""
    try:
        inputs = record["inputs"]
        categories = inputs["categories"]
        quotas = [Quota(c, v, int(lo), int(hi)) for c, v, lo, hi in inputs["quotas"]]
        people = inputs["people"]
        return make_instance([p[0] for p in people], [dict(zip(categories, p[1])) for p in people],
                             quotas, [p[2] for p in people], file="record")
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, InputError):
            raise
        raise InputError("sortition.bad_record", file="record", field=str(error)) from None


@dataclass(frozen=True)
class Verification:
    """Outcome of :func:`verify`: ``ok`` when every check holds."""

    ok: bool
    checks: dict
    panel: tuple


def verify(record, instance=None):
    """Re-run a recorded draw and compare inputs hash, lottery, index and panel.

    The re-run uses the same LP/ILP solver path, so it is bit-identical with
    the same library versions (recorded in ``version``); the check
    ``draw_from_recorded_lottery`` holds regardless of solver versions.

    Parameters
    ----------
    record : dict
        As written by :func:`make_record`.
    instance : Instance, optional
        The inputs to check against; default: the ones embedded in the record.
    """
    if record.get("format") != RECORD_FORMAT:
        raise InputError("sortition.bad_record", file="record", field="format", value=record.get("format"))
    if instance is None:
        instance = instance_from_record(record)
    try:
        again = select(instance, int(record["k"]), algorithm=record["algorithm"], seed=int(record["seed"]),
                       households=bool(record["households"]), lottery_size=int(record["lottery_size"]))
    except KeyError as error:
        raise InputError("sortition.bad_record", file="record", field=str(error)) from None
    recorded = record.get("lottery") or []
    index = draw_index(record.get("inputs_sha256"), record["algorithm"], int(record["seed"]), max(len(recorded), 1))
    checks = {
        # light check anyone can do without solvers: the seed picks the recorded panel
        "draw_from_recorded_lottery": bool(recorded) and recorded[index] == record.get("panel"),
        "inputs_sha256": again.inputs_sha256 == record.get("inputs_sha256"),
        "lottery": [list(p) for p in again.lottery.panels] == record.get("lottery"),
        "chosen_index": again.index == record.get("chosen_index"),
        "panel": list(again.panel) == record.get("panel"),
        "reserves": list(again.reserves) == record.get("reserves"),
    }
    return Verification(ok=all(checks.values()), checks=checks, panel=again.panel)
