"""Diagnostics from verdict data, and the text / GitHub / JUnit printers."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from symcheck.notes.extract import extract_math
from symcheck.model import (
    Adoption,
    ChainResult,
    Counterexample,
    Decision,
    DocumentResult,
    ErratumResult,
    GradientCheckResult,
    Remark,
    StepResult,
    Verdict,
)
from symcheck.printers.diagnostics import (
    PRINTERS,
    UNPARSABLE,
    Diagnostic,
    GitHubPrinter,
    JUnitPrinter,
    TextPrinter,
    diagnostics_from,
    exit_code,
    fragment_locator,
    get_printer,
    github_escape_data,
    github_escape_property,
    render,
)


def decision(verdict: Verdict, **kwargs) -> Decision:
    return Decision(verdict=verdict, strategy=kwargs.pop("strategy", "simplify"), seconds=0.25, **kwargs)


def step(verdict: Verdict, line=10, latex="b", expected=None, name="chain", erratum=None, **kwargs) -> StepResult:
    if expected is None:
        expected = verdict.holds
    return StepResult(
        kind="step", name=name, source="notes/softmax.md", line=line, latex=latex,
        decision=decision(verdict, **kwargs), expected=expected, erratum=erratum, previous_latex="a",
    )


REFUTED = step(
    Verdict.REFUTED, line=12, latex="S_i(1+S_j)", reason="differs at a sampled point",
    counterexample=Counterexample({"a_1": "0", "a_2": "1"}, lhs="0.196", rhs="0.321"),
)
CONDITIONAL = step(Verdict.CONDITIONAL, line=13, latex="S_i", condition="i = j")
UNKNOWN = step(Verdict.UNKNOWN, line=14, latex="\\Gamma(x)", reason="timed out after 10 s", strategy="timeout")
UNPARSED = step(Verdict.UNKNOWN, line=15, latex="\\foo{", reason="unbalanced braces", strategy=UNPARSABLE)
PROVED = step(Verdict.PROVED, line=11, latex="e^{a}")
NUMERIC = step(Verdict.NUMERIC, line=16, latex="x", reason="equal at 20 points")


def document(*steps: StepResult, gradient_checks=()) -> DocumentResult:
    return DocumentResult(
        path="notes/softmax.md", source="notes/softmax.md", title="softmax",
        definitions=(), chains=(ChainResult("chain", None, tuple(steps)),), claims=(),
        gradient_checks=tuple(gradient_checks), seconds=1.5,
    )


ALL = document(PROVED, REFUTED, CONDITIONAL, UNKNOWN, UNPARSED, NUMERIC)


# ---------------------------------------------------------------- diagnostics


def test_severities_and_messages():
    found = diagnostics_from(ALL)
    assert [(d.line, d.severity, d.verdict) for d in found] == [
        (12, "error", "refuted"), (13, "warning", "conditional"), (14, "note", "unknown"), (15, "warning", "unknown"),
    ]
    refuted, conditional, unknown, unparsed = found
    assert refuted.message == (
        "step is refuted: differs at a sampled point; counterexample: a_1=0, a_2=1, lhs=0.196, rhs=0.321"
    )
    assert refuted.counterexample == REFUTED.decision.counterexample
    assert refuted.latex == "S_i(1+S_j)" and refuted.path == "notes/softmax.md" and refuted.step is REFUTED
    assert conditional.message == "step holds only if i = j"
    assert unknown.message == "could not decide step: timed out after 10 s"
    assert unparsed.message == "cannot read the math: unbalanced braces"
    already_said = step(Verdict.UNKNOWN, reason="cannot read LaTeX: unknown command \\foo", strategy=UNPARSABLE)
    assert [d.message for d in diagnostics_from(document(already_said))] == ["cannot read the math: unknown command \\foo"]


def test_strict_makes_unreadable_math_an_error_and_numeric_notes_are_opt_in():
    strict = diagnostics_from(ALL, strict=True)
    assert [d.severity for d in strict if d.line == 15] == ["error"]
    assert [d.message for d in diagnostics_from(ALL, numeric_notes=True) if d.line == 16] == [
        "numeric evidence only: equal at 20 points"
    ]


def test_proved_under_its_case_is_silent_and_conditional_is_always_a_warning():
    on_its_case = step(Verdict.PROVED, condition="i = j")
    assert diagnostics_from(document(on_its_case)) == []
    unstated = step(Verdict.CONDITIONAL, condition="i = j", expected=True)
    assert [d.severity for d in diagnostics_from(document(unstated))] == ["warning"]


def test_remarks_are_diagnostics_of_their_own_and_messages_name_the_member_compared_with():
    carried = replace(step(Verdict.PROVED, line=20), remarks=(Remark("note", "the error there is carried"),),
                      compared_with="19:4")
    wrong = replace(REFUTED, compared_with="11:3")
    found = diagnostics_from(document(carried, wrong))
    assert [(d.line, d.severity, d.counterexample is None) for d in found] == [
        (20, "note", True), (12, "error", False)]
    assert found[0].message == "the error there is carried"
    assert found[1].message.endswith("(compared with 11:3)")


def test_unreadable_math_shows_a_caret_and_the_summary_counts_unread_members():
    unread = replace(UNPARSED, latex="x + \\foo{", unread_at=4)
    text = render("text", diagnostics_from(document(unread)), [document(unread)])
    assert "    x + \\foo{\n        ^" in text
    assert text.splitlines()[-1].endswith("; 1 member not read")


def test_verbose_text_lists_adopted_definitions():
    adopted = replace(document(PROVED), adopted=(Adoption("q", 3, 5, "q = x^2"),))
    assert "notes/softmax.md:3:5: definition adopted: q = x^2" in render("text", [], [adopted], verbose=True)
    assert "adopted" not in render("text", [], [adopted])


def test_errata_as_expected_are_silent_and_unexpected_ones_are_errors():
    intended_ok = ErratumResult("sign slip", "a - b", decision(Verdict.PROVED))
    intended_bad = ErratumResult("sign slip", "a - b", decision(Verdict.REFUTED, reason="still wrong"))
    as_declared = step(Verdict.REFUTED, erratum=intended_ok, expected=True)
    no_longer_refuted = step(Verdict.PROVED, erratum=intended_ok, expected=False)
    intended_fails = step(Verdict.REFUTED, erratum=intended_bad, expected=False)
    found = diagnostics_from(document(as_declared, no_longer_refuted, intended_fails))
    assert [d.severity for d in found] == ["error", "error"]
    assert found[0].message.startswith("erratum not found: the step is proved as written")
    assert found[1].message == "intended form of the erratum is refuted: still wrong"


def test_line_ranges_and_explicit_path():
    ranged = step(Verdict.REFUTED, line=(80, 84))
    (diagnostic,) = diagnostics_from(document(ranged), path="seeds/004.txt")
    assert (diagnostic.path, diagnostic.line, diagnostic.col, diagnostic.end_line) == ("seeds/004.txt", 80, None, 84)


def test_fragment_locator_gives_columns():
    (chain,) = extract_math("intro\n$$a = b\n= S_i(1+S_j)$$", "notes/softmax.md")
    member = chain.members[2]
    located = step(Verdict.REFUTED, line=member.line, latex=member.latex)
    (diagnostic,) = diagnostics_from(document(located), locate=fragment_locator([chain]))
    assert (diagnostic.line, diagnostic.col, diagnostic.end_line, diagnostic.end_col) == (3, 3, 3, 13)


def test_failed_gradient_check_is_an_error():
    checks = [GradientCheckResult("dL/ds", 3, 1e-12, 1e-12, 20, True), GradientCheckResult("dL/ds", 4, 0.5, 0.2, 20, False)]
    (diagnostic,) = diagnostics_from(document(PROVED, gradient_checks=checks))
    assert diagnostic.severity == "error" and diagnostic.step is None
    assert diagnostic.message.startswith("gradient check failed: dL/ds at size 4")


def test_severity_is_validated():
    with pytest.raises(ValueError):
        Diagnostic("p", 1, 1, "fatal", "m", "refuted")


@pytest.mark.parametrize(
    ("severities", "strict", "code"),
    [
        ((), False, 0), ((), True, 0),
        (("note", "warning"), False, 0), (("note",), True, 1), (("warning",), True, 1),
        (("error",), False, 1), (("note", "error"), True, 1),
    ],
)
def test_exit_code(severities, strict, code):
    diagnostics = [Diagnostic("p", 1, 1, severity, "m", "unknown") for severity in severities]
    assert exit_code(diagnostics, strict) == code


# ---------------------------------------------------------------- printers


def test_printers_are_chosen_by_name():
    assert set(PRINTERS) == {"text", "github", "junit"}
    assert isinstance(get_printer("github"), GitHubPrinter)
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        get_printer("xml")


def test_text_printer_is_compiler_like():
    (chain,) = extract_math("intro\n$$a = b\n= S_i(1+S_j)$$", "notes/softmax.md")
    located = step(REFUTED.decision.verdict, line=3, latex="S_i(1+S_j)", reason="differs",
                   counterexample=Counterexample({"a_1": "0"}, "1", "2"))
    doc = document(PROVED, located, UNKNOWN)
    found = diagnostics_from(doc, locate=fragment_locator([chain]))
    text = TextPrinter().format(found, [doc])
    assert text.splitlines() == [
        "notes/softmax.md:3:3: error: step is refuted: differs; counterexample: a_1=0, lhs=1, rhs=2",
        "notes/softmax.md:14: note: could not decide step: timed out after 10 s",
        "symcheck: 1 error, 0 warnings, 1 note in 3 steps of 1 file",
    ]
    verbose = TextPrinter(show_latex=True, summary=False).format(found)
    assert verbose.splitlines()[1] == "    S_i(1+S_j)"
    stream = io.StringIO()
    TextPrinter(summary=False).write(stream, [])
    assert stream.getvalue() == ""


def test_github_escaping():
    assert github_escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github_escape_property("dir,with:odd%name") == "dir%2Cwith%3Aodd%25name"


def test_github_printer_commands():
    diagnostics = [
        Diagnostic("notes/a,b:c.md", 3, 5, "error", "step is refuted: 50% off\nsecond line", "refuted",
                   latex="x", end_line=3, end_col=9),
        Diagnostic("n.md", 7, 1, "warning", "step holds only if i = j", "conditional", end_line=9, end_col=2),
        Diagnostic("n.md", None, None, "note", "could not decide step", "unknown"),
    ]
    lines = GitHubPrinter().format(diagnostics).splitlines()
    assert lines == [
        "::error file=notes/a%2Cb%3Ac.md,line=3,col=5,endColumn=8,title=symcheck::"
        "step is refuted: 50%25 off%0Asecond line%0Ax",
        "::warning file=n.md,line=7,col=1,endLine=9,title=symcheck::step holds only if i = j",
        "::notice file=n.md,title=symcheck::could not decide step",
    ]
    assert all("\n" not in line for line in lines)


def _parse(xml_text: str) -> ET.Element:
    assert xml_text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(xml_text.split("\n", 1)[1])


def test_junit_printer_one_suite_per_document_one_case_per_step():
    checks = [GradientCheckResult("grad", 4, 0.5, 0.2, 20, False)]
    doc = document(PROVED, REFUTED, CONDITIONAL, UNKNOWN, UNPARSED, gradient_checks=checks)
    other = DocumentResult("derivations/b.toml", "b.txt", "b", (), (ChainResult("c", None, (PROVED,)),), ())
    root = _parse(JUnitPrinter().format(diagnostics_from(doc) + diagnostics_from(other), [doc, other]))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["notes/softmax.md", "derivations/b.toml"]
    first = suites[0]
    assert (first.get("tests"), first.get("failures"), first.get("skipped"), first.get("errors")) == ("6", "2", "3", "0")
    assert (root.get("tests"), root.get("failures")) == ("7", "2")
    cases = first.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "chain::line 11", "chain::line 12", "chain::line 13", "chain::line 14", "chain::line 15",
        "gradient check grad [size 4]",
    ]
    assert cases[0].find("failure") is None and cases[0].find("skipped") is None
    failure = cases[1].find("failure")
    assert failure.get("type") == "refuted" and "counterexample: a_1=0" in failure.get("message")
    assert (cases[1].get("file"), cases[1].get("line")) == ("notes/softmax.md", "12")
    assert cases[2].find("skipped").get("message") == "warning: step holds only if i = j"
    assert cases[5].find("failure") is not None


def test_junit_strict_turns_notes_into_failures_and_handles_odd_text():
    odd = step(Verdict.UNKNOWN, line=3, latex="a < b & \x01c", reason="<tag> & \"quotes\"")
    doc = document(odd, odd)
    root = _parse(JUnitPrinter().format(diagnostics_from(doc, strict=True), [doc], strict=True))
    cases = root.find("testsuite").findall("testcase")
    assert [c.get("name") for c in cases] == ["chain::line 3", "chain::line 3 [2]"]
    assert all(c.find("failure") is not None for c in cases)
    assert "<tag> & \"quotes\"" in cases[0].find("failure").get("message")


def test_junit_diagnostics_without_documents():
    diagnostics = [Diagnostic("notes/x.md", 4, 2, "error", "cannot read file", "")]
    root = _parse(JUnitPrinter().format(diagnostics))
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "notes/x.md" and suite.get("failures") == "1"
    assert suite.find("testcase").get("line") == "4"


def test_junit_names_of_check_chains_and_multiline_latex():
    first = step(Verdict.PROVED, line=63, name="line 63")
    second = step(Verdict.REFUTED, line=64, name="line 63", latex="\\begin{cases}\n1 \\\\\n0\n\\end{cases}")
    alone = step(Verdict.PROVED, line=70, name="line 70")
    doc = document(first, second, alone)
    cases = _parse(JUnitPrinter().format(diagnostics_from(doc), [doc])).findall("testsuite/testcase")
    assert [c.get("name") for c in cases] == ["line 63", "line 63::line 64", "line 70"]
    assert cases[1].find("failure").text.splitlines()[1:] == ["    \\begin{cases}", "    1 \\\\", "    0", "    \\end{cases}"]


def test_junit_known_erratum_passes_with_a_note():
    erratum = ErratumResult("sign slip", "a - b", decision(Verdict.PROVED))
    as_declared = step(Verdict.REFUTED, erratum=erratum, expected=True)
    doc = document(as_declared)
    case = _parse(JUnitPrinter().format(diagnostics_from(doc), [doc])).find("testsuite/testcase")
    assert case.find("failure") is None
    assert case.find("system-out").text == "known erratum (sign slip): refuted as written, proved as intended"
