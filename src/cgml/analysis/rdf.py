"""The radial distribution function g(r) of the package, and coordination numbers.

Units: any length unit used consistently by ``positions (n, 3)``, ``box_lengths (3,)``,
``r_max`` and the returned bin positions ``[length]``; g(r) is dimensionless; number
densities are ``[1/length^3]``. Boxes are orthorhombic and periodic (positions anywhere,
minimum image convention, which needs r_max <= L/2).

A freud-like compute object (freud.density.RDF): :class:`RDF` holds the parameters,
``.compute(positions, box_lengths)`` adds one frame, results are read-only properties.
Pairs come from :func:`cgml.neighbors.build_neighbor_list`.

Normalisation, per frame f with n_f particles in volume V_f::

    g(r_b) = sum_f H_f(b) / ( sum_f n_f (n_f - 1) / V_f * 4/3 pi (r_{b+1}^3 - r_b^3) )

with H_f(b) the number of ordered pairs (i, j != i) with r_ij in bin b. Using n - 1 (the
number of *other* particles) makes an ideal gas give g(r) = 1 exactly on average, for any n.
The cumulative coordination number at the bin's outer edge is
n(r_{b+1}) = sum_f sum_{b' <= b} H_f(b') / sum_f n_f, the mean number of neighbours
closer than r_{b+1}, equal to 4 pi rho' int_0^r g r'^2 dr' with rho' = (n - 1) / V
(:func:`coordination_number`).
"""

from __future__ import annotations

import numpy as np

from cgml.neighbors import build_neighbor_list

__all__ = ["RDF", "coordination_number"]


def _read_only(array: np.ndarray) -> np.ndarray:
    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array


class RDF:
    """Radial distribution function accumulated over frames.

    Parameters
    ----------
    r_max : float [length], outer edge of the last bin, <= half the smallest box length
    n_bins : int, number of equal-width bins on [r_min, r_max)
    r_min : float [length], inner edge of the first bin (default 0)

    Example
    -------
    >>> rdf = RDF(r_max=3.0, n_bins=150)
    >>> for frame in snapshots:                       # doctest: +SKIP
    ...     rdf.compute(frame, box_lengths)
    >>> rdf.bin_centers, rdf.g_r                       # doctest: +SKIP
    """

    def __init__(self, r_max: float, n_bins: int, r_min: float = 0.0):
        r_max, r_min = float(r_max), float(r_min)
        if not (np.isfinite(r_max) and r_max > 0):
            raise ValueError(f"r_max must be positive, got {r_max}")
        if not 0.0 <= r_min < r_max:
            raise ValueError(f"need 0 <= r_min < r_max, got r_min={r_min}, r_max={r_max}")
        if int(n_bins) != n_bins or n_bins < 1:
            raise ValueError(f"n_bins must be a positive integer, got {n_bins}")
        self._r_max = r_max
        self._r_min = r_min
        self._edges = np.linspace(r_min, r_max, int(n_bins) + 1)
        self._shell_volumes = 4.0 / 3.0 * np.pi * np.diff(self._edges**3)
        self.reset()

    def reset(self) -> "RDF":
        """Forget all frames."""
        self._histogram = np.zeros(len(self._edges) - 1, dtype=np.float64)
        self._pair_density = 0.0  # sum_f n_f (n_f - 1) / V_f  [1/length^3]
        self._n_particles = 0  # sum_f n_f
        self._n_frames = 0
        return self

    def compute(self, positions, box_lengths, reset: bool = False) -> "RDF":
        """Add one frame.

        positions : (n, 3) float [length], n >= 2; box_lengths : (3,) float [length],
        periodic, each >= 2 r_max. Returns self.
        """
        if reset:
            self.reset()
        if box_lengths is None:
            raise ValueError("RDF needs a periodic box (open clusters are not supported)")
        positions = np.asarray(positions, dtype=np.float64)
        box = np.asarray(box_lengths, dtype=np.float64).reshape(-1)
        if positions.ndim != 2 or positions.shape[1] != 3 or positions.shape[0] < 2:
            raise ValueError(f"positions must have shape (n, 3) with n >= 2, got {positions.shape}")
        if box.shape != (3,) or np.any(box <= 0):
            raise ValueError(f"box_lengths must be 3 positive numbers, got {box_lengths}")
        if np.any(box < 2.0 * self._r_max):
            raise ValueError(f"r_max={self._r_max} exceeds half the box {box}")
        n = positions.shape[0]
        neighbors = build_neighbor_list(positions, self._r_max, box)
        counts, _ = np.histogram(neighbors.distances, bins=self._edges)
        self._histogram += counts
        self._pair_density += n * (n - 1) / float(np.prod(box))
        self._n_particles += n
        self._n_frames += 1
        return self

    @property
    def r_max(self) -> float:
        return self._r_max

    @property
    def bin_edges(self) -> np.ndarray:
        """(n_bins + 1,) [length], read-only."""
        return _read_only(self._edges)

    @property
    def bin_centers(self) -> np.ndarray:
        """(n_bins,) [length], read-only."""
        return _read_only(0.5 * (self._edges[1:] + self._edges[:-1]))

    @property
    def n_frames(self) -> int:
        return self._n_frames

    def _require_frames(self):
        if self._n_frames == 0:
            raise ValueError("no frames computed yet")

    @property
    def g_r(self) -> np.ndarray:
        """(n_bins,) dimensionless, read-only; see the module docstring for the normalisation."""
        self._require_frames()
        return _read_only(self._histogram / (self._pair_density * self._shell_volumes))

    @property
    def pair_counts(self) -> np.ndarray:
        """(n_bins,) ordered-pair counts summed over frames, read-only."""
        return _read_only(self._histogram)

    @property
    def coordination_number(self) -> np.ndarray:
        """(n_bins,) mean number of neighbours closer than each bin's outer edge, read-only.

        Counts start at r_min: with r_min > 0, neighbours closer than r_min are excluded.
        """
        self._require_frames()
        return _read_only(np.cumsum(self._histogram) / self._n_particles)


def coordination_number(bin_edges, g_r, density: float) -> np.ndarray:
    """Cumulative coordination number n(r) = 4 pi rho int_{r_0}^{r} g(r') r'^2 dr'.

    Parameters
    ----------
    bin_edges : (k + 1,) float [length], edges of the bins of g
    g_r : (k,) float, g(r) per bin (taken as constant within a bin)
    density : float [1/length^3], number density of the neighbours; use (n - 1) / V to
        reproduce :attr:`RDF.coordination_number` exactly

    Returns (k,) float, n at the outer edge of every bin.
    """
    edges = np.asarray(bin_edges, dtype=np.float64)
    g_r = np.asarray(g_r, dtype=np.float64)
    if edges.ndim != 1 or g_r.shape != (edges.size - 1,):
        raise ValueError(f"need bin_edges (k+1,) and g_r (k,), got {edges.shape}, {g_r.shape}")
    if np.any(np.diff(edges) <= 0):
        raise ValueError("bin_edges must be strictly increasing")
    if not density > 0:
        raise ValueError(f"density must be positive, got {density}")
    return np.cumsum(density * g_r * 4.0 / 3.0 * np.pi * np.diff(edges**3))
