"""Every TeX run of `symcheck report`, in one place: the final builds (latexmk) and the
probe runs that validate formulas (pdflatex), plus reading PDFs and logs back.

Every run goes through the sandbox of `symcheck.report.tex` (``-no-shell-escape``,
paranoid kpathsea file access, fixed dates, no stdin, a private directory, its own
process group killed at the time limit).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

from symcheck.report.tex import run_tex

PROBE_TIMEOUT = 120.0


def missing_tools(*, pdftotext: bool = False) -> list[str]:
    """The TeX tools (and optionally pdftotext) that are not on PATH."""
    names = ["latexmk", "pdflatex"] + (["pdftotext"] if pdftotext else [])
    return [name for name in names if shutil.which(name) is None]


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
            done = run_tex([pdflatex, "-interaction=nonstopmode", "-no-shell-escape", "-draftmode", "probe.tex"],
                           Path(tmp), timeout)
        except OSError:
            return None
        log = Path(tmp) / "probe.log"
        if done.returncode is None or not log.exists():
            return None
        return log.read_text(encoding="latin-1")


def pdf_text(pdf: Path, *, timeout: float = 60.0) -> str:
    """The text of a PDF, read with pdftotext (raises FileNotFoundError without it)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise FileNotFoundError("pdftotext not found (Debian package poppler-utils)")
    done = subprocess.run([tool, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=timeout, check=True)
    return done.stdout.decode("utf-8", errors="replace")
