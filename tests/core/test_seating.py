"""Seating at thematafels: preferences honoured, capacities kept, tables mixed better than by chance."""

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberatie.core.errors import InputError
from deliberatie.core.seating import (FIRST, OTHER, SECOND, Participant, Table, diversity, seat,
                                      seat_walk_in)

AGES = ("15-24", "25-44", "45-64", "65+")
WIJKEN = ("Centrum", "Oost", "West", "Noord", "Zuid")
SEXES = ("man", "vrouw")


def make_pool(rng, n, themes, *, skew=(0.5, 0.3, 0.2), missing=0.1):
    weights = np.resize(np.asarray(skew, float), themes)
    weights /= weights.sum()
    people = []
    for _ in range(n):
        first = int(rng.choice(themes, p=weights))
        second = int(rng.integers(themes)) if rng.random() < 0.8 else None
        traits = tuple(None if rng.random() < missing else str(rng.choice(values))
                       for values in (AGES, WIJKEN, SEXES))
        people.append(Participant(first, second, traits))
    return people


def make_tables(themes, per_theme, capacity):
    return [Table(theme, capacity) for theme in range(themes) for _ in range(per_theme)]


def max_first(tables, people):
    """Independent bound: each theme seats at most its capacity of first-choosers."""
    cap = Counter()
    for t in tables:
        cap[t.theme] += t.capacity
    wanted = Counter(p.first for p in people)
    return sum(min(wanted[theme], cap[theme]) for theme in cap)


def random_within_themes(result, tables, rng):
    """Baseline: the same themes per person, tables within the theme shuffled."""
    seats = np.array(result.tables)
    theme = np.array([tables[t].theme for t in seats])
    for value in np.unique(theme):
        idx = np.flatnonzero(theme == value)
        seats[idx] = rng.permutation(seats[idx])
    return seats


def mean_diversity(seats, people, n_tables):
    pool = [p.traits for p in people]
    scores = [diversity([pool[i] for i in np.flatnonzero(seats == t)], pool)
              for t in range(n_tables) if (seats == t).any()]
    return float(np.mean(scores))


@pytest.mark.parametrize("n,themes,per_theme,capacity", [(50, 3, 2, 10), (300, 4, 5, 16), (1000, 5, 20, 11)])
def test_preferences_capacity_and_mixing_beat_random(n, themes, per_theme, capacity):
    rng = np.random.default_rng(n)
    people = make_pool(rng, n, themes)
    tables = make_tables(themes, per_theme, capacity)
    result = seat(tables, people, rng=np.random.default_rng(7))
    sizes = Counter(result.tables)
    assert all(sizes[t] <= table.capacity for t, table in enumerate(tables))
    assert len(result.tables) == n
    assert result.first == max_first(tables, people)
    assert result.first + result.second + result.other == n
    ours = mean_diversity(np.array(result.tables), people, len(tables))
    baseline = np.mean([mean_diversity(random_within_themes(result, tables, np.random.default_rng(s)),
                                       people, len(tables)) for s in range(5)])
    assert ours > baseline
    assert ours == pytest.approx(result.mean_diversity)
    # Fully ignoring preferences (pure random seating) gives fewer first choices.
    shuffled = np.random.default_rng(3).permutation(
        np.repeat(np.arange(len(tables)), capacity))[:n]
    assert sum(tables[t].theme == p.first for t, p in zip(shuffled, people)) < result.first


def test_choice_labels_match_tables():
    rng = np.random.default_rng(11)
    people = make_pool(rng, 120, 3, skew=(0.8, 0.1, 0.1))
    tables = make_tables(3, 2, 20)
    result = seat(tables, people, rng=np.random.default_rng(0))
    for p, t, choice in zip(people, result.tables, result.choice):
        theme = tables[t].theme
        assert choice == (FIRST if theme == p.first else SECOND if theme == p.second else OTHER)
    # Theme 0 is oversubscribed: 40 seats for about 96 first choices.
    assert Counter(tables[t].theme for t in result.tables)[0] == 40
    assert result.second > 0


def test_same_seed_same_seating_other_seed_may_differ():
    people = make_pool(np.random.default_rng(5), 200, 3)
    tables = make_tables(3, 4, 20)
    a = seat(tables, people, rng=np.random.default_rng(42))
    b = seat(tables, people, rng=np.random.default_rng(42))
    assert a == b


def test_table_sizes_even_within_theme():
    people = [Participant(0, None, ("a",)) for _ in range(25)]
    result = seat([Table(0, 10), Table(0, 10), Table(0, 10)], people, rng=np.random.default_rng(0))
    assert sorted(Counter(result.tables).values()) == [8, 8, 9]


def test_perfectly_mixable_pool_is_perfectly_mixed():
    # 4 tables of 8; 16 men and 16 women, 4 wijken of 8: every table can mirror the pool.
    people = [Participant(0, None, (sex, wijk)) for sex in ("m", "v") for wijk in "ABCD" for _ in range(4)]
    result = seat([Table(0, 8)] * 4, people, rng=np.random.default_rng(1))
    assert [r.diversity for r in result.reports] == [pytest.approx(1.0)] * 4
    assert result.mixing_cost == pytest.approx(0.0)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 80), st.integers(1, 4), st.integers(1, 3), st.integers(1, 10), st.integers(0, 2**32 - 1))
def test_random_instances_keep_invariants(n, themes, per_theme, capacity, seed):
    tables = make_tables(themes, per_theme, capacity)
    n = min(n, len(tables) * capacity)
    people = make_pool(np.random.default_rng(seed), n, themes)
    result = seat(tables, people, rng=np.random.default_rng(seed))
    sizes = Counter(result.tables)
    assert all(sizes[t] <= tables[t].capacity for t in range(len(tables)))
    assert result.first == max_first(tables, people)
    assert all(0.0 <= r.diversity <= 1.0 for r in result.reports)


def test_over_capacity_and_unknown_theme_are_input_errors():
    with pytest.raises(InputError) as error:
        seat([Table("groen", 2)], [Participant("groen")] * 3, rng=np.random.default_rng(0))
    assert error.value.code == "seating.over_capacity" and error.value.params["seats"] == 2
    with pytest.raises(InputError) as error:
        seat([Table("groen", 2)], [Participant("verkeer")], rng=np.random.default_rng(0))
    assert error.value.code == "seating.unknown_theme" and error.value.params["row"] == 0
    with pytest.raises(InputError) as error:
        seat([Table("groen", 0)], [], rng=np.random.default_rng(0))
    assert error.value.code == "seating.bad_capacity"


def test_walk_in_prefers_first_then_second_then_any_and_moves_nobody():
    tables = [Table("groen", 2), Table("groen", 2), Table("verkeer", 2)]
    seated = [[("m",), ("m",)], [("v",)], []]
    walk_in = seat_walk_in(tables, seated, Participant("groen", "verkeer", ("m",)), rng=np.random.default_rng(0))
    assert (walk_in.table, walk_in.choice) == (1, FIRST)
    seated[1].append(("m",))
    walk_in = seat_walk_in(tables, seated, Participant("groen", "verkeer", ("v",)), rng=np.random.default_rng(0))
    assert (walk_in.table, walk_in.choice) == (2, SECOND)
    walk_in = seat_walk_in(tables, seated, Participant("groen", None, ("v",)), rng=np.random.default_rng(0))
    assert (walk_in.table, walk_in.choice) == (2, OTHER)
    seated[2] = [("v",), ("v",)]
    with pytest.raises(InputError) as error:
        seat_walk_in(tables, seated, Participant("groen"), rng=np.random.default_rng(0))
    assert error.value.code == "seating.full"


def test_walk_in_goes_where_it_mixes_best():
    tables = [Table(0, 4), Table(0, 4)]
    seated = [[("v",), ("v",)], [("m",), ("m",)]]
    walk_in = seat_walk_in(tables, seated, Participant(0, None, ("m",)), rng=np.random.default_rng(0))
    assert walk_in.table == 0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=3, max_size=6), st.integers(0, 2), st.integers(0, 2), st.integers(0, 99))
def test_walk_in_takes_a_free_seat_of_the_best_available_choice(occupied, first, second, seed):
    tables = [Table(t % 3, 3) for t in range(len(occupied))]
    seated = [[("m",)] * k for k in occupied]  # 0 to 3 of 3 seats taken
    free = [t for t in range(len(tables)) if len(seated[t]) < 3]
    person = Participant(first, second if second != first else None, ("v",))
    if not free:
        with pytest.raises(InputError):
            seat_walk_in(tables, seated, person, rng=np.random.default_rng(seed))
        return
    spot = seat_walk_in(tables, seated, person, rng=np.random.default_rng(seed))
    assert spot.table in free
    themes_free = {tables[t].theme for t in free}
    expected = FIRST if first in themes_free else SECOND if person.second in themes_free else OTHER
    assert spot.choice == expected
