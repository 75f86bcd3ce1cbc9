r"""Source math made safe to typeset.

`prepare_math` accepts only control words on an allow-list
(`symcheck.report.tex.ALLOWED_MACROS`: the math constructs symcheck reads), checked after
Unicode NFKC normalisation, so nothing can read or write files, run commands, expand names
or change TeX's state; it rejects ``^^`` character codes, environments outside a small list
(cases, matrices, aligned ...), and unbalanced braces. It also repairs what pdflatex would choke on: unicode arrows and
symbols become commands, ``%`` and ``#`` are escaped, ``align``/``eqnarray`` become
``aligned`` (we are already in math), top-level ``&``/``\\`` get an ``aligned`` around
them, ``\mathbb{1}`` becomes ``\mathbf{1}``, and ``\label``/``\tag``/``\nonumber`` are
dropped.
"""

from __future__ import annotations

import re
from typing import Optional

from symcheck.read.texscan import matching_brace
from symcheck.report import tex as texsandbox
from symcheck.report.escape import UNICODE_MATH, _CIRCLED, _ascii_fallback

_MAPPED = frozenset(UNICODE_MATH) | frozenset(_CIRCLED)  # mapped here rather than by NFKC

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
