"""Points at which both sides were evaluated (counterexamples, samples), typeset with the
names the document uses."""

from __future__ import annotations

from symcheck.model import Counterexample
from symcheck.report.render import MathRenderer


def point_items(point: dict[str, str], declared: frozenset[str]) -> list[tuple[str, str]]:
    """A point's (name, value) pairs as the document names them: an `entry` of a matrix
    gets the values of the engine's own index names, which are then not listed."""
    values = dict(point)
    entry = values.pop("entry", None)
    items = []
    if entry is not None:
        parts = [part.strip() for part in entry.strip("()").split(",")]
        own = [part for part in parts if part in values and part not in declared]
        shown = [values[part] if part in own else part for part in parts]
        for part in own:
            values.pop(part)
        items.append(("entry", "(" + ", ".join(shown) + ")"))
    return items + sorted(values.items(), key=lambda kv: (kv[0].split("[")[0].lower(), kv[0]))


def point_tex(point: dict[str, str], math: MathRenderer, declared: frozenset[str]) -> str:
    pieces = []
    for name, value in point_items(point, declared):
        if name == "entry":
            pieces.append("matrix entry " + math.inline(value.replace(" ", "")))
        else:
            pieces.append(math.assignment(name, value))
    return ", ".join(pieces) if pieces else "no free values"


def counterexample_tex(example: Counterexample, math: MathRenderer, declared: frozenset[str]) -> str:
    return (
        "\\textbf{Counterexample} at " + point_tex(example.point, math, declared) + ":\\par\n"
        "\\hspace*{1em}left side " + math.value(example.lhs)
        + ",\\quad right side " + math.value(example.rhs) + "\\par\n"
    )
