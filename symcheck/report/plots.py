"""Plots of result data: the finite-difference error against the step size for each
gradient check (with a caption computed from the measured slopes), and a strip of verdicts
by source line for each document. PDFs are written with fixed metadata, so the bytes are
deterministic."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Optional, Sequence

from symcheck.model import DocumentResult, GradientCheckResult, LineRef, Verdict

#: verdict colours, as in the LaTeX preamble
COLOURS = {
    Verdict.PROVED: (0, 128, 0), Verdict.PROVED_FOR_SIZES: (0, 110, 110), Verdict.NUMERIC: (0, 70, 170),
    Verdict.CONDITIONAL: (200, 110, 0), Verdict.REFUTED: (200, 0, 0), Verdict.UNKNOWN: (110, 110, 110),
}
METADATA = {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}
MIN_SLOPE_FOR_TRUNCATION = 0.5


def _colour(verdict: Verdict) -> tuple[float, float, float]:
    r, g, b = COLOURS[verdict]
    return r / 255, g / 255, b / 255


def _save(fig, path: Path) -> None:
    fig.savefig(path, format="pdf", metadata=METADATA)


# ---------------------------------------------------------------- slopes and captions


def _slope(points: Sequence[tuple[float, float]]) -> Optional[float]:
    """Least-squares slope of log(error) against log(h); None with fewer than 2 points."""
    logs = [(math.log10(h), math.log10(e)) for h, e in points if h > 0 and e > 0 and math.isfinite(e)]
    if len(logs) < 2:
        return None
    mean_x = sum(x for x, _ in logs) / len(logs)
    mean_y = sum(y for _, y in logs) / len(logs)
    spread = sum((x - mean_x) ** 2 for x, _ in logs)
    return sum((x - mean_x) * (y - mean_y) for x, y in logs) / spread if spread else None


def sweep_caption(sweep: Sequence[tuple[float, float]], step: float) -> str:
    """What the curve shows, from its measured slopes: the order of the truncation error
    on the side of large h, rounding error on the side of small h, or no V at all."""
    finite = sorted(((h, e) for h, e in sweep if math.isfinite(e)), reverse=True)
    if len(finite) < 3:
        return "Too few finite points to measure a slope."
    lowest = min(range(len(finite)), key=lambda n: finite[n][1])
    floor = finite[lowest][1]
    large_h = [(h, e) for h, e in finite[:lowest] if e > 10 * floor]  # clearly above the rounding floor
    small_h = finite[lowest:]
    right = _slope(large_h) if len(large_h) >= 2 else None
    left = _slope(small_h)
    rounding = f"; for smaller h rounding error grows with slope {left:.1f} (about eps/h)" if left is not None else ""
    at_step = next((e for h, e in finite if math.isclose(h, step)), None)
    used = f" At the h used ({step:.0e}) the error is {at_step:.1e}." if at_step is not None else ""
    if right is None or right < MIN_SLOPE_FOR_TRUNCATION:
        return (
            "This curve has no V: the error is at rounding level for every h (slope "
            + (f"{_slope(finite):.1f}" if _slope(finite) is not None else "unmeasured")
            + " overall). Central differences are exact for a loss that is quadratic (or linear) along each "
            "coordinate, so there is no truncation error to see." + used
        )
    return (
        f"Measured slope {right:.1f} for large h: the truncation error of central differences falls as "
        f"h^{round(right)} (order {round(right)} observed), down to {finite[lowest][1]:.1e} at h = "
        f"{finite[lowest][0]:.0e}{rounding}." + used
    )


# ---------------------------------------------------------------- figures


def plot_sweep(checks: Sequence[GradientCheckResult], path: Path) -> None:
    """Largest |fd - g| against h, log-log, one curve per size."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.0, 3.4))
    ax = fig.add_subplot()
    for check in sorted(checks, key=lambda c: c.size):
        points = [(h, max(e, 1e-18)) for h, e in check.sweep if math.isfinite(e)]
        if points:
            ax.loglog([h for h, _ in points], [e for _, e in points], marker="o", markersize=3, linewidth=1,
                      label=f"size {check.size}")
    step = next((c.step for c in checks if c.step), None)
    if step:
        ax.axvline(step, color="0.5", linestyle=":", linewidth=1, label=f"h used ({step:.0e})")
    ax.set_xlabel("step size h (relative to max(1, |x|))")
    ax.set_ylabel("largest |fd - g|")
    ax.grid(True, which="major", linewidth=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    _save(fig, path)


def _first_line(line: Optional[LineRef]) -> Optional[tuple[int, int]]:
    if line is None:
        return None
    return (line[0], line[1]) if isinstance(line, tuple) else (line, line)


ROWS = ("definitions", "chain steps", "claims")


def plot_overview(result: DocumentResult, path: Path) -> bool:
    """Verdicts by source line: one row per kind of result; False when nothing has a line."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    groups = (result.definitions, [s for c in result.chains for s in c.steps], result.claims)
    marks = []
    for row, results in enumerate(groups):
        for item in results:
            span = _first_line(item.line)
            if span is not None:
                marks.append((row, span, Verdict(item.decision.verdict)))
    if not marks:
        return False
    fig = Figure(figsize=(7.0, 1.6))
    ax = fig.add_subplot()
    for row, (first, last), verdict in marks:
        ax.broken_barh([(first - 0.4, last - first + 0.8)], (len(ROWS) - 1 - row - 0.35, 0.7),
                       facecolors=_colour(verdict), alpha=0.85)
    ax.set_yticks(range(len(ROWS)), list(reversed(ROWS)), fontsize=7)
    ax.set_xlabel("source line", fontsize=7)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlim(0, max(last for _, (_, last), _ in marks) + 2)
    ax.set_ylim(-0.6, len(ROWS) - 0.4)
    shown = [v for v in Verdict if any(m[2] is v for m in marks)]
    ax.legend(handles=[Patch(color=_colour(v), label=v.value) for v in shown], fontsize=6, ncol=len(shown),
              loc="upper center", bbox_to_anchor=(0.5, 1.45), frameon=False)
    fig.tight_layout()
    _save(fig, path)
    return True
