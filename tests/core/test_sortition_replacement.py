"""closest_replacement: the reserve who breaks the quotas least when none keeps them all."""

from hypothesis import given, settings
from hypothesis import strategies as st

from deliberatie.core.sortition import ClosestReplacement, Quota, QuotaMiss, closest_replacement, make_instance

# g: man/vrouw, l: jong/oud; a panel of four, two of each.
QUOTAS = [Quota("g", "man", 2, 2), Quota("g", "vrouw", 2, 2), Quota("l", "jong", 2, 2), Quota("l", "oud", 2, 2)]
PEOPLE = {
    "m-j1": ("man", "jong", "h1"), "m-o1": ("man", "oud", "h2"), "v-j1": ("vrouw", "jong", "h3"),
    "m-j2": ("man", "jong", "h4"), "m-o2": ("man", "oud", "h5"), "m-o3": ("man", "oud", "h3"),
    "v-o1": ("vrouw", "oud", "h6"), "v-o2": ("vrouw", "oud", "h7"), "v-j2": ("vrouw", "jong", "h8"),
}


def _instance(people=PEOPLE, quotas=QUOTAS):
    ids = list(people)
    return make_instance(ids, [{"g": g, "l": lft} for g, lft, _ in people.values()], quotas,
                         [h for *_, h in people.values()])


def _deviation(instance, members):
    """Brute-force oracle: seats outside [min, max], summed over quotas."""
    counts = {}
    for pid in members:
        for key in zip(instance.categories, instance.features[instance.ids.index(pid)]):
            counts[key] = counts.get(key, 0) + 1
    return sum(max(q.min - counts.get((q.category, q.value), 0), 0)
               + max(counts.get((q.category, q.value), 0) - q.max, 0) for q in instance.quotas)


# The panel misses an older woman (v-o1 would fit exactly).
PANEL = ["m-j1", "m-o1", "v-j1"]


def test_no_exact_fit_takes_the_closest():
    instance = _instance()
    # m-j2 (man, jong) is four seats off: g=man and l=jong one too many, g=vrouw and l=oud one short;
    # m-o2 (man, oud) two: one man too many, one woman short.
    best = closest_replacement(instance, PANEL, ["m-j2", "m-o2"])
    assert best == ClosestReplacement(id="m-o2", deviation=2, off=(
        QuotaMiss("g", "man", 3, 2, 2), QuotaMiss("g", "vrouw", 1, 2, 2)))
    assert _deviation(instance, PANEL + ["m-o2"]) == 2 < _deviation(instance, PANEL + ["m-j2"]) == 4


def test_exact_fit_has_no_quota_off():
    best = closest_replacement(_instance(), PANEL, ["m-j2", "m-o2", "v-o1", "v-o2"])
    assert (best.id, best.deviation, best.off) == ("v-o1", 0, ())


def test_ties_follow_the_reserve_order():
    instance = _instance()
    # v-j2 (vrouw, jong) is two seats off as well: one young too many, one older short.
    assert closest_replacement(instance, PANEL, ["v-j2", "m-o2"]).id == "v-j2"
    assert closest_replacement(instance, PANEL, ["m-o2", "v-j2"]).id == "m-o2"
    # a worse reserve earlier on the list does not win
    assert closest_replacement(instance, PANEL, ["m-j2", "v-j2", "m-o2"]).id == "v-j2"


def test_household_on_the_panel_is_skipped():
    instance = _instance()
    # m-o3 shares household h3 with v-j1 on the panel; it ties with m-o2 and comes first,
    # so without the rule it would win.
    assert closest_replacement(instance, PANEL, ["m-o3", "m-o2"], households=False).id == "m-o3"
    assert closest_replacement(instance, PANEL, ["m-o3", "m-o2"]).id == "m-o2"
    assert closest_replacement(instance, PANEL, ["m-o3"]) is None
    assert closest_replacement(instance, PANEL, ["m-o3"], households=False).id == "m-o3"


def test_empty_list_and_members_already_seated():
    instance = _instance()
    assert closest_replacement(instance, PANEL, []) is None
    assert closest_replacement(instance, PANEL, ["m-j1", "v-j1"]) is None


@st.composite
def cases(draw):
    ncat = draw(st.integers(1, 3))
    nvals = [draw(st.integers(2, 3)) for _ in range(ncat)]
    n = draw(st.integers(2, 12))
    k = draw(st.integers(1, n))
    quotas = []
    for c, v in enumerate(nvals):
        for value in range(v):
            lo = draw(st.integers(0, k))
            quotas.append(Quota(f"c{c}", f"v{value}", lo, draw(st.integers(lo, k))))
    ids = [f"p{i}" for i in range(n)]
    features = [{f"c{c}": f"v{draw(st.integers(0, v - 1))}" for c, v in enumerate(nvals)} for _ in ids]
    homes = [draw(st.sampled_from([None, "h0", "h1", "h2", "h3"])) for _ in ids]
    instance = make_instance(ids, features, quotas, homes)
    order = draw(st.permutations(ids))
    seats = draw(st.integers(0, min(k - 1, n - 1)))
    return instance, list(order[:seats]), list(order[seats:]), draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(cases())
def test_deviation_is_minimal_over_all_reserves(case):
    instance, panel, reserves, households = case
    homes = dict(zip(instance.ids, instance.households))
    taken = {homes[p] for p in panel} - {None}
    allowed = [r for r in reserves if not (households and homes[r] in taken)]
    best = closest_replacement(instance, panel, reserves, households=households)
    if not allowed:
        assert best is None
        return
    deviations = [_deviation(instance, panel + [r]) for r in allowed]
    assert best.id == allowed[deviations.index(min(deviations))]  # the first of the least
    assert best.deviation == min(deviations) == _deviation(instance, panel + [best.id])
    assert (best.deviation == 0) == (best.off == ())
    counts = {(m.category, m.value): m for m in best.off}
    for q in instance.quotas:
        if (q.category, q.value) in counts:
            miss = counts[(q.category, q.value)]
            assert (miss.min, miss.max) == (q.min, q.max) and not q.min <= miss.count <= q.max
