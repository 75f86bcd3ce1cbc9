r"""Text as inert LaTeX: the ten TeX specials, ``< > | [ ] "`` and backquote become inert
commands, control characters become spaces, and non-ASCII characters are mapped to LaTeX
equivalents (arrows, Greek letters, circled digits, typographic quotes) or to their ASCII
decomposition, else ``?``. No user text is ever read by TeX as a command.
"""

from __future__ import annotations

import unicodedata
from typing import Optional

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
