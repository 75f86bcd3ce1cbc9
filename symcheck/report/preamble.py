"""The LaTeX preamble of every report and the mark, word and meaning of each verdict."""

from __future__ import annotations

from typing import Optional

from symcheck.model import Verdict
from symcheck.report.escape import escape_text

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
% a formula in the current line width: at its natural size, else scaled down to no less
% than 80%, else set as a paragraph that breaks after top-level relations and operators
% (\left...\right become plain delimiters there, so what they enclose can break too)
\newcommand\fitmath[1]{\sbox\symcheckbox{$\displaystyle #1$}%
  \ifdim\wd\symcheckbox>\linewidth
    \ifdim0.8\wd\symcheckbox>\linewidth
      {\raggedright\hangindent=2em\hangafter=1\relax\let\left\breakableleft\let\right\breakableright
       \let\middle\breakablemiddle$\displaystyle #1$\par}%
    \else\resizebox{\linewidth}{!}{\usebox\symcheckbox}\fi
  \else\usebox\symcheckbox\fi}
\newcommand\breakabledelim[1]{\ifx.#1\else#1\fi}
\newcommand\breakableleft[1]{\mathopen{\breakabledelim#1}}
\newcommand\breakableright[1]{\mathclose{\breakabledelim#1}}
\newcommand\breakablemiddle[1]{\mathrel{\breakabledelim#1}}
\newcommand\mathblock[1]{\par\smallskip{\noindent\fitmath{#1}\par}\smallskip}
\newcommand\mathinline[1]{$#1$}
% needspace's \needspace: a page break here unless #1 of room is left
\newcommand\keepspace[1]{\par\penalty-100\begingroup\dimen0=#1\relax
  \vskip0pt plus\dimen0\penalty-100\vskip0pt plus-\dimen0\vskip\dimen0\penalty9999
  \vskip-\dimen0\vskip0pt\endgroup}
\newcommand\sectionhead[1]{\keepspace{8\baselineskip}\section*{#1}}
\newcommand\subsectionhead[1]{\keepspace{7\baselineskip}\subsection*{#1}}
\newcommand\subsubsectionhead[1]{\keepspace{6\baselineskip}\subsubsection*{#1}}
\newcommand\paragraphhead[1]{\keepspace{5\baselineskip}\paragraph*{#1}}
\emergencystretch=2em
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


def format_seconds(seconds: Optional[float]) -> str:
    if seconds is None:
        return ""
    if seconds < 0.01:
        return f"{seconds * 1000:.1f}\\,ms"
    return f"{seconds:.2f}\\,s"


_LEVELS = ("sectionhead", "subsectionhead", "subsubsectionhead", "paragraphhead")


def heading(level: int, text: str) -> str:
    """A heading that keeps some of its body on the same page."""
    return f"\\{_LEVELS[min(level, len(_LEVELS) - 1)]}{{{text}}}\n"
