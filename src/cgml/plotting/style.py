"""The one plotting style of the repository (matplotlib, Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from cgml.io import atomic_path  # noqa: E402

COLORS = {"FG": "#222222", "ML2": "#d6604d", "ML12": "#4393c3", "ML108": "#2166ac",
          0.1: "#1b7837", 0.3: "#762a83"}

RC = {"figure.dpi": 110, "savefig.dpi": 150, "font.size": 9, "axes.labelsize": 9, "legend.fontsize": 8,
      "axes.spines.top": False, "axes.spines.right": False, "lines.linewidth": 1.4,
      "savefig.bbox": "tight"}


def figure(ncols: int = 1, nrows: int = 1, width: float = 3.4, height: float = 2.8, **kw):
    """A figure with the house style; ``width``/``height`` per panel [inch]."""
    with plt.rc_context(RC):
        kw.setdefault("layout", "constrained")
        fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False, **kw)
    return fig, axes


def save_figure(fig, path, meta: dict | None = None) -> None:
    """Save atomically (format by suffix) and close.

    A PNG carries the provenance record (:func:`cgml.io.provenance.provenance`: package
    version, source hash, git revision, time; ``meta`` added) as JSON in its text chunk
    ``cgml-provenance``; a PDF carries it in its ``Subject``. What the figure shows is
    in its input files, which carry their own records.
    """
    import json

    from cgml.io.provenance import provenance

    record = json.dumps(provenance(**(meta or {})), sort_keys=True, default=str)
    suffix = str(path).lower().rsplit(".", 1)[-1]
    metadata = {"png": {"Software": "cgml", "cgml-provenance": record},
                "pdf": {"Creator": "cgml", "Subject": record}}.get(suffix)
    with plt.rc_context(RC), atomic_path(path) as tmp:
        fig.savefig(tmp, metadata=metadata)
    plt.close(fig)
