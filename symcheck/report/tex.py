r"""TeX from untrusted input: the allow-list for source math, and the sandboxed TeX run.

**Allow-list.** Source formulas are typeset only when every control word in them is in
`ALLOWED_MACROS`: the math constructs symcheck reads (fractions, sums, accents, fonts,
delimiters, Greek letters, relations and operators), nothing that reads or writes files,
defines anything, expands names (``\csname``, ``\UseName``) or changes TeX's state. The
check runs on exactly the text TeX will see: after Unicode NFKC normalisation (so a
fullwidth ``＾＾`` is ``^^`` when it is checked) and after the report's own Unicode
mapping. ``^^`` character codes are refused outright, so no other character can become
a backslash, a brace or a catcode change. Anything refused is shown verbatim.

**Sandbox.** `run_tex` runs a TeX command with ``-no-shell-escape``, paranoid kpathsea
file access (``openin_any=p``, ``openout_any=p``: no absolute paths, no ``..``, no dot
files), stdin closed, in its own process group, under a wall-clock limit after which the
whole group (latexmk and every pdflatex it started) is killed; an interrupt kills it too.
`compile_tex` builds in a private temporary directory per call, so two runs into one
output directory never share auxiliary files, and copies only the PDF out.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Optional, Sequence

TEX_SECONDS = 120.0

ALLOWED_MACROS = frozenset(
    """
    frac dfrac tfrac cfrac over binom dbinom tbinom sqrt sum prod int iint oint lim limsup liminf
    max min sup inf arg argmax argmin det dim exp log ln lg sin cos tan cot sec csc arcsin arccos
    arctan sinh cosh tanh coth softmax diag tr operatorname limits nolimits displaystyle textstyle
    scriptstyle left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr
    langle rangle lvert rvert lVert rVert vert Vert lfloor rfloor lceil rceil lbrace rbrace lbrack
    rbrack backslash mid nmid parallel
    hat widehat tilde widetilde bar overline underline vec dot ddot acute grave breve check
    mathring overbrace underbrace overset underset stackrel boxed cancel bcancel xcancel cancelto
    mathbf mathrm mathit mathsf mathtt mathcal mathscr mathfrak mathbb mathbbm bm boldsymbol
    text textbf textit textrm textsf texttt mbox
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa varkappa lambda
    mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta
    Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega varGamma varDelta ell hbar imath jmath
    partial nabla infty emptyset varnothing aleph Re Im wp prime surd top bot intercal dagger
    checkmark
    cdot cdots ldots dots dotsb dotsc dotsm dotsi vdots ddots times div pm mp ast star circ bullet
    odot oslash otimes oplus ominus cap cup setminus wedge vee land lor lnot neg
    eq ne neq le leq ge geq lt gt leqslant geqslant ll gg approx sim simeq cong equiv propto
    coloneqq eqqcolon doteq in notin ni subset subseteq supset supseteq forall exists nexists
    to gets rightarrow leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow longrightarrow
    longleftarrow Longrightarrow Longleftarrow mapsto longmapsto hookrightarrow uparrow downarrow
    implies impliedby iff therefore because
    quad qquad enspace thinspace negthinspace hspace phantom hphantom vphantom
    begin end
    """.split()
)


def allowed(command: str) -> bool:
    """May the control word ``\\command`` appear in a typeset formula?"""
    return command in ALLOWED_MACROS


def normalized(latex: str, keep: Collection[str] = ()) -> str:
    """`latex` in Unicode NFKC form, except the characters in `keep` (which the caller maps
    itself). Fullwidth and other compatibility forms become the ASCII TeX will read."""
    return "".join(char if char in keep else unicodedata.normalize("NFKC", char) for char in latex)


class CharCodeNotation(ValueError):
    """``^^`` notation: TeX would read a different character than the one checked."""


def refuse_char_codes(text: str) -> None:
    if "^^" in text:
        raise CharCodeNotation("TeX character-code notation ^^")


# ---------------------------------------------------------------- running TeX


def tex_environment() -> dict[str, str]:
    """Environment for pdflatex/latexmk: paranoid file access, no shell escape, fixed dates."""
    env = dict(os.environ)
    for variable in ("TEXINPUTS", "TEXMFOUTPUT", "TEXMFCNF", "TEXMFHOME", "TEXMFVAR", "TEXMFCONFIG"):
        env.pop(variable, None)
    env.update(
        {
            "openout_any": "p",
            "openin_any": "p",
            "shell_escape": "f",
            "SOURCE_DATE_EPOCH": "0",
            "FORCE_SOURCE_DATE": "1",
            "max_print_line": "10000",
            "error_line": "254",
            "half_error_line": "238",
        }
    )
    return env


@dataclass
class TexRun:
    returncode: Optional[int]  # None: killed at the time limit
    output: str


def run_tex(command: Sequence[str], cwd: Path, timeout: float = TEX_SECONDS) -> TexRun:
    """Run a TeX command in its own process group; at `timeout`, or on any exception
    (an interrupt included), kill the whole group so that no pdflatex is left behind."""
    process = subprocess.Popen(
        list(command), cwd=cwd, env=tex_environment(), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        return TexRun(process.returncode, output.decode("utf-8", "replace"))
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return TexRun(None, f"killed after {timeout:g} s")
    except BaseException:
        _kill_group(process)
        raise
    finally:
        _kill_group(process)  # anything the command left running in its group


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.returncode is None:
        process.wait()


@dataclass
class CompileResult:
    ok: bool
    pdf: Optional[Path]
    log_tail: str = ""
    log: str = ""  # the whole LaTeX log (the build directory is gone)


def compile_tex(tex: Path, *, timeout: float = TEX_SECONDS) -> CompileResult:
    """Build `tex` with latexmk/pdflatex in a private temporary directory and copy the PDF
    beside it (see module docstring)."""
    latexmk = shutil.which("latexmk")
    if latexmk is None or shutil.which("pdflatex") is None:
        return CompileResult(False, None, "latexmk/pdflatex not found")
    tex = Path(tex)
    with tempfile.TemporaryDirectory(prefix="symcheck-tex-") as build:
        source = Path(build) / tex.name
        shutil.copyfile(tex, source)
        for figure in included_files(tex):
            shutil.copyfile(figure, Path(build) / figure.name)
        command = [latexmk, "-pdf", "-norc", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                   tex.name]
        done = run_tex(command, Path(build), timeout)
        built = Path(build) / (tex.stem + ".pdf")
        log_path = Path(build) / (tex.stem + ".log")
        log = log_path.read_text(encoding="latin-1") if log_path.exists() else done.output
        if done.returncode != 0 or not built.exists():
            return CompileResult(False, None, _errors(log), log)
        target = tex.with_suffix(".pdf")
        shutil.copyfile(built, target)
    return CompileResult(True, target, log=log)


_INCLUDED = re.compile(r"\\includegraphics(?:\[[^\]]*\])?\{([A-Za-z0-9._-]+)\}")


def included_files(tex: Path) -> list[Path]:
    """The figures `tex` includes that stand beside it (plain file names only: the report
    writes these names itself, and nothing outside the output directory is copied)."""
    names = sorted(set(_INCLUDED.findall(tex.read_text(encoding="utf-8"))))
    return [tex.parent / name for name in names if (tex.parent / name).is_file()]


def _errors(log: str) -> str:
    errors = [line for line in log.splitlines() if line.startswith("!")]
    return "; ".join(errors[:3]) or "\n".join(log.splitlines()[-5:])
