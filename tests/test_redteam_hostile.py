"""Red team of the extractor: a false identity, (q+1)^2 = q^2 + 1, hidden in the places a
note's math is easily skipped or misattributed (lists, HTML blocks, tables, footnotes,
quotes, nested environments, arrays, qualifiers, reasons, paragraphs inside a display).
Whatever the place, `check` must either refute it or report it unread: never hold it,
never drop it. The letter q is used by the false identity only, so the lines it is on are
the lines that must carry a finding."""

from __future__ import annotations

import re

import pytest

from symcheck.model import Verdict
from symcheck.verify.notes import check_note
from tests.test_note_reader import SETTINGS, write

FALSE = "(q+1)^2 = q^2 + 1"

PLACES = {
    "align* in a list item": f"1. First\n   \\begin{{align*}}\n   {FALSE}\n   \\end{{align*}}\n2. Second\n",
    "display in an HTML block": f"<div>\n$$ {FALSE} $$\n</div>\n",
    "display in details": f"<details>\n<summary>proof</summary>\n\n$${FALSE}$$\n\n</details>\n",
    "\\[ \\] across paragraphs": "\\[\n(q+1)^2 = q^2\n\n+ 1\n\\]\n",
    "inline between escaped dollars": f"It costs \\$5 and ${FALSE}$ costs \\$6.\n",
    "escaped dollar in text inside math": f"$\\text{{cost in \\$}} = {FALSE}$\n",
    "table cell": f"| a | b |\n|---|---|\n| x | ${FALSE}$ |\n",
    "display in a table cell": f"| a | $${FALSE}$$ |\n",
    "footnote": f"Text[^1].\n\n[^1]: Note that ${FALSE}$.\n",
    "block quote": f"> quoted $${FALSE}$$\n",
    "nested list": f"- a\n  - b $$\\begin{{aligned}} (q+1)^2 &= q^2 + 1 \\end{{aligned}}$$\n",
    "split in equation": f"\\begin{{equation}}\n\\begin{{split}}\n(q+1)^2 &= q^2 + 1\n\\end{{split}}\n\\end{{equation}}\n",
    "gather": f"\\begin{{gather}} x = x \\\\ {FALSE} \\end{{gather}}\n",
    "\\( \\)": f"A pair: \\({FALSE}\\).\n",
    "kramdown \\\\[ \\\\]": f"A pair: \\\\[{FALSE}\\\\]\n",
    "second display on a line": f"Two $$x + x = 2x$$ and $${FALSE}$$.\n",
    "after a tag": f"$$x = x \\tag{{1}}$$ $${FALSE} \\tag{{2}}$$\n",
    "inline over two lines": "$(q+1)^2 =\nq^2 + 1$\n",
    "comment inside a display": "$$(q+1)^2 = q^2 + 1 % a remark\n$$\n",
    "array in a display": f"$$\\begin{{array}}{{l}} {FALSE} \\end{{array}}$$\n",
    "matrix in a display": f"$$\\begin{{matrix}} {FALSE} \\end{{matrix}}$$\n",
    "array inside align*": f"\\begin{{align*}} \\begin{{array}}{{rl}} (q+1)^2 & = q^2 + 1 \\end{{array}} \\end{{align*}}\n",
    "a reason after \\text{since}": f"$$x + x = 2x \\text{{ since }} {FALSE}$$\n",
    "a display opening with \\text{since}": f"$$\\text{{since }} {FALSE}$$\n",
    "a claim after a qualifier and \\text{so}": f"$$x + x = 2x \\text{{ for all }} x, \\text{{ so }} {FALSE}$$\n",
    "a claim after \\forall and \\Rightarrow": f"$$x + x = 2x \\quad \\forall x \\Rightarrow {FALSE}$$\n",
    "a claim after a case and \\text{hence}": f"$$x + x = 2x \\text{{ if }} x = x \\text{{, hence }} {FALSE}$$\n",
    "\\text{and} between equations": f"$$x + x = 2x \\text{{ and }} {FALSE}$$\n",
    "\\quad between equations": f"$$x + x = 2x, \\quad {FALSE}$$\n",
    "inline math in \\intertext": f"\\begin{{align}} a &= a \\\\\n\\intertext{{and so ${FALSE}$ holds}}\nb &= b \\end{{align}}\n",
    "inline math in \\text of a display": f"$$\\text{{we have ${FALSE}$}}$$\n",
    "inline math in \\text after an equation": f"$$x = x \\text{{ and so ${FALSE}$}}$$\n",
    "inline math with spaces inside the dollars": f"We have $ {FALSE} $ here.\n",
    "inline math with a space before the closing dollar": f"We have ${FALSE} $ here.\n",
    "a display over quoted lines": "> $$(q+1)^2\n> = q^2 + 1$$\n",
    "a display over quoted lines in a list": "- item\n\n  > $$(q+1)^2\n  > = q^2 + 1$$\n",
    "a math code fence (GitHub, GitLab)": f"Intro.\n\n```math\n{FALSE}\n```\n",
    "a math tilde fence": f"~~~ math\n{FALSE}\n~~~\n",
    "inline math as $`...`$ (GitHub, GitLab)": f"Inline $`{FALSE}`$ here.\n",
    "a relation spaced as \\mathrel{=}": "$$(q+1)^2 \\mathrel{=} q^2 + 1$$\n",
    "empheq": f"\\begin{{empheq}}[box=\\fbox]{{align}}\n{FALSE}\n\\end{{empheq}}\n",
    "IEEEeqnarray": "\\begin{IEEEeqnarray}{rCl}\n(q+1)^2 &=& q^2 + 1\n\\end{IEEEeqnarray}\n",
    "xalignat": "\\begin{xalignat}{2}\n(q+1)^2 &= q^2 + 1 & x &= x\n\\end{xalignat}\n",
    "the relation written as \\text{ = }": "$$(q+1)^2 \\text{ = } q^2 + 1$$\n",
    "inside \\ensuremath": "$$\\ensuremath{(q+1)^2} = q^2 + 1$$\n",
    "after \\xRightarrow with a label": f"$$x + x = 2x \\xRightarrow[\\text{{so}}]{{x = 1}} {FALSE}$$\n",
    "after \\xrightarrow with a label": f"$$x + x = 2x \\xrightarrow{{x = 1}} {FALSE}$$\n",
    "a reason in brackets after \\quad": f"$$x + x = 2x \\quad (\\because {FALSE})$$\n",
    "a \\text{since} reason in brackets": f"$$x + x = 2x \\qquad (\\text{{since }} {FALSE})$$\n",
}


Q = re.compile(r"(?<![\\A-Za-z])q(?![A-Za-z])")


def findings_on_q_lines(note) -> tuple[set, set]:
    """(lines holding q, lines of those with a refuted or undecided (unread) step that is
    on them or mentions q)."""
    lines = {n for n, text in enumerate(note.read_text().splitlines(), start=1) if Q.search(text)}
    result = check_note(note, None, SETTINGS).result
    flagged = {step.line for chain in result.chains for step in chain.steps
               if step.decision.verdict in (Verdict.REFUTED, Verdict.UNKNOWN)
               and (step.line in lines or Q.search(step.latex))}
    return lines, flagged


@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_false_identity_anywhere_is_refuted_or_reported_unread(tmp_path, place):
    note = write(tmp_path, PLACES[place], notation=None)
    lines, flagged = findings_on_q_lines(note)
    assert flagged, f"{place}: the false identity on lines {sorted(lines)} was neither refuted nor reported"


@pytest.mark.parametrize("text", [
    "$$x + x \\text{ = } 2x$$\n", "$$\\ensuremath{x^2} = x x$$\n",
    "$$x = 2x - x \\xRightarrow{x = 1} x + 1 = 1 + x$$\n", "$$x + x = 2x \\xrightarrow[a]{b} x x = x^2$$\n",
    "$$x + x = 2x \\textrm{ or equivalently } x x = x^2$$\n",
])
def test_the_same_places_read_a_true_identity_as_holding(tmp_path, text):
    steps = [step for chain in check_note(write(tmp_path, text, notation=None), None, SETTINGS).result.chains
             for step in chain.steps]
    assert steps and all(step.decision.verdict.holds for step in steps), [s.decision.reason for s in steps]


def test_the_tex_reader_finds_align_inside_itemize(tmp_path):
    text = f"\\begin{{itemize}}\n\\item first\n\\begin{{align*}}\n{FALSE}\n\\end{{align*}}\n\\end{{itemize}}\n"
    note = write(tmp_path, text, notation=None, name="note.tex")
    assert findings_on_q_lines(note)[1]


@pytest.mark.parametrize("definition", [
    "\\renewcommand{\\exp}{\\log}", "\\renewcommand*{\\exp}{\\log}", "\\def\\exp{\\log}", "\\let\\exp\\log",
    "\\DeclareMathOperator{\\exp}{log}",
])
def test_a_command_the_note_redefines_is_not_read_as_the_reader_knows_it(tmp_path, definition):
    """`\\exp(1) = e` is true as the reader knows \\exp and false as the note renders it."""
    for name, text in (("note.md", f"{definition}\n\n$$\\exp(1) = e$$\n"),
                       ("note.tex", f"\\documentclass{{article}}\n{definition}\n\\begin{{document}}\n"
                                    f"$$\\exp(1) = e$$\n\\end{{document}}\n")):
        steps = [step for chain in check_note(write(tmp_path, text, notation=None, name=name), None, SETTINGS)
                 .result.chains for step in chain.steps]
        assert steps and not any(step.decision.verdict.holds for step in steps), (name, definition)
        assert any("defined in the note itself" in step.decision.reason for step in steps)


def test_a_command_the_notation_rewrites_is_read(tmp_path):
    notation = "[[rewrites]]\npattern = '\\half'\nreplacement = '\\frac{1}{2}'\n"
    note = write(tmp_path, "\\newcommand{\\half}{\\frac{1}{2}}\n\n$$\\half + \\half = 1$$\n", notation=notation)
    steps = [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps]
    assert [step.decision.verdict.holds for step in steps] == [True]


@pytest.mark.parametrize("latex", [
    r"\frac{dy}{dx} = 0", r"\frac{d^2 y}{dx^2} = 0", r"\frac{\partial J}{\partial W} = 0", r"\frac{d}{dx}(a x) = a",
])
def test_a_derivative_of_a_name_nothing_declares_is_not_read_as_a_constant(tmp_path, latex):
    """Read as an independent symbol, y has dy/dx = 0: a wrong proof of what the note means."""
    steps = [step for chain in check_note(write(tmp_path, f"$${latex}$$\n", notation=None), None, SETTINGS)
             .result.chains for step in chain.steps]
    assert steps and not any(step.decision.verdict.holds for step in steps), latex
    assert any("nothing declares or defines" in step.decision.reason for step in steps)


def test_a_derivative_of_a_declared_or_defined_name_is_read(tmp_path):
    notation = "[symbols]\nx = {}\nC = {}\n"
    text = ("$$\\frac{d}{dx} C = 0$$\n\n$$y = x^2 \\Rightarrow \\frac{dy}{dx} = 2x$$\n\n"
            "Let $u := x^3$. Then $$\\frac{du}{dx} = 3x^2$$\n\n$$\\sum_{k=1}^{3} \\frac{d}{dx} (k x) = 6$$\n")
    steps = [step for chain in check_note(write(tmp_path, text, notation=notation), None, SETTINGS)
             .result.chains for step in chain.steps]
    assert [step.decision.verdict.holds for step in steps] == [True] * 4, [s.decision.reason for s in steps]


def test_currency_is_not_reported_as_spaced_math(tmp_path):
    text = "It costs $ 5 and $ 10 = ten dollars; $ 3 = 3 $5 is not math either.\n"
    result = check_note(write(tmp_path, text, notation=None), None, SETTINGS).result
    assert not [step for chain in result.chains for step in chain.steps]


def test_conditions_in_qualifiers_stay_conditions(tmp_path):
    """The rule that a consequence ends a qualifier does not turn a condition into a claim."""
    text = "$$x + x = 2x \\quad \\forall x = 1 \\dots n$$\n$$y \\cdot 0 = 0 \\text{ for } y = 3$$\n"
    result = check_note(write(tmp_path, text, notation=None), None, SETTINGS).result
    verdicts = [step.decision.verdict for chain in result.chains for step in chain.steps]
    assert verdicts and all(verdict.holds for verdict in verdicts)


def test_a_quote_marker_inside_a_display_is_not_a_relation(tmp_path):
    """Read as `q^2 = q^2 > + 1`, the display would prove q^2 = q^2 and drop the rest."""
    note = write(tmp_path, "> $$q^2 = q^2\n> + 1$$\n", notation=None)
    steps = [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps]
    assert [(step.decision.verdict, " ".join(step.latex.split())) for step in steps] == [(Verdict.REFUTED, "q^2 + 1")]


def test_code_stays_code_next_to_math(tmp_path):
    text = "```python\nq = (q+1)**2 == q**2 + 1\n```\n\nCost: $5 and `q = q + 1` then $6.\n\n> ```\n> $q = q + 1$\n> ```\n"
    note = write(tmp_path, text, notation=None)
    assert not check_note(note, None, SETTINGS).result.chains


@pytest.mark.parametrize("environment", ["align", "align*", "alignat}{2", "flalign"])
def test_equations_side_by_side_in_an_alignment_are_two_claims(tmp_path, environment):
    """`q^2 &= q^2 & 1 &= q^2` shows q^2 = q^2 and 1 = q^2; read as one row it was the chain
    q^2 = q^2 \\cdot 1 = q^2, proved."""
    end = environment.split("}")[0]
    text = f"\\begin{{{environment}}}\nq^2 &= q^2 & 1 &= q^2 \\\\\nt &= t && \\text{{(a remark)}}\n\\end{{{end}}}\n"
    note = write(tmp_path, text, notation=None)
    steps = [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps]
    assert sorted((step.decision.verdict.holds, " ".join(step.latex.split())) for step in steps) == [
        (False, "q^2"), (True, "q^2"), (True, "t")]
