"""A generated municipality and biased participation samples.

Used by the tests, the benchmark and the demo: ~45,000 residents aged 16+
in 8 wijken, with realistic dependence between age, education, migration
background and wijk, one opinion that depends on them, and participation
that favours older, higher-educated residents in some wijken (the pattern
Dutch participation processes show). Participation is multiplicative in
the variables, i.e. exactly the model raking corrects.
"""

from dataclasses import dataclass

import numpy as np

WIJKEN = ("Centrum", "Oost", "West", "Noord", "Zuid", "Haven", "Dorp", "Park")
GESLACHT = ("man", "vrouw")
LEEFTIJD = ("16-24", "25-44", "45-64", "65+")
OPLEIDING = ("laag", "middelbaar", "hoog")
MIGRATIE = ("nederland", "europa", "buiten-europa")

_AGE_SHARE = np.array([0.14, 0.31, 0.32, 0.23])
_WIJK_SIZE = np.array([0.09, 0.16, 0.14, 0.15, 0.13, 0.10, 0.08, 0.15])
# education by age band (older: less often "hoog")
_EDU_BY_AGE = np.array([[0.30, 0.45, 0.25], [0.18, 0.40, 0.42], [0.26, 0.42, 0.32],
                        [0.42, 0.36, 0.22]])
_EDU_WIJK_SHIFT = np.array([0.10, -0.05, 0.0, -0.10, 0.05, -0.12, -0.08, 0.12])
_MIG_BY_WIJK = np.array([[0.62, 0.14, 0.24], [0.70, 0.10, 0.20], [0.60, 0.12, 0.28],
                         [0.76, 0.09, 0.15], [0.80, 0.08, 0.12], [0.52, 0.12, 0.36],
                         [0.90, 0.06, 0.04], [0.82, 0.09, 0.09]])

#: Participation factors (older, higher-educated, some wijken take part more).
PARTICIPATION = {
    "geslacht": dict(zip(GESLACHT, (0.9, 1.1))),
    "leeftijd": dict(zip(LEEFTIJD, (0.35, 0.7, 1.2, 1.6))),
    "opleiding": dict(zip(OPLEIDING, (0.5, 0.9, 1.7))),
    "wijk": dict(zip(WIJKEN, (1.4, 0.9, 0.8, 1.0, 1.2, 0.6, 1.3, 1.1))),
}


@dataclass(frozen=True)
class Municipality:
    """Residents as columns of labels, an opinion, and the one-way margins.

    Attributes
    ----------
    columns : dict
        ``{variable: numpy array of labels}`` for every resident.
    support : numpy.ndarray
        Bool per resident: supports the (imaginary) wijkbudget project.
    margins : dict
        ``{variable: {category: count}}``, the "CBS" figures.
    participation : numpy.ndarray
        Relative participation propensity of every resident.
    """

    columns: dict
    support: np.ndarray
    margins: dict
    participation: np.ndarray

    @property
    def residents(self):
        return int(self.support.shape[0])

    def take(self, index, variables=None):
        """The sample columns ``{variable: list of labels}`` of residents ``index``."""
        names = variables or tuple(self.columns)
        return {name: self.columns[name][index].tolist() for name in names}



def synthetic_municipality(rng, *, residents=45_000):
    """Generate the residents (16+) of a municipality with 8 wijken.

    Parameters
    ----------
    rng : numpy.random.Generator or int
    residents : int

    Returns
    -------
    Municipality
    """
    rng = np.random.default_rng(rng)
    n = residents
    wijk = rng.choice(len(WIJKEN), n, p=_WIJK_SIZE)
    age = rng.choice(len(LEEFTIJD), n, p=_AGE_SHARE)
    sex = (rng.random(n) < 0.51 + 0.06 * (age == 3)).astype(int)
    edu_p = _EDU_BY_AGE[age].copy()
    edu_p[:, 2] += _EDU_WIJK_SHIFT[wijk]
    edu_p[:, 0] -= _EDU_WIJK_SHIFT[wijk]
    edu_p = np.clip(edu_p, 0.02, None)
    edu_p /= edu_p.sum(axis=1, keepdims=True)
    edu = (rng.random(n)[:, None] > np.cumsum(edu_p, axis=1)).sum(axis=1)
    mig_p = _MIG_BY_WIJK[wijk]
    mig = (rng.random(n)[:, None] > np.cumsum(mig_p, axis=1)).sum(axis=1)
    logit = (-0.4 + np.array([0.9, 0.4, -0.2, -0.7])[age] + np.array([-0.3, 0.0, 0.4])[edu]
             + np.linspace(-0.5, 0.5, len(WIJKEN))[wijk] + 0.2 * sex)
    support = rng.random(n) < 1 / (1 + np.exp(-logit))
    columns = {
        "geslacht": np.array(GESLACHT, dtype=object)[sex],
        "leeftijd": np.array(LEEFTIJD, dtype=object)[age],
        "wijk": np.array(WIJKEN, dtype=object)[wijk],
        "opleiding": np.array(OPLEIDING, dtype=object)[edu],
        "migratieachtergrond": np.array(MIGRATIE, dtype=object)[mig],
    }
    margins = {}
    for name, cats in (("geslacht", GESLACHT), ("leeftijd", LEEFTIJD), ("wijk", WIJKEN),
                       ("opleiding", OPLEIDING), ("migratieachtergrond", MIGRATIE)):
        counts = np.bincount(_codes(columns[name], cats), minlength=len(cats))
        margins[name] = {c: int(k) for c, k in zip(cats, counts)}
    participation = np.ones(n)
    for name, factors in PARTICIPATION.items():
        participation *= np.array(list(factors.values()))[_codes(columns[name], tuple(factors))]
    return Municipality(columns, support, margins, participation)


def participation_sample(municipality, rng, *, size=1_000, replace=False):
    """Indices of participants drawn with the biased participation propensity.

    Without replacement this is Poisson sampling (each resident takes part
    independently, expected ``size`` participants); with replacement
    exactly ``size`` draws, for samples larger than the municipality.
    """
    rng = np.random.default_rng(rng)
    p = municipality.participation
    if replace:
        return rng.choice(p.shape[0], size=size, replace=True, p=p / p.sum())
    p = np.minimum(1.0, p * size / p.sum())
    return np.flatnonzero(rng.random(p.shape[0]) < p)


def _codes(labels, categories):
    lookup = {c: i for i, c in enumerate(categories)}
    return np.fromiter(map(lookup.__getitem__, labels.tolist()), dtype=np.int64,
                       count=labels.shape[0])
