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


def save_figure(fig, path, caption_meta: dict | None = None) -> None:
    """Save atomically (PNG/PDF by suffix) and close."""
    with plt.rc_context(RC), atomic_path(path) as tmp:
        fig.savefig(tmp, metadata={"Software": "cgml"} if str(path).endswith(".png") else None)
    plt.close(fig)
