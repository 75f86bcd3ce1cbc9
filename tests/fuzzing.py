"""Structured fuzzing of symcheck's inputs: derivation files, notation files and notes.

Strategies build files in the real formats (TOML tables of sizes, indices, symbols,
functions, chains, claims, gradient checks, coverage; Markdown/LaTeX notes with display
math) and put hostile strings, huge numbers, deep nesting and Unicode confusables in
every position. `run_case` runs one command in process and reports what happened; the
properties (no traceback, no hang, no escape, exit code in {0, 1, 2, 130}) are checked by
tests/test_fuzz.py (a bounded run) and benchmarks/bench_fuzz.py (a long one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner
from hypothesis import strategies as st

from symcheck.cli import cli
from symcheck.runtime.limits import StepTimeout, time_limit

MARKER = "SYMCHECK_FUZZ_MARKER"
ALLOWED_EXITS = {0, 1, 2, 130}


def _code(marker: Path) -> list[str]:
    """Strings that would create `marker` if anything executed them as Python, shell or TeX."""
    target = str(marker)
    return [
        f"__import__('pathlib').Path({target!r}).touch()",
        f"$(touch {target})",
        f"`touch {target}`",
        f"\\immediate\\write18{{touch {target}}}",
        f"\\UseName{{input}}{{{target}}}",
        f"\\openout1={target}\\write1{{x}}",
        "\uff3e\uff3e5cinput{/etc/passwd}",
        f"lambda: open({target!r}, 'w')",
    ]


HUGE = ["(10^{12})!", "10^{10^9}", "2^{2^{40}}", "9^{9^{9}}", "\\prod_{k=1}^{10^{9}} k",
        "1" * 5000, "\\binom{10^{8}}{10^{7}}", "x^{10^{9}}", "\\sum_{k=1}^{10^{12}} k",
        "2^{2^{2^{100}}}", "10^{10^{10}}!", "\\lfloor 10^{10^{10}} / 3 \\rfloor", "\\max(10^{10^{10}}, 2^{2^{2^{100}}})"]
# math as people type it: unicode symbols, and constructs read only in some forms
UNICODE_MATH = ["α² + β = ∑ x", "x ≤ ∞", "√x = x^{1/2}", "x·y = y×x", "∂f/∂x = 2x", "∇f", "x ∈ ℝⁿ",
                "\\lfloor x", "\\lceil x \\rfloor", "\\max_k o_k", "\\max(x, )", "\\langle a, b \\rangle",
                "\\left\\{ x \\right\\}", "x >= y", "\\mathbb{1}(x >= y)"]
CONFUSABLES = ["ａ", "а", "х", "ｘ", "ⅹ", "𝑥", "ᵢ", "\u200b", "\u202e", "ℓ", "＾", "＼", "｛", "＄", "\x00", "\ufeff"]
LATEX_PIECES = ["x", "y", "a_i", "p_j", "\\frac{1}{2}", "\\sum_{k=1}^{N}", "e^{", "}", "{", "(", ")", "+", "-",
                "=", "\\cdot", "\\partial", "\\log", "!", "^", "_", "\\left(", "\\right)", "&", "\\\\", "$", "$$",
                "\\begin{align}", "\\end{align}", "\\text{", "%", "#", "~", "\\\\csname", "\\def", "\\x"]


def hostile_strings(marker: Path) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(_code(marker) + HUGE + CONFUSABLES + ["", " ", "a" * 200, "N", "K", "i", "x"]),
        st.text(max_size=40),
        st.lists(st.sampled_from(LATEX_PIECES + CONFUSABLES + HUGE), min_size=1, max_size=12).map("".join),
        st.integers(1, 60).map(lambda depth: "{" * depth + "x" + "}" * depth),
        st.integers(1, 300).map(lambda depth: "(" * depth + "x" + ")" * depth),
        st.sampled_from(UNICODE_MATH),
        st.integers(60, 2000).map(lambda depth: "{" * depth + "x" + "}" * depth),  # deeper than any reader recursion
        st.integers(1, 200).map(lambda depth: "\\left(" * depth + "x" + "\\right)" * depth),
        st.integers(1, 50).map(lambda depth: "\\left(" * depth + "x" + "\\right]" * depth),  # mismatched sizing
        st.integers(100, 600).map(lambda n: "+".join(f"x_{{{k}}}" for k in range(n)) + " = 0"),  # a very long line
    )


def values(marker: Path) -> st.SearchStrategy:
    """Any TOML value, biased to what the formats expect."""
    scalar = st.one_of(hostile_strings(marker), st.integers(-2**70, 2**70), st.sampled_from([0, 1, 2, 3, 10**9]),
                       st.floats(allow_nan=True), st.booleans())
    return st.one_of(scalar, st.lists(scalar, max_size=3))


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\\u007f", "\\u007F")


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, float):
        return "nan" if value != value else ("inf" if value == float("inf") else "-inf" if value == -float("inf")
                                            else repr(value))
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return str(value)


def _inline(table: dict) -> str:
    return "{ " + ", ".join(f"{_toml_string(k)} = {_toml_value(v)}" for k, v in table.items()) + " }"


@st.composite
def derivation_files(draw, marker: Path, with_chains: bool = True) -> str:
    """A derivation (or notation) file: real sections and keys, hostile names and values."""
    plain = st.sampled_from(["N", "K", "i", "j", "k", "x", "p", "a", "f"])
    name = st.one_of(*[plain] * 6, hostile_strings(marker))  # mostly valid, so that files get past the loader
    value = values(marker)
    lines = [f"source = {_toml_string(draw(st.sampled_from(['doc.txt', '../../etc/passwd', 'x'])))}"]
    sections = {
        "sizes": lambda: {"min": draw(value)} if draw(st.booleans()) else {"alias": draw(name)},
        "indices": lambda: {"range": [draw(st.one_of(st.just(1), value)), draw(st.one_of(name, value))]},
        "symbols": lambda: {"kind": draw(st.sampled_from(["scalar", "vector", "matrix", "tensor"])),
                            "shape": draw(st.lists(st.one_of(name, value), max_size=2)),
                            "domain": draw(st.sampled_from(["real", "positive", "probability", "one_hot", "x"]))},
        "functions": lambda: {"arity": draw(st.one_of(st.just(1), value)), "latex": draw(name)},
    }
    for section, make in sections.items():
        lines.append(f"[{section}]")
        for _ in range(draw(st.integers(0, 3))):
            lines.append(f"{_toml_string(draw(name))} = {_inline(make())}")
    if with_chains:
        formulas = st.sampled_from(["(x+1)^2", "x^2 + 2x + 1", "p_i", "\\sum_{k=1}^N a_k", "x"])
        latex = st.one_of(formulas, formulas, hostile_strings(marker))
        for _ in range(draw(st.integers(0, 2))):
            lines.append("[[chains]]")
            lines.append(f"name = {_toml_string(draw(name))}")
            if draw(st.booleans()):
                lines.append(f"sizes = {_inline({draw(name): draw(value)})}")
            for _ in range(draw(st.integers(1, 3))):
                lines.append("[[chains.steps]]")
                lines.append(f"line = {_toml_value(draw(st.one_of(st.integers(1, 9), value)))}")
                lines.append(f"latex = {_toml_string(draw(latex))}")
        if draw(st.booleans()):
            lines.append("[[gradient_checks]]")
            for key in ("name", "loss", "wrt", "index", "gradient", "size"):
                lines.append(f"{key} = {_toml_string(draw(st.one_of(name, latex)))}")
            lines.append(f"sizes = {_toml_value(draw(st.lists(st.one_of(st.integers(1, 4), value), max_size=3)))}")
        if draw(st.booleans()):
            lines.append("[coverage]")
            key = draw(st.one_of(st.sampled_from(["1", "1-100000000", "3-2", "0", "99999999999"]), hostile_strings(marker)))
            lines.append(f"skipped = {_inline({key: draw(value)})}")
    return "\n".join(lines) + "\n"


@st.composite
def notes(draw, marker: Path) -> str:
    """A Markdown/LaTeX note: prose and display or inline math, some of it hostile or unclosed."""
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        math = draw(st.one_of(st.sampled_from(["(x+1)^2 = x^2 + 2x + 1", "x = x", "a_i = b_i"]), hostile_strings(marker)))
        wrap = draw(st.sampled_from(["$$ {} $$", "${}$", "\\[ {} \\]", "\\begin{{align}} {} \\end{{align}}",
                                     "$$ {}", "\\begin{{align}} {}", "```\n{}\n```", "{}"]))
        parts.append(draw(st.text(max_size=20)) + wrap.format(math))
    return "\n\n".join(parts) + "\n"


@dataclass
class Outcome:
    exit_code: int | None
    traceback: bool
    hang: bool
    escapes: list[str]
    output: str


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def run_case(workdir: Path, command: str, text: str, *, seconds: float = 30.0, notation: str | None = None) -> Outcome:
    """Write `text` as the input of `command`, run it in process under a hard limit, and
    report the exit code, whether a traceback or internal error appeared, whether it hung,
    and every file created outside the output directory (or any marker file)."""
    inputs = workdir / "in"
    out = workdir / "out"
    inputs.mkdir(parents=True, exist_ok=True)
    suffix = ".md" if command == "check" else ".toml"
    (inputs / f"case{suffix}").write_text(text, encoding="utf-8", errors="surrogatepass")
    args = [command, str(inputs), "--timeout", "1", "-j", "1"]
    if command == "check" and notation is not None:
        (workdir / "notation.toml").write_text(notation, encoding="utf-8", errors="surrogatepass")
        args += ["--notation", str(workdir / "notation.toml")]
    if command == "report":
        args += ["-o", str(out)]
    before = _files(workdir)
    hang = False
    result = None
    try:
        with time_limit(seconds):
            result = CliRunner().invoke(cli, args, env={"PATH": "/usr/bin:/bin" if command != "report" else ""})
    except StepTimeout:
        hang = True
    after = _files(workdir) - before
    escapes = sorted(str(p) for p in after if out not in p.parents and p != out)
    escapes += sorted(str(p) for p in Path(workdir).parent.rglob(f"*{MARKER}*"))
    if result is None:
        return Outcome(None, False, hang, escapes, "")
    traceback = (result.exception is not None and not isinstance(result.exception, SystemExit)) or \
        "Traceback" in result.output or "internal error" in result.output
    return Outcome(result.exit_code, traceback, hang, escapes, result.output)
