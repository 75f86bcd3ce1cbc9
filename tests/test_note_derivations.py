"""Derivation files that read their steps from the note (`note = "path"`, chains by lines)."""

from pathlib import Path

import pytest

from symcheck.load.coverage import coverage_of, find_source
from symcheck.load.derivation import InputError, read_derivation
from symcheck.verify.documents import verify_file

ROOT = Path(__file__).resolve().parents[1]

NOTE = r"""# Squares

$$\begin{align}
(a+b)^2 &= (a+b)(a+b) \\
&= a^2 + 2ab + b^2 \\
&= a^2 + b^2
\end{align}$$

where $c = a + b$ and $d = a - b$.

$$f(x) = x^2 \Rightarrow f'(x) = 2x$$
"""

HEAD = """note = "notes/squares.md"
title = "squares"
[symbols]
a = {}
b = {}
c = {}
d = {}
x = {}
[functions]
f = {}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "squares.md").write_text(NOTE, encoding="utf-8")
    return tmp_path


def derivation(folder: Path, body: str) -> Path:
    path = folder / "squares.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


CHAIN = """
[[chains]]
name = "square"
lines = "4-6"
[[chains.steps]]
line = 5
why = "expand"
[[chains.steps]]
line = 6
erratum = { note = "cross term dropped", intended = 'a^2 + 2ab + b^2' }
"""


def test_steps_are_read_from_the_note_as_written(folder):
    read = read_derivation(derivation(folder, CHAIN))
    steps = read.chains[0].steps
    assert [step.latex for step in steps] == ["(a+b)^2", "(a+b)(a+b)", "a^2 + 2ab + b^2", "a^2 + b^2"]
    assert [step.line for step in steps] == [4, 4, 5, 6]
    assert steps[2].why == "expand" and steps[3].erratum.intended == "a^2 + 2ab + b^2"
    assert read.source == "squares.md" and read.note == str(folder / "notes" / "squares.md")


def test_verdicts_and_the_erratum_come_from_the_engine(folder):
    result = verify_file(derivation(folder, CHAIN))
    verdicts = [step.decision.verdict.value for step in result.chains[0].steps]
    assert verdicts == ["proved", "proved", "refuted"] and result.all_expected


def test_definitions_and_claims_by_line(folder):
    read = read_derivation(derivation(folder, '[[definitions]]\nline = 9\n[[claims]]\nname = "power"\nline = 11\n'))
    assert [d.latex for d in read.definitions] == ["c = a + b", "d = a - b"]
    assert read.claims[0].latex == "f'(x) = 2x" and read.claims[0].given == ("f(x) = x^2",)
    assert verify_file(Path(read.path)).claims[0].decision.verdict.value == "proved"


def test_a_member_is_chosen_when_a_line_holds_two(folder):
    body = '[[chains]]\nname = "s"\nlines = "4-6"\n[[chains.steps]]\nline = 4\nmember = 2\nwhy = "square"\n'
    assert read_derivation(derivation(folder, body)).chains[0].steps[1].why == "square"
    with pytest.raises(InputError, match="2 members"):
        read_derivation(derivation(folder, body.replace("member = 2\n", "")))


def test_bad_references_are_input_errors_with_the_file(folder):
    with pytest.raises(InputError, match="no chain"):
        read_derivation(derivation(folder, '[[chains]]\nname = "s"\nlines = "1-2"\n'))
    with pytest.raises(InputError, match="2 chains|erratum needs one"):
        read_derivation(derivation(folder, '[[definitions]]\nline = 9\nerratum = { note = "n", intended = "c = 1" }\n'))
    missing = derivation(folder, "").read_text().replace("notes/squares.md", "notes/none.md")
    (folder / "squares.toml").write_text(missing)
    with pytest.raises(InputError, match="not found") as error:
        read_derivation(folder / "squares.toml")
    assert error.value.path.endswith("squares.toml")


def test_coverage_checks_itself(folder):
    read = read_derivation(derivation(folder, CHAIN + '[[definitions]]\nline = 9\n[[claims]]\nname = "p"\nline = 11\n'))
    report = coverage_of(read, find_source(read).read_text(encoding="utf-8"))
    assert report.complete and not report.misquoted


def test_an_override_is_checked_as_a_quote(folder):
    body = CHAIN.replace('why = "expand"', "why = \"expand\"\nlatex = 'a^2 + 2ba + b^2'")
    read = read_derivation(derivation(folder, body))
    report = coverage_of(read, find_source(read).read_text(encoding="utf-8"))
    assert [m.latex for m in report.misquoted] == ["a^2 + 2ba + b^2"]


SEED_004 = ROOT.parent / "shared" / "seeds" / "004_72ee6677b536daaa.txt"


@pytest.mark.skipif(not SEED_004.is_file(), reason="seeds not found")
def test_seed_004_from_its_note_has_the_verdicts_of_the_hand_encoding():
    def verdicts(path: Path) -> list:
        return [(step.decision.verdict, step.expected) for step in verify_file(path).all_results()]

    from_note = ROOT / "examples" / "derivations" / "004_softmax_jacobian.toml"
    assert verdicts(from_note) == verdicts(ROOT / "derivations" / "004_softmax_jacobian.toml")
    assert len(from_note.read_text().splitlines()) < len((ROOT / "derivations" / "004_softmax_jacobian.toml").read_text().splitlines())
