"""Every TeX run of `symcheck report`, in one place: the final builds (latexmk) and the
probe runs that validate formulas (pdflatex), plus reading PDFs and logs back.

Runs use ``-no-shell-escape``, an environment with paranoid kpathsea file access and
fixed dates (`tex_environment`), no stdin, and a time limit.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

BUILD_DIR = "_build"
LATEX_TIMEOUT = 240.0
PROBE_TIMEOUT = 120.0


def tex_environment() -> dict[str, str]:
    """Environment for pdflatex/latexmk: paranoid file access, fixed dates, long log lines."""
    env = dict(os.environ)
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


def missing_tools(*, pdftotext: bool = False) -> list[str]:
    """The TeX tools (and optionally pdftotext) that are not on PATH."""
    names = ["latexmk", "pdflatex"] + (["pdftotext"] if pdftotext else [])
    return [name for name in names if shutil.which(name) is None]


@dataclass
class CompileResult:
    ok: bool
    pdf: Optional[Path]
    log_tail: str = ""


def compile_tex(tex: Path, *, timeout: float = LATEX_TIMEOUT) -> CompileResult:
    """Build `tex` with latexmk/pdflatex into `<dir>/_build` and copy the PDF beside it."""
    latexmk = shutil.which("latexmk")
    if latexmk is None or shutil.which("pdflatex") is None:
        return CompileResult(False, None, "latexmk/pdflatex not found")
    tex = Path(tex)
    build = tex.parent / BUILD_DIR
    build.mkdir(parents=True, exist_ok=True)
    built = build / (tex.stem + ".pdf")
    if built.exists():
        built.unlink()
    cmd = [latexmk, "-pdf", "-norc", "-interaction=nonstopmode", "-halt-on-error",
           "-no-shell-escape", f"-outdir={BUILD_DIR}", tex.name]
    try:
        done = subprocess.run(cmd, cwd=tex.parent, env=tex_environment(), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return CompileResult(False, None, f"latexmk timed out after {timeout:.0f} s")
    if done.returncode != 0 or not built.exists():
        log = build_log(tex) or done.stdout.decode("utf-8", "replace")
        errors = [line for line in log.splitlines() if line.startswith("!")]
        return CompileResult(False, None, "; ".join(errors[:3]) or "\n".join(log.splitlines()[-5:]))
    target = tex.with_suffix(".pdf")
    shutil.copyfile(built, target)
    return CompileResult(True, target)


def build_log(tex: Path) -> str:
    """The LaTeX log of the last build of `tex` ("" when there is none)."""
    log = Path(tex).parent / BUILD_DIR / (Path(tex).stem + ".log")
    return log.read_text(encoding="latin-1") if log.exists() else ""


_OVERFULL = re.compile(r"^Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)", re.MULTILINE)


def overfull_boxes(log: str, tolerance: float = 1.0) -> list[float]:
    """How far each line that sticks out by more than `tolerance` pt does, from a LaTeX log."""
    return [float(m.group(1)) for m in _OVERFULL.finditer(log) if float(m.group(1)) > tolerance]


def run_probe(pdflatex: str, source: str, *, timeout: float = PROBE_TIMEOUT) -> Optional[str]:
    """Run pdflatex (draft mode) on `source` in a temporary directory; its log, or None
    when it timed out or left no log."""
    with tempfile.TemporaryDirectory(prefix="symcheck-probe-") as tmp:
        (Path(tmp) / "probe.tex").write_text(source, encoding="utf-8")
        try:
            subprocess.run([pdflatex, "-interaction=nonstopmode", "-no-shell-escape", "-draftmode", "probe.tex"],
                           cwd=tmp, env=tex_environment(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=timeout, check=False)
        except (subprocess.TimeoutExpired, OSError):
            return None
        log = Path(tmp) / "probe.log"
        return log.read_text(encoding="latin-1") if log.exists() else None


def pdf_text(pdf: Path, *, timeout: float = 60.0) -> str:
    """The text of a PDF, read with pdftotext (raises FileNotFoundError without it)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise FileNotFoundError("pdftotext not found (Debian package poppler-utils)")
    done = subprocess.run([tool, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=timeout, check=True)
    return done.stdout.decode("utf-8", errors="replace")
