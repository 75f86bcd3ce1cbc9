r"""The LaTeX writer of `symcheck report`: escaping, source math that cannot break the
build, and the text of the per-document and combined reports.

Robustness, in three layers:

1. **Text** (titles, names, notes, reasons, strategies, file names, counterexample
   values) always goes through `escape_text`: the ten TeX specials, ``< > | [ ] "`` and
   backquote become inert commands, control characters become spaces, and non-ASCII
   characters are mapped to LaTeX equivalents (arrows, Greek letters, circled digits,
   typographic quotes) or to their ASCII decomposition, else ``?``. No user text is
   ever read by TeX as a command.

2. **Math from the source** is typeset as written in display style, after a static check
   (`prepare_math`) that accepts only control words on an allow-list
   (`symcheck.report.tex.ALLOWED_MACROS`), checked after Unicode NFKC normalisation;
   it rejects ``^^`` character codes, environments outside a small list (cases,
   matrices, aligned ...), and unbalanced braces. It also repairs what
   pdflatex would choke on: unicode arrows and symbols become commands, ``%`` and ``#``
   are escaped, ``align``/``eqnarray`` become ``aligned`` (we are already in math),
   top-level ``&``/``\\`` get an ``aligned`` around them, ``\mathbb{1}`` becomes
   ``\mathbf{1}``, and ``\label``/``\tag``/``\nonumber`` are dropped. The preamble
   provides fallbacks for ``\cancel`` (cancel.sty is in texlive-latex-extra, so a
   drawn slash is defined when it is missing), ``\dfrac``, ``\intercal`` and a few
   operator names.

3. **Validation by compiling.** When pdflatex is present, every formula that passed the
   static check is compiled once in a probe document with the same preamble and the
   same wrapper (`MathValidator`); formulas whose region of the log holds an error are
   shown verbatim instead (``\texttt`` of the escaped source, with a note). The probe
   runs with shell escape off, in a temporary directory, with a time limit; results
   are cached per formula. If the final document still fails, the caller retries with
   every formula verbatim (``safe=True``), which contains no user math at all.

Determinism: the output depends only on the inputs (and on which formulas compile
with the installed TeX); there are no dates or timestamps in the body.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

from symcheck.read.texscan import matching_brace
from symcheck.report import tex as texsandbox

from symcheck.model import (
    Counterexample,
    Decision,
    DocumentResult,
    GradientCheckResult,
    StepResult,
    Verdict,
    format_line,
)

# ---------------------------------------------------------------- unicode


_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "varepsilon",
    "ϵ": "epsilon", "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "vartheta", "ι": "iota",
    "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "ς": "varsigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta",
    "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Υ": "Upsilon", "Φ": "Phi",
    "Ψ": "Psi", "Ω": "Omega",
}

#: unicode characters and the math-mode LaTeX they stand for
UNICODE_MATH: dict[str, str] = {
    "→": r"\rightarrow", "←": r"\leftarrow", "⇒": r"\Rightarrow", "⇐": r"\Leftarrow",
    "⇔": r"\Leftrightarrow", "↔": r"\leftrightarrow", "↪": r"\hookrightarrow",
    "↦": r"\mapsto", "⟶": r"\longrightarrow", "⟹": r"\Longrightarrow", "↑": r"\uparrow",
    "↓": r"\downarrow", "≠": r"\neq", "≤": r"\leq", "≥": r"\geq", "≈": r"\approx",
    "≡": r"\equiv", "∼": r"\sim", "∝": r"\propto", "×": r"\times", "÷": r"\div",
    "·": r"\cdot", "⋅": r"\cdot", "∙": r"\cdot", "∗": "*", "∑": r"\sum", "∏": r"\prod",
    "∫": r"\int", "∂": r"\partial", "∇": r"\nabla", "∞": r"\infty", "∈": r"\in",
    "∉": r"\notin", "⊂": r"\subset", "⊆": r"\subseteq", "∪": r"\cup", "∩": r"\cap",
    "∀": r"\forall", "∃": r"\exists", "¬": r"\neg", "∧": r"\wedge", "∨": r"\vee",
    "−": "-", "–": "-", "—": "-", "±": r"\pm", "∓": r"\mp", "√": r"\surd", "∘": r"\circ",
    "⊙": r"\odot", "⊘": r"\oslash", "⊗": r"\otimes", "⊕": r"\oplus", "∴": r"\therefore",
    "∵": r"\because", "…": r"\dots", "⋯": r"\cdots", "⋮": r"\vdots", "⋱": r"\ddots",
    "′": "'", "″": "''", "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}", "ℤ": r"\mathbb{Z}",
    "𝟙": r"\mathbf{1}", "✓": r"\checkmark", "✔": r"\checkmark", "✗": r"\times",
    "✘": r"\times", "°": r"^{\circ}", "ℓ": r"\ell", "∅": r"\emptyset", "⊤": r"\top",
    "ᵀ": r"^{\mathsf{T}}", "†": r"\dagger", "⟨": r"\langle", "⟩": r"\rangle",
    "‖": r"\|", "∣": r"\mid",
    **{k: "\\" + v for k, v in _GREEK.items()},
}

_CIRCLED = {chr(0x2460 + n): f"({n + 1})" for n in range(20)}  # ① .. ⑳
_CIRCLED.update({chr(0x2776 + n): f"({n + 1})" for n in range(10)})  # ❶ .. ❿
_MAPPED = frozenset(UNICODE_MATH) | frozenset(_CIRCLED)  # mapped here rather than by NFKC

#: unicode characters and the text-mode LaTeX they stand for (besides UNICODE_MATH)
UNICODE_TEXT: dict[str, str] = {
    "“": "``", "”": "''", "„": ",,", "‘": "`", "’": "'", "–": "--", "—": "---",
    "−": "-", "…": r"\dots{}", "\u00a0": "~", "•": r"\textbullet{}", "§": r"\S{}",
    "¶": r"\P{}", "©": r"\copyright{}", "ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}",
    "ø": r"\o{}", "Ø": r"\O{}", "œ": r"\oe{}", "Œ": r"\OE{}", "å": r"\aa{}", "Å": r"\AA{}",
    **_CIRCLED,
}


def _ascii_fallback(char: str) -> Optional[str]:
    decomposed = unicodedata.normalize("NFKD", char)
    ascii_only = "".join(c for c in decomposed if ord(c) < 128)
    return ascii_only or None


# ---------------------------------------------------------------- text escaping

_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\scus{}",
    "~": r"\sctilde{}",
    "^": r"\sccaret{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "[": "{[}",
    "]": "{]}",
    '"': "''",
    "`": "{`}",
}

_BREAK_AFTER = set("\\{}=+,()^_/")


def escape_text(value: object, *, breakable: bool = False) -> str:
    r"""`value` as inert LaTeX text: every special character, control character and
    non-ASCII character is replaced, so no input can run a command or break the build.

    With `breakable`, line-break opportunities are added after ``\ { } = + , ( ) ^ _ /``
    (for long formulas shown verbatim).
    """
    text = "" if value is None else str(value)
    out: list[str] = []
    for char in text:
        code = ord(char)
        if char in _TEXT_ESCAPES:
            piece = _TEXT_ESCAPES[char]
        elif code < 32 or code == 127:
            piece = " "
        elif code < 128:
            piece = char
        elif char in UNICODE_TEXT:
            piece = UNICODE_TEXT[char]
        elif char in UNICODE_MATH:
            piece = r"\ensuremath{" + UNICODE_MATH[char] + "}"
        else:
            fallback = _ascii_fallback(char)
            piece = escape_text(fallback) if fallback and fallback != char else "?"
        out.append(piece)
        if breakable and char in _BREAK_AFTER:
            out.append(r"\allowbreak{}")
    return "".join(out)


def verbatim_math(latex: str, reason: str = "") -> str:
    """A formula shown as its escaped source in typewriter type, with a short note."""
    note = r"\par{\footnotesize\itshape (shown verbatim" + (
        ": " + escape_text(reason) if reason else ""
    ) + ")}"
    return (
        r"\par\begingroup\raggedright\small\ttfamily "
        + escape_text(latex, breakable=True)
        + note
        + r"\par\endgroup"
    )


# ---------------------------------------------------------------- math checking

#: environments allowed in user math, and what they become inside our display math
ENVIRONMENTS: dict[str, Optional[str]] = {
    "cases": "cases", "dcases": "cases", "rcases": "cases",
    "aligned": "aligned", "alignedat": "alignedat", "gathered": "gathered",
    "split": "aligned", "align": "aligned", "align*": "aligned", "flalign": "aligned",
    "flalign*": "aligned", "eqnarray": "aligned", "eqnarray*": "aligned",
    "alignat": "alignedat", "alignat*": "alignedat", "gather": "gathered",
    "gather*": "gathered", "multline": "gathered", "multline*": "gathered",
    "matrix": "matrix", "pmatrix": "pmatrix", "bmatrix": "bmatrix", "Bmatrix": "Bmatrix",
    "vmatrix": "vmatrix", "Vmatrix": "Vmatrix", "smallmatrix": "smallmatrix",
    "array": "array", "subarray": "subarray",
    "equation": None, "equation*": None, "displaymath": None, "math": None,
}

_DROP_WITH_ARGUMENT = ("label", "tag", "tag*")
_DROP = ("nonumber", "notag")


class MathRejected(ValueError):
    """A formula that may not be typeset as math (the message says why)."""


def _strip_delimiters(text: str) -> str:
    text = text.strip()
    changed = True
    while changed:
        changed = False
        for left, right in (("$$", "$$"), (r"\[", r"\]"), (r"\(", r"\)"), ("$", "$")):
            if (
                len(text) >= len(left) + len(right)
                and text.startswith(left)
                and text.endswith(right)
                and left not in text[len(left) : len(text) - len(right)]
            ):
                text = text[len(left) : len(text) - len(right)].strip()
                changed = True
                break
    return text


def _read_group(text: str, pos: int) -> tuple[Optional[str], int]:
    """The braced group starting at pos (after spaces): (content, end) or (None, pos)."""
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if pos >= len(text) or text[pos] != "{":
        return None, pos
    end = matching_brace(text, pos)
    return (text[pos + 1 : end - 1], end) if end > 0 else (None, pos)


def _map_unicode_math(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if code < 32 or code == 127:
            out.append(" ")
        elif code < 128:
            out.append(char)
        elif char in _CIRCLED:
            out.append(r"\text{" + _CIRCLED[char] + "}")
        elif char in UNICODE_MATH:
            out.append("{" + UNICODE_MATH[char] + "}")
        elif char == "\u00a0":
            out.append(" ")
        else:
            fallback = _ascii_fallback(char)
            if not fallback or not fallback.isascii() or "\\" in fallback:
                raise MathRejected(f"character U+{code:04X} has no LaTeX equivalent here")
            out.append(fallback)
    return "".join(out)


def prepare_math(latex: object) -> str:
    r"""The source formula made safe to put inside ``$\displaystyle ...$``.

    Raises `MathRejected` (with the reason) when it must be shown verbatim instead.
    """
    if not isinstance(latex, str):
        raise MathRejected("not a string")
    if len(latex) > 6000:
        raise MathRejected("formula too long")
    text = _map_unicode_math(texsandbox.normalized(latex, keep=_MAPPED))
    if "^^" in text:
        raise MathRejected("TeX character-code notation ^^")
    text = re.sub(r"\s+", " ", text)
    text = _strip_delimiters(text)
    if not text:
        raise MathRejected("empty formula")

    out: list[str] = []
    env_stack: list[str] = []
    depth = 0
    top_level_align = False
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\\":
            if i + 1 >= n:
                raise MathRejected("formula ends with a backslash")
            nxt = text[i + 1]
            if not nxt.isalpha() and nxt != "@":
                if nxt == "\\" and not env_stack:
                    top_level_align = True
                out.append(text[i : i + 2])
                i += 2
                continue
            j = i + 1
            while j < n and (text[j].isalpha() or text[j] == "@"):
                j += 1
            name = text[i + 1 : j]
            if "@" in name:
                raise MathRejected(f"internal command \\{name}")
            if name in _DROP_WITH_ARGUMENT:
                star = j < n and text[j] == "*"
                _, after = _read_group(text, j + (1 if star else 0))
                i = after if after > j else j
                continue
            if name in _DROP:
                i = j
                continue
            if not texsandbox.allowed(name):
                raise MathRejected(f"command \\{name} is not allowed in a formula")
            if name in ("begin", "end"):
                env, after = _read_group(text, j)
                if env is None:
                    raise MathRejected(f"\\{name} without an environment name")
                env = env.strip()
                if env not in ENVIRONMENTS:
                    raise MathRejected(f"environment {env} is not allowed in a formula")
                target = ENVIRONMENTS[env]
                if name == "begin":
                    env_stack.append(env)
                else:
                    if not env_stack or env_stack[-1] != env:
                        raise MathRejected(f"\\end{{{env}}} does not match")
                    env_stack.pop()
                if target is not None:
                    out.append(f"\\{name}{{{target}}}")
                i = after
                continue
            if name == "mathbb":
                group, after = _read_group(text, j)
                if group is not None and group.strip() == "1":
                    out.append(r"\mathbf{1}")
                    i = after
                    continue
                if group is None and text[j:].lstrip().startswith("1"):
                    out.append(r"\mathbf{1}")
                    i = j + (len(text[j:]) - len(text[j:].lstrip())) + 1
                    continue
            out.append("\\" + name)
            i = j
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise MathRejected("unbalanced braces")
        elif char == "%":
            out.append(r"\%")
            i += 1
            continue
        elif char == "#":
            out.append(r"\#")
            i += 1
            continue
        elif char == "&" and not env_stack:
            top_level_align = True
        out.append(char)
        i += 1
    if depth != 0:
        raise MathRejected("unbalanced braces")
    if env_stack:
        raise MathRejected(f"environment {env_stack[-1]} is not closed")
    body = "".join(out).strip()
    body = re.sub(r"(\\\\\s*)+$", "", body).strip()  # trailing row breaks
    if top_level_align:
        body = r"\begin{aligned}" + body + r"\end{aligned}"
    if not body:
        raise MathRejected("empty formula")
    return body


# ---------------------------------------------------------------- preamble

PREAMBLE = r"""\documentclass[10pt,a4paper]{article}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{array}
\usepackage{booktabs}
\usepackage{longtable}
\usepackage{xcolor}
\usepackage{graphicx}
\makeatletter
\newcommand\symcheck@strike[2]{\ooalign{$\m@th#1#2$\cr\hidewidth$\m@th#1\diagup$\hidewidth\cr}}
\newcommand\symcheck@cancel[1]{{\mathpalette\symcheck@strike{#1}}}
\newcommand\symcheck@cancelto[2]{\symcheck@cancel{#2}\to #1}
\IfFileExists{cancel.sty}{\usepackage{cancel}}{%
  \let\cancel\symcheck@cancel
  \let\bcancel\symcheck@cancel
  \let\xcancel\symcheck@cancel
  \let\cancelto\symcheck@cancelto}
\makeatother
% _ ~ ^ from the typewriter font: real glyphs (OT1 roman has none), so copy and
% pdftotext give the characters back
\newcommand\scus{{\ttfamily\char95}}
\newcommand\sctilde{{\ttfamily\char126}}
\newcommand\sccaret{{\ttfamily\char94}}
\providecommand\dfrac[2]{\frac{#1}{#2}}
\providecommand\intercal{\mathsf{T}}
\providecommand\softmax{\operatorname{softmax}}
\providecommand\diag{\operatorname{diag}}
\providecommand\tr{\operatorname{tr}}
\providecommand\argmax{\operatorname*{arg\,max}}
\providecommand\argmin{\operatorname*{arg\,min}}
\providecommand\R{\mathbb{R}}
\definecolor{scproved}{RGB}{0,128,0}
\definecolor{scsizes}{RGB}{0,110,110}
\definecolor{scnumeric}{RGB}{0,70,170}
\definecolor{scconditional}{RGB}{200,110,0}
\definecolor{screfuted}{RGB}{200,0,0}
\definecolor{scunknown}{RGB}{110,110,110}
\newcommand\markproved{\textcolor{scproved}{$\checkmark$}}
\newcommand\markprovedsizes{\textcolor{scsizes}{$\checkmark_{\!n}$}}
\newcommand\marknumeric{\textcolor{scnumeric}{$\sim$}}
\newcommand\markconditional{\textcolor{scconditional}{$\lozenge$}}
\newcommand\markrefuted{\textcolor{screfuted}{$\times$}}
\newcommand\markunknown{\textcolor{scunknown}{\textbf{?}}}
\newsavebox\symcheckbox
\newcommand\fitmath[1]{\sbox\symcheckbox{$\displaystyle #1$}%
  \ifdim\wd\symcheckbox>\linewidth\resizebox{\linewidth}{!}{\usebox\symcheckbox}%
  \else\usebox\symcheckbox\fi}
\newcommand\mathblock[1]{\par\smallskip{\centering\fitmath{#1}\par}\smallskip}
\setlength{\parindent}{0pt}
\setlength{\parskip}{2pt}
\setlength{\LTpre}{4pt}
\setlength{\LTpost}{4pt}
"""

#: the mark command and the word of each verdict
VERDICT_MARKS: dict[Verdict, tuple[str, str, str]] = {
    Verdict.PROVED: (r"\markproved", "proved", "holds for every value in the declared domains"),
    Verdict.PROVED_FOR_SIZES: (
        r"\markprovedsizes",
        "proved for sizes",
        "holds for each listed size, checked exactly with the size instantiated",
    ),
    Verdict.NUMERIC: (r"\marknumeric", "numeric", "agrees at sampled points (evidence, not proof)"),
    Verdict.CONDITIONAL: (
        r"\markconditional",
        "conditional",
        "holds only under the condition shown",
    ),
    Verdict.REFUTED: (r"\markrefuted", "refuted", "fails at the counterexample shown"),
    Verdict.UNKNOWN: (r"\markunknown", "unknown", "not decided"),
}

VERDICT_ORDER: tuple[Verdict, ...] = tuple(VERDICT_MARKS)


def verdict_mark(verdict: Verdict) -> str:
    return VERDICT_MARKS[Verdict(verdict)][0]


def verdict_word(verdict: Verdict) -> str:
    return VERDICT_MARKS[Verdict(verdict)][1]


def legend() -> str:
    rows = [
        f"{mark} & \\textbf{{{word}}} & {escape_text(meaning)} \\\\"
        for mark, word, meaning in VERDICT_MARKS.values()
    ]
    return (
        "\\begin{tabular}{c l l}\n\\toprule\nMark & Verdict & Meaning \\\\\n\\midrule\n"
        + "\n".join(rows)
        + "\n\\bottomrule\n\\end{tabular}\n"
    )


# ---------------------------------------------------------------- validation


_BEGIN = "SYMCHECK-PROBE-BEGIN"
_END = "SYMCHECK-PROBE-END"


class MathValidator:
    """Decides which prepared formulas compile, by compiling them (see module docstring).

    Without pdflatex every formula that passed the static check is accepted.
    """

    def __init__(self, pdflatex: Optional[str] = None, *, timeout: float = texsandbox.TEX_SECONDS):
        self.pdflatex = pdflatex
        self.timeout = timeout
        self.cache: dict[str, bool] = {}

    @classmethod
    def detect(cls) -> "MathValidator":
        return cls(shutil.which("pdflatex"))

    def validate(self, bodies: Iterable[str]) -> None:
        todo = sorted({b for b in bodies if b not in self.cache})
        if not todo:
            return
        if not self.pdflatex:
            for body in todo:
                self.cache[body] = True
            return
        self._validate(todo, depth=0)

    def ok(self, body: str) -> bool:
        if body not in self.cache:
            self.validate([body])
        return self.cache[body]

    # -- internals

    def _validate(self, todo: list[str], depth: int) -> None:
        pending = list(todo)
        for _ in range(len(todo) + 1):
            if not pending:
                return
            status = self._probe(pending)
            if status is None:  # crashed or timed out: split, or give up on a single one
                if len(pending) == 1 or depth > 12:
                    for body in pending:
                        self.cache[body] = False
                    return
                half = len(pending) // 2
                self._validate(pending[:half], depth + 1)
                self._validate(pending[half:], depth + 1)
                return
            bad = [b for b, s in zip(pending, status) if s == "bad"]
            unseen = [b for b, s in zip(pending, status) if s == "unseen"]
            if not bad and not unseen:
                for body in pending:
                    self.cache[body] = True
                return
            if not bad:
                bad = unseen[:1]  # the first one that never finished derailed the run
            for body in bad:
                self.cache[body] = False
            pending = [b for b in pending if b not in set(bad)]
        for body in pending:  # pragma: no cover - loop bound reached
            self.cache[body] = False

    def _probe(self, bodies: Sequence[str]) -> Optional[list[str]]:
        parts = [PREAMBLE, "\\begin{document}\n"]
        for n, body in enumerate(bodies):
            parts.append(
                f"\\typeout{{{_BEGIN} {n}}}\n\\mathblock{{{body}}}\n\\typeout{{{_END} {n}}}\n"
            )
        parts.append("\\end{document}\n")
        with tempfile.TemporaryDirectory(prefix="symcheck-probe-") as tmp:
            tex = Path(tmp) / "probe.tex"
            tex.write_text("".join(parts), encoding="utf-8")
            try:
                command = [self.pdflatex, "-interaction=nonstopmode", "-no-shell-escape", "-draftmode", "probe.tex"]
                if texsandbox.run_tex(command, Path(tmp), self.timeout).returncode is None:
                    return None
            except OSError:
                return None
            log_path = Path(tmp) / "probe.log"
            if not log_path.exists():
                return None
            log = log_path.read_text(encoding="latin-1")
        return _parse_probe_log(log, len(bodies))


def _parse_probe_log(log: str, count: int) -> Optional[list[str]]:
    """Per formula "ok", "bad" or "unseen"; None when an error happened outside every
    formula's region (then the probe itself is broken and proves nothing)."""
    status = ["unseen"] * count
    current: Optional[int] = None
    for line in log.splitlines():
        if current is None and line.startswith("!"):
            return None
        if line.startswith(_BEGIN + " "):
            try:
                current = int(line.split()[1])
            except (IndexError, ValueError):
                current = None
            continue
        if line.startswith(_END + " "):
            try:
                n = int(line.split()[1])
            except (IndexError, ValueError):
                continue
            if 0 <= n < count and status[n] == "unseen":
                status[n] = "ok"
            current = None
            continue
        if current is not None and 0 <= current < count and line.startswith("!"):
            status[current] = "bad"
    return status


# ---------------------------------------------------------------- rendering


@dataclass
class MathRenderer:
    """Turns source formulas into LaTeX: validated math, or verbatim with a reason."""

    validator: MathValidator = field(default_factory=lambda: MathValidator(None))
    safe: bool = False  # everything verbatim (last resort when a document fails)
    fallbacks: set = field(default_factory=set)  # formulas shown verbatim, and why

    def body(self, latex: str) -> tuple[Optional[str], str]:
        """(prepared body, "") when the formula may be typeset, else (None, reason)."""
        if self.safe:
            return None, "safe mode"
        try:
            body = prepare_math(latex)
            if not self.validator.ok(body):
                raise MathRejected("does not compile with pdflatex")
        except MathRejected as exc:
            self.fallbacks.add((latex, str(exc)))
            return None, str(exc)
        return body, ""

    def block(self, latex: str) -> str:
        body, reason = self.body(latex)
        if body is None:
            return verbatim_math(latex, reason)
        return "\\mathblock{" + body + "}"

    def inline(self, latex: str) -> str:
        """A short formula (a condition) in running text."""
        body, _reason = self.body(latex)
        if body is None:
            return r"\texttt{" + escape_text(latex, breakable=True) + "}"
        return "\\fitmath{" + body + "}"

    def prefetch(self, formulas: Iterable[str]) -> None:
        """Validate many formulas in one probe run (faster than one at a time)."""
        if self.safe:
            return
        bodies = []
        for latex in formulas:
            try:
                bodies.append(prepare_math(latex))
            except MathRejected:
                pass
        self.validator.validate(bodies)


@dataclass
class NumericSummary:
    """Per equation, what the numeric sampler found (for the report's table)."""

    name: str
    line: object
    samples: int
    max_rel_error: Optional[float]
    reason: str = ""


@dataclass
class DocumentReport:
    """Everything the LaTeX writer needs about one document."""

    result: DocumentResult
    stem: str
    gradient_checks: Sequence[GradientCheckResult] = ()
    figure: Optional[str] = None  # file name next to the .tex
    figure_caption: str = ""
    numeric: Sequence[NumericSummary] = ()
    notes: Sequence[str] = ()
    data_files: Sequence[str] = ()


def all_formulas(doc: DocumentReport) -> list[str]:
    formulas = []
    for result in doc.result.all_results():
        formulas.append(result.latex)
        if result.erratum is not None:
            formulas.append(result.erratum.intended)
            if result.erratum.decision.condition:
                formulas.append(result.erratum.decision.condition)
        if result.decision.condition:
            formulas.append(result.decision.condition)
    for chain in doc.result.chains:
        if chain.condition:
            formulas.append(chain.condition)
    return formulas


def format_seconds(seconds: float) -> str:
    if seconds is None:
        return ""
    if seconds < 0.01:
        return f"{seconds * 1000:.1f}\\,ms"
    return f"{seconds:.2f}\\,s"


def format_number(value: object) -> str:
    """Counterexample values: long decimals shortened to 12 significant digits; for
    "exact ≈ decimal" the exact form is kept only when short."""
    text = str(value).strip()
    if "≈" in text:
        exact, approx = (part.strip() for part in text.split("≈", 1))
        approx = format_number(approx)
        return approx if len(exact) > 30 or not exact else f"{exact} ≈ {approx}"
    if len(text) > 16:
        try:
            return f"{float(text):.12g}"
        except ValueError:
            return text if len(text) <= 80 else text[:77] + "..."
    return text


def _line(line) -> str:
    shown = format_line(line)
    return "" if shown is None else f"line {shown}"


def _sorted_counts(results: Sequence[StepResult]) -> dict[Verdict, int]:
    counts = {v: 0 for v in VERDICT_ORDER}
    for result in results:
        counts[Verdict(result.decision.verdict)] += 1
    return counts


def _decision_line(decision: Decision) -> str:
    mark = verdict_mark(decision.verdict)
    word = verdict_word(decision.verdict)
    sizes = ""
    if decision.sizes:
        sizes = " (sizes " + escape_text(", ".join(str(s) for s in decision.sizes)) + ")"
    strategy = escape_text(decision.strategy)
    return (
        f"{mark}~\\textbf{{{word}}}{sizes}\\quad{{\\small\\itshape {strategy}}}"
        f"\\quad{{\\small {format_seconds(decision.seconds)}}}"
    )


def counterexample_table(example: Counterexample) -> str:
    rows = []
    for name in sorted(example.point):
        rows.append(
            f"\\texttt{{{escape_text(name)}}} & \\texttt{{{escape_text(format_number(example.point[name]), breakable=True)}}} \\\\"
        )
    rows_text = "\n".join(rows) if rows else "\\multicolumn{2}{l}{(no free values)} \\\\"
    return (
        "\\par\\smallskip{\\small\\textbf{Counterexample}\\par\n"
        "\\begin{tabular}{>{\\raggedright\\arraybackslash}p{0.3\\linewidth} >{\\raggedright\\arraybackslash}p{0.45\\linewidth}}\n"
        "\\toprule\nPoint & Value \\\\\n\\midrule\n"
        + rows_text
        + "\n\\midrule\n"
        + f"left-hand side & \\texttt{{{escape_text(format_number(example.lhs), breakable=True)}}} \\\\\n"
        + f"right-hand side & \\texttt{{{escape_text(format_number(example.rhs), breakable=True)}}} \\\\\n"
        + "\\bottomrule\n\\end{tabular}}\\par\n"
    )


def _erratum_column(title: str, latex: str, decision: Decision, math: "MathRenderer") -> str:
    """One side of an erratum: its title, verdict, formula and decision details."""
    return (
        "\\begin{minipage}[t]{0.48\\linewidth}\n"
        f"{{\\small\\textbf{{{title}}}}}\\hfill "
        + verdict_mark(decision.verdict)
        + f"~{verdict_word(decision.verdict)}\\par\n"
        + math.block(latex)
        + "\n"
        + _decision_details(decision, math)
        + "\\end{minipage}"
    )


def _decision_details(decision: Decision, math: MathRenderer) -> str:
    parts = []
    if decision.reason:
        parts.append("{\\small " + escape_text(decision.reason) + "}\\par\n")
    if decision.condition:
        parts.append(
            "{\\small Holds only when: }" + math.inline(decision.condition) + "\\par\n"
        )
    if decision.counterexample is not None:
        parts.append(counterexample_table(decision.counterexample))
    return "".join(parts)


def step_block(result: StepResult, math: MathRenderer) -> str:
    head_bits = [escape_text(_line(result.line))]
    if result.kind not in ("step",):
        head_bits.append(escape_text(result.kind))
    if result.name and result.name != result.latex and result.kind in ("claim", "definition"):
        head_bits.append("\\textit{" + escape_text(result.name) + "}")
    head = " \\quad ".join(b for b in head_bits if b)
    flag = ""
    if not result.expected:
        flag = "\\quad\\textcolor{screfuted}{\\textbf{unexpected}}"
    out = [
        "\\par\\medskip\\noindent\\begin{minipage}{\\linewidth}\n",
        f"{{\\small\\bfseries {head}}}\\hfill {_decision_line(result.decision)}{flag}\\par\n",
    ]
    if result.erratum is None:
        out.append(math.block(result.latex) + "\n")
        out.append(_decision_details(result.decision, math))
        out.append("\\end{minipage}\n")
        return "".join(out)
    erratum = result.erratum
    out.append("\\end{minipage}\n")
    out.append(
        "\\par\\noindent"
        + _erratum_column("As written", result.latex, result.decision, math)
        + "\\hfill\n"
        + _erratum_column("Intended", erratum.intended, erratum.decision, math)
        + "\\par\n"
        "\\smallskip{\\small\\textbf{Erratum:} "
        + escape_text(erratum.note)
        + f" \\quad (intended form: {verdict_mark(erratum.decision.verdict)}~"
        + f"{verdict_word(erratum.decision.verdict)}, {escape_text(erratum.decision.strategy)},"
        + f" {format_seconds(erratum.decision.seconds)})}}\\par\n"
    )
    return "".join(out)


_LEVELS = ("section", "subsection", "subsubsection", "paragraph")


def _heading(level: int, text: str) -> str:
    return f"\\{_LEVELS[min(level, len(_LEVELS) - 1)]}*{{{text}}}\n"


def _errata_count(result: DocumentResult) -> int:
    return sum(1 for r in result.all_results() if r.erratum is not None)


def _total_seconds(result: DocumentResult) -> Optional[float]:
    """None when the run recorded no times (reports show times only with --timings)."""
    if result.seconds is None:
        return None
    if result.seconds:
        return result.seconds
    return sum(r.decision.seconds or 0.0 for r in result.all_results())


def _header_cell(mark: str, word: str) -> str:
    words = word.replace(" for ", "\\\\ for ")  # "proved for sizes" on two lines
    return "\\shortstack{" + mark + "\\\\ \\scriptsize " + words.replace("\\\\ ", "\\\\ \\scriptsize ") + "}"


def summary_table(docs: Sequence[DocumentReport]) -> str:
    cells = " & ".join(_header_cell(verdict_mark(v), verdict_word(v)) for v in VERDICT_ORDER)
    head = (
        "{\\small\\setlength{\\tabcolsep}{3.5pt}\n"
        "\\begin{longtable}{>{\\raggedright\\arraybackslash}p{0.3\\linewidth} "
        + "c " * len(VERDICT_ORDER)
        + "c c c r}\n\\toprule\n"
        + f"Document & {cells} & errata & \\shortstack{{un-\\\\expected}} & "
        + "\\shortstack{gradient\\\\checks} & time \\\\\n"
        + "\\midrule\n\\endhead\n"
    )
    rows = []
    totals = {v: 0 for v in VERDICT_ORDER}
    total_errata = total_unexpected = 0
    total_time = 0.0
    grad_pass = grad_all = 0
    for doc in docs:
        results = doc.result.all_results()
        counts = _sorted_counts(results)
        for v in VERDICT_ORDER:
            totals[v] += counts[v]
        errata = _errata_count(doc.result)
        unexpected = sum(1 for r in results if not r.expected)
        seconds = _total_seconds(doc.result)
        passed = sum(1 for g in doc.gradient_checks if g.passed)
        total_errata += errata
        total_unexpected += unexpected
        total_time = None if seconds is None or total_time is None else total_time + seconds
        grad_pass += passed
        grad_all += len(doc.gradient_checks)
        grads = f"{passed}/{len(doc.gradient_checks)} passed" if doc.gradient_checks else "--"
        rows.append(
            f"{escape_text(doc.result.title)}\\newline{{\\scriptsize\\ttfamily {escape_text(doc.result.source, breakable=True)}}} & "
            + " & ".join(str(counts[v]) for v in VERDICT_ORDER)
            + f" & {errata} & {unexpected} & {grads} & {format_seconds(seconds)} \\\\"
        )
    if len(docs) > 1:
        rows.append("\\midrule")
        grads = f"{grad_pass}/{grad_all} passed" if grad_all else "--"
        rows.append(
            "\\textbf{Total} & "
            + " & ".join(str(totals[v]) for v in VERDICT_ORDER)
            + f" & {total_errata} & {total_unexpected} & {grads} & {format_seconds(total_time)} \\\\"
        )
    return head + "\n".join(rows) + "\n\\bottomrule\n\\end{longtable}}\n"


def gradient_section(doc: DocumentReport, level: int) -> str:
    if not doc.gradient_checks and not doc.figure:
        return ""
    out = [_heading(level, "Gradient checks (finite differences)")]
    out.append(
        "Central differences with $h = 10^{-6}\\max(1,|x_i|)$ against the closed form, "
        "at seeded points; relative error $|fd-g|/\\max(1,|fd|,|g|)$; a size passes below "
        "$10^{-6}$.\\par\n"
    )
    if doc.gradient_checks:
        out.append(
            "\\begin{longtable}{>{\\raggedright\\arraybackslash}p{0.35\\linewidth} r r r r l}\n"
            "\\toprule\nCheck & size & points & max abs error & max rel error & result \\\\\n"
            "\\midrule\n\\endhead\n"
        )
        previous = None
        for g in doc.gradient_checks:
            shown = escape_text(g.name) if g.name != previous else ""
            previous = g.name
            word = (
                "\\textcolor{scproved}{passed}" if g.passed else "\\textcolor{screfuted}{FAILED}"
            )
            out.append(
                f"{shown} & {g.size} & {g.points} & {g.max_abs_error:.3g} & "
                f"{g.max_rel_error:.3g} & {word} \\\\\n"
            )
        out.append("\\bottomrule\n\\end{longtable}\n")
    if doc.figure:
        out.append(
            "\\begin{center}\n\\includegraphics[width=0.72\\linewidth]{"
            + doc.figure
            + "}\\par\n{\\small "
            + escape_text(doc.figure_caption)
            + "}\n\\end{center}\n"
        )
    return "".join(out)


def numeric_section(doc: DocumentReport, level: int) -> str:
    if not doc.numeric and not doc.notes:
        return ""
    out = [_heading(level, "Numeric samples")]
    if doc.data_files:
        out.append(
            "Sample points, both sides' values and errors are in "
            + ", ".join("\\texttt{" + escape_text(f, breakable=True) + "}" for f in doc.data_files)
            + ".\\par\n"
        )
    if doc.numeric:
        out.append(
            "\\begin{longtable}{>{\\raggedright\\arraybackslash}p{0.42\\linewidth} l r >{\\raggedright\\arraybackslash}p{0.3\\linewidth}}\n"
            "\\toprule\nEquation & line & samples & max rel error / why skipped \\\\\n"
            "\\midrule\n\\endhead\n"
        )
        for entry in doc.numeric:
            shown = format_line(entry.line)
            if entry.max_rel_error is None:
                last = "{\\footnotesize " + escape_text(entry.reason) + "}"
            else:
                last = f"{entry.max_rel_error:.3g}"
            out.append(
                f"{escape_text(entry.name)} & {escape_text('' if shown is None else shown)} & "
                f"{entry.samples} & {last} \\\\\n"
            )
        out.append("\\bottomrule\n\\end{longtable}\n")
    for note in doc.notes:
        out.append("{\\small " + escape_text(note) + "}\\par\n")
    return "".join(out)


def document_body(doc: DocumentReport, math: MathRenderer, level: int) -> str:
    """The sections of one document, headings starting at `level` (0 = section)."""
    result = doc.result
    out = []
    if result.definitions:
        out.append(_heading(level, "Definitions"))
        for item in result.definitions:
            out.append(step_block(item, math))
    if result.chains:
        out.append(_heading(level, "Derivation steps"))
        for chain in result.chains:
            title = escape_text(chain.name) if chain.name else "Chain"
            out.append(_heading(level + 1, title))
            if chain.condition:
                out.append("{\\small Case: }" + math.inline(chain.condition) + "\\par\n")
            for step in chain.steps:
                out.append(step_block(step, math))
    if result.claims:
        out.append(_heading(level, "General claims"))
        for claim in result.claims:
            out.append(step_block(claim, math))
    out.append(gradient_section(doc, level))
    out.append(numeric_section(doc, level))
    return "".join(out)


def _header(doc: DocumentReport) -> str:
    result = doc.result
    return (
        "{\\small Source: \\texttt{"
        + escape_text(result.source, breakable=True)
        + "}\\quad Derivation: \\texttt{"
        + escape_text(result.path, breakable=True)
        + "}}\\par\n"
    )


def document_tex(doc: DocumentReport, math: MathRenderer) -> str:
    """A standalone report for one document."""
    title = escape_text(doc.result.title) or "Untitled derivation"
    return (
        PREAMBLE
        + "\\begin{document}\n"
        + "{\\LARGE\\bfseries "
        + title
        + "\\par}\\medskip\n"
        + _header(doc)
        + "\\medskip\n"
        + _heading(0, "Summary")
        + summary_table([doc])
        + legend()
        + document_body(doc, math, 0)
        + "\\end{document}\n"
    )


def combined_tex(docs: Sequence[DocumentReport], math: MathRenderer, title: str) -> str:
    """One report for a directory: summary page, legend, then every document."""
    out = [
        PREAMBLE,
        "\\begin{document}\n",
        "{\\LARGE\\bfseries " + escape_text(title) + "\\par}\\medskip\n",
        _heading(0, "Summary"),
        summary_table(docs),
        "\\medskip\n",
        legend(),
        "\\clearpage\n",
    ]
    for doc in docs:
        heading = escape_text(doc.result.title) or "Untitled derivation"
        out.append(_heading(0, heading))
        out.append(_header(doc))
        out.append(document_body(doc, math, 1))
        out.append("\\clearpage\n")
    out.append("\\end{document}\n")
    return "".join(out)
