"""Several labelings scored at once give exactly the scores of each alone."""

import numpy as np
from scipy.spatial.distance import cdist

from deliberatie.core.opinions import cluster


def test_silhouettes_of_several_labelings_equal_each_alone_bit_for_bit():
    rng = np.random.default_rng(11)
    points = rng.normal(size=(60, 2))
    dist = cdist(points, points)
    weights = rng.integers(1, 5, size=60).astype(np.float64)
    labelings = [rng.integers(0, k, size=60) for k in (2, 3, 5, 7)]
    labelings.append(np.zeros(60, dtype=np.int64))  # one group: -1
    labelings.append(np.where(np.arange(60) == 0, 9, 4))  # a singleton group scores 0
    for w in (None, weights):
        together = cluster.silhouettes(points, labelings, w, dist=dist)
        alone = [cluster.silhouettes(points, [labels], w, dist=dist)[0] for labels in labelings]
        assert together == alone
        assert together[4] == -1.0
        assert alone == [cluster.silhouette(points, labels, w) for labels in labelings]
