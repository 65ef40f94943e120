"""Replication claims and the scorecard.

A :class:`Claim` is one number the paper reports, the figure or table that shows
it, and a tolerance per scale. ``kind="physical"`` claims are compared at laptop
and paper scale only (at toy scale the numbers are filled in, status
``not-compared``); ``kind="check"`` claims (analytic limits, invariances) are
compared at every scale.

Scorecard columns, exactly: paper, claim, quantity, paper_value, reproduced_value,
tolerance, unit, status, evidence. ``status`` is ``pass``, ``fail`` or
``not-compared``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

COLUMNS = ["paper", "claim", "quantity", "paper_value", "reproduced_value", "tolerance", "unit",
           "status", "evidence"]
SCALES = ("toy", "laptop", "paper")


@dataclass(frozen=True)
class Claim:
    """One replication claim. ``tolerance`` maps scale -> absolute tolerance (None: not compared).

    ``mode``: ``"abs"`` passes when |reproduced - paper| <= tolerance; ``"max"`` when
    reproduced <= paper + tolerance; ``"min"`` when reproduced >= paper - tolerance.
    """

    paper: str
    claim: str
    quantity: str
    paper_value: float
    unit: str
    evidence: str
    tolerance: dict = field(default_factory=dict)
    kind: str = "physical"
    mode: str = "abs"

    def __post_init__(self):
        if self.kind not in ("physical", "check"):
            raise ValueError(f"claim {self.claim}: kind must be physical or check, got {self.kind}")
        if self.mode not in ("abs", "max", "min"):
            raise ValueError(f"claim {self.claim}: mode must be abs, max or min, got {self.mode}")
        unknown = set(self.tolerance) - set(SCALES)
        if unknown:
            raise ValueError(f"claim {self.claim}: unknown scales {sorted(unknown)} in tolerance")

    def evaluate(self, value: float, scale: str) -> dict:
        """Return one scorecard row for the reproduced ``value`` at ``scale``."""
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}; expected one of {SCALES}")
        tol = self.tolerance.get(scale)
        compared = tol is not None and not (self.kind == "physical" and scale == "toy")
        if not compared:
            status = "not-compared"
        elif value is None or (isinstance(value, float) and math.isnan(value)):
            status = "fail"
        elif self.mode == "abs":
            status = "pass" if abs(value - self.paper_value) <= tol else "fail"
        elif self.mode == "max":
            status = "pass" if value <= self.paper_value + tol else "fail"
        else:
            status = "pass" if value >= self.paper_value - tol else "fail"
        return {"paper": self.paper, "claim": self.claim, "quantity": self.quantity,
                "paper_value": self.paper_value,
                "reproduced_value": float("nan") if value is None else float(value),
                "tolerance": float("nan") if tol is None else float(tol), "unit": self.unit,
                "status": status, "evidence": self.evidence}


def scorecard(claims, values: dict, scale: str) -> pd.DataFrame:
    """Evaluate ``claims`` against ``values`` {claim name: reproduced value}.

    A claim without a value is an error naming it (a silently missing row would
    look like a pass that never happened).
    """
    rows = []
    for c in claims:
        if c.claim not in values:
            raise KeyError(f"no reproduced value for claim {c.claim!r} of paper {c.paper!r}")
        rows.append(c.evaluate(values[c.claim], scale))
    return pd.DataFrame(rows, columns=COLUMNS)


def gather(paths) -> pd.DataFrame:
    """Concatenate per-paper scorecards, checking their columns."""
    frames = []
    for p in paths:
        frame = pd.read_csv(p)
        if list(frame.columns) != COLUMNS:
            raise ValueError(f"{p}: scorecard columns {list(frame.columns)} != {COLUMNS}")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
