"""Finding equation chains, with exact source positions, in Markdown / LaTeX / text notes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symcheck.notes.extract import MathChain, MathFragment, extract_file, extract_math, note_files

SEED_004 = Path("/work/shared/seeds/004_72ee6677b536daaa.txt")


def chains(text: str, path: str = "notes.md") -> list[MathChain]:
    return extract_math(text, path)


def latexes(chain: MathChain) -> list[str]:
    return [member.latex for member in chain.members]


def offset(text: str, line: int, col: int) -> int:
    """Independent (line, col) -> offset: line breaks are \\r\\n, \\n or \\r."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    return starts[line - 1] + col - 1


def assert_positions_match_source(text: str, found: list[MathChain]) -> None:
    for chain in found:
        for member in chain.members:
            start = offset(text, member.line, member.col)
            end = offset(text, member.end_line, member.end_col)
            assert text[start] == member.latex[0], member
            assert text[end - 1] == member.latex[-1], member
            if member.line == member.end_line:
                assert member.end_col - member.col == len(member.latex) or " " in member.latex


# ---------------------------------------------------------------- inline math


def test_inline_equation_columns():
    (chain,) = chains("Let $a=b$ hold.")
    assert chain.display is False
    assert chain.members == (MathFragment("a", 1, 6, 1, 7), MathFragment("b", 1, 8, 1, 9))


def test_inline_without_equals_is_not_a_chain():
    assert chains("The vector $a \\in \\mathbb{R}^N$ and $S_i$ here.") == []


def test_inline_chain_of_three_on_a_later_line():
    text = "intro\n  so $x = 1 = y$ ok"
    (chain,) = chains(text)
    assert [(m.latex, m.line, m.col) for m in chain.members] == [("x", 2, 7), ("1", 2, 11), ("y", 2, 15)]
    assert_positions_match_source(text, [chain])


def test_escaped_dollar_and_currency_are_not_math():
    assert chains("It costs \\$5 = a lot, or $5 and $10 = b, or US$3.") == []
    (chain,) = chains("price $5. Then $x=1$ holds")
    assert latexes(chain) == ["x", "1"]


def test_inline_does_not_cross_a_blank_line():
    assert chains("a $x = \n\ny$ b") == []


def test_backslash_parens_inline_and_brackets_display():
    found = chains("\\[ f(x) = x^2 \\] and \\( g = h \\)")
    assert [(c.display, latexes(c)) for c in found] == [(True, ["f(x)", "x^2"]), (False, ["g", "h"])]


# ---------------------------------------------------------------- displays


def test_double_dollar_spanning_lines_keeps_positions():
    text = "Text before\n$$\n  a\n  = b + c\n  = d\n$$\nafter"
    (chain,) = chains(text)
    assert chain.display
    assert [(m.latex, m.line, m.col) for m in chain.members] == [("a", 3, 3), ("b + c", 4, 5), ("d", 5, 5)]
    assert chain.members[1].end_col == 10
    assert_positions_match_source(text, [chain])


def test_align_rows_with_ampersand_continuation():
    text = (
        "intro\n"
        "\\begin{align}\n"
        "f(x) &= (x+1)^2 \\\\\n"
        "     & = x^2 + 2x + 1 \\\\\n"
        "     &=x^2+2x+1 \\label{eq:f}\n"
        "\\end{align}\n"
    )
    (chain,) = chains(text, "notes.tex")
    assert [(m.latex, m.line, m.col, m.end_line, m.end_col) for m in chain.members] == [
        ("f(x)", 3, 1, 3, 5),
        ("(x+1)^2", 3, 9, 3, 16),
        ("x^2 + 2x + 1", 4, 10, 4, 22),
        ("x^2+2x+1", 5, 8, 5, 16),
    ]
    assert_positions_match_source(text, [chain])


def test_align_inside_double_dollar_and_aligned():
    text = "$$\\begin{aligned}[t] \\rightarrow a &= b \\\\ &= c \\end{aligned}$$"
    (chain,) = chains(text)
    assert latexes(chain) == ["a", "b", "c"]
    assert chain.members[0].col == text.index(" a ") + 2


def test_rows_without_leading_equals_start_new_chains():
    text = "\\begin{align*}\na &= b \\\\\nc &= d\n\\end{align*}"
    assert [latexes(c) for c in chains(text, "n.tex")] == [["a", "b"], ["c", "d"]]


def test_gather_rows_are_separate_and_multline_is_one_row():
    text = "\\begin{gather}\nx = 1 \\\\ y = 2\n\\end{gather}\n\\begin{multline}\np = q + r \\\\\n + s\n\\end{multline}"
    found = chains(text, "n.tex")
    assert [latexes(c)[0] for c in found] == ["x", "y", "p"]
    assert found[2].members[1].latex.split() == ["q", "+", "r", "+", "s"]
    assert (found[2].members[1].line, found[2].members[1].end_line) == (5, 6)


def test_row_starting_with_operator_continues_the_member():
    text = "\\begin{align*}\n a &= b + c \\\\\n   &\\quad + d \\\\[2pt]\n   &= e\n\\end{align*}"
    (chain,) = chains(text, "n.tex")
    assert [" ".join(latex.split()) for latex in latexes(chain)] == ["a", "b + c + d", "e"]
    assert (chain.members[1].line, chain.members[1].end_line) == (2, 3)


def test_equation_environment_and_label():
    text = "\\begin{equation}\n  y = mx + b \\label{eq:1}\n\\end{equation}"
    (chain,) = chains(text, "n.tex")
    assert latexes(chain) == ["y", "mx + b"]


def test_display_starting_with_equals_continues_previous_display():
    text = "$$L = a + b$$\n\nsome prose with $x$\n\n$$= b + a$$\n\n$$\\Rightarrow c = d$$"
    found = chains(text)
    assert [latexes(c) for c in found] == [["L", "a + b", "b + a"], ["c", "d"]]
    assert found[0].members[2].line == 5


# ---------------------------------------------------------------- splitting a row


def test_cases_block_is_one_member():
    text = (
        "$$  \\dfrac{\\partial g_i}{\\partial a_j} =\n"
        "\\begin{cases}\n"
        "e^{a_j}  & \\text{if $i = j$,} \\\\\n"
        "0 & \\text{if $i \\neq j.$}\n"
        "\\end{cases}$$"
    )
    (chain,) = chains(text)
    assert len(chain.members) == 2
    cases = chain.members[1]
    assert cases.latex.startswith("\\begin{cases}") and cases.latex.endswith("\\end{cases}")
    assert (cases.line, cases.col, cases.end_line, cases.end_col) == (2, 1, 5, 12)


def test_equals_inside_braces_parens_left_right_and_text_do_not_split():
    text = "$$P(Y=k|X) = {e^{a_k} \\over Z} = \\left[ u = v \\right] + 1_{\\{i=j\\}} + \\text{a=b}$$"
    (chain,) = chains(text)
    assert latexes(chain) == ["P(Y=k|X)", "{e^{a_k} \\over Z}", "\\left[ u = v \\right] + 1_{\\{i=j\\}} + \\text{a=b}"]


def test_unbalanced_interval_falls_back_to_splitting_anyway():
    (chain,) = chains("$$f = g([0, 1) = h$$")
    assert len(chain.members) == 3


def test_rightarrow_between_equations_separates_statements():
    text = "$$f(x) = {g(x) \\over h(x)} \\Rightarrow f'(x) = {g'(x)h(x) +g(x)h'(x) \\over h(x)^2}$$"
    found = chains(text)
    assert [latexes(c) for c in found] == [
        ["f(x)", "{g(x) \\over h(x)}"],
        ["f'(x)", "{g'(x)h(x) +g(x)h'(x) \\over h(x)^2}"],
    ]
    assert found[1].members[0].col == text.index("f'(x)") + 1


def test_hypothesis_of_an_implication_is_a_premise():
    found = chains("$$f = {g \\over h} \\Rightarrow f' = g' \\therefore u = v$$\n$$\\implies x = y$$")
    assert [(latexes(c), c.premise) for c in found] == [
        (["f", "{g \\over h}"], True), (["f'", "g'"], False), (["u", "v"], False), (["x", "y"], False),
    ]


def test_soft_arrow_splits_only_between_equations():
    assert [latexes(c) for c in chains("$$A = XW \\rightarrow Y = \\sigma(A)$$")] == [["A", "XW"], ["Y", "\\sigma(A)"]]
    (chain,) = chains("$$S(a) = b \\rightarrow c$$")
    assert latexes(chain) == ["S(a)", "b \\rightarrow c"]


def test_inequalities_end_a_chain():
    found = chains("$$a = b \\le c = d$$")
    assert [latexes(c) for c in found] == [["a", "b"], ["c", "d"]]


def test_qualifiers_and_equation_tags_are_not_members():
    found = chains(
        "$$S_j = {e^{a_j} \\over Z} \\forall j \\in 1..N$$\n"
        "$$s_i = f_i \\quad \\forall i = 1 \\dots n$$\n"
        "$$u = v \\quad \\text{--- (2)}$$\n"
        "$$p = q, \\qquad r = t.$$"
    )
    assert [latexes(c) for c in found] == [["S_j", "{e^{a_j} \\over Z}"], ["s_i", "f_i"], ["u", "v"], ["p", "q"], ["r", "t"]]
    assert found[0].qualifier == "\\forall j \\in 1..N"
    assert found[1].qualifier == "\\forall i = 1 \\dots n"


def test_definitions_are_marked_and_boxed_is_transparent():
    found = chains("$$a := b$$\n$$\\therefore \\boxed{x = y}$$\n$$\\text{So, } L = M$$")
    assert [(latexes(c), c.definition) for c in found] == [(["a", "b"], True), (["x", "y"], False), (["L", "M"], False)]


# ---------------------------------------------------------------- what is skipped


def test_code_fences_inline_code_comments_and_front_matter_are_skipped():
    text = (
        "---\n"
        "title: $a = b$\n"
        "---\n"
        "Use `$x = y$` in code.\n"
        "```python\n"
        "cost = $$u = v$$\n"
        "```\n"
        "~~~~\n"
        "$p = q$\n"
        "~~~~\n"
        "<!-- $c = d$ -->\n"
        "Real: $m = n$\n"
    )
    found = chains(text)
    assert [(latexes(c), c.members[0].line, c.members[0].col) for c in found] == [(["m", "n"], 12, 8)]


def test_latex_comments_verbatim_and_preamble_are_skipped():
    text = (
        "\\documentclass{article}\n"
        "\\newcommand{\\X}{$a=b$}\n"
        "\\begin{document}\n"
        "% $c=d$ is commented out\n"
        "50\\% of $e = f$ % $g=h$\n"
        "\\begin{verbatim}\n$z=w$\n\\end{verbatim}\n"
        "\\end{document}\n"
    )
    for path in ("paper.tex", "paper.txt"):
        found = chains(text, path)
        assert [latexes(c) for c in found] == [["e", "f"]]
        assert (found[0].members[0].line, found[0].members[0].col) == (5, 10)


def test_crlf_line_endings_keep_columns():
    text = "one\r\ntwo $a = b$\r\n$$\r\nc\r\n= d\r\n$$\r\n"
    found = chains(text)
    assert [[(m.latex, m.line, m.col) for m in c.members] for c in found] == [
        [("a", 2, 6), ("b", 2, 10)],
        [("c", 4, 1), ("d", 5, 3)],
    ]
    assert "\r" not in "".join(m.latex for c in found for m in c.members)


def test_multiline_member_latex_uses_newlines():
    text = "$$x = \\begin{cases}\r\n1 & a \\\\\r\n0 & b\r\n\\end{cases}$$"
    (chain,) = chains(text)
    assert chain.members[1].latex == "\\begin{cases}\n1 & a \\\\\n0 & b\n\\end{cases}"


# ---------------------------------------------------------------- seed 004


def _seed_lines(first: int, last: int) -> list[str]:
    if not SEED_004.exists():
        pytest.skip("seed documents are not available")
    return SEED_004.read_text(encoding="utf-8").splitlines(keepends=True)[first - 1:last]


SEED_004_CHAIN = [
    "D_jS_i",
    "\\dfrac{\\partial {e^{a_i} \\over \\sum_{k=1}^N e^{a_k}}}{\\partial a_j}",
    "\\dfrac {e^{a_i }\\sum_{k=1}^N e^{a_k}-e^{a_j}e^{a_i}}{(\\sum_{k=1}^N e^{a_k})^2}",
    "\\dfrac {e^{a_i}}{\\sum_{k=1}^N e^{a_k}}{\\dfrac {\\dfrac {e^{a_i}}{\\sum_{k=1}^N e^{a_k}}-e^{a_i}} {\\sum_{k=1}^N e^{a_k}}}",
    "S_i(1-S_j)",
]


def test_seed_004_lines_62_to_67(tmp_path):
    notes = tmp_path / "softmax.md"
    notes.write_text("".join(_seed_lines(62, 67)), encoding="utf-8")
    (chain,) = extract_file(notes)
    assert chain.path == str(notes) and chain.display
    assert latexes(chain) == SEED_004_CHAIN
    assert [(m.line, m.col) for m in chain.members] == [(2, 1), (2, 12), (3, 5), (4, 5), (5, 5)]
    assert_positions_match_source(notes.read_text(encoding="utf-8"), [chain])


def test_seed_004_lines_62_to_67_in_place(tmp_path):
    notes = tmp_path / "softmax.md"
    notes.write_text("\n" * 61 + "".join(_seed_lines(62, 67)), encoding="utf-8")
    (chain,) = extract_file(notes)
    assert [m.line for m in chain.members] == [63, 63, 64, 65, 66]
    assert [m.end_col for m in chain.members] == [7, 79, 83, 123, 15]


def test_seed_004_whole_post_matches_its_derivation_lines():
    if not SEED_004.exists():
        pytest.skip("seed documents are not available")
    found = extract_file(SEED_004)
    by_line = {c.members[0].line: c for c in found if c.display}
    assert latexes(by_line[63]) == SEED_004_CHAIN
    assert latexes(by_line[72])[-1] == "-S_jS_i"
    assert len(by_line[80].members) == 3 and by_line[80].members[2].end_line == 84
    assert by_line[24].qualifier == "\\forall j \\in 1..N"
    assert all(c.members[0].line > 8 for c in found)  # front matter skipped
    assert_positions_match_source(SEED_004.read_text(encoding="utf-8"), found)


# ---------------------------------------------------------------- properties and files


atoms = st.sampled_from(["a", "b_1", "x^2", "\\alpha", "{p \\over q}", "f(x)", "(u=v)", "\\frac{1}{2}", "e^{a_i}"])
separators = st.sampled_from([" = ", "=", " &= ", "\n= ", " \\\\\n&= "])
prose = st.sampled_from(["", "Text. ", "line\n", "crlf\r\n", "tab\there ", "## Heading\n\n"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(prose, st.lists(atoms, min_size=2, max_size=4), separators, st.booleans()), min_size=1, max_size=4))
def test_positions_always_point_at_the_latex(parts):
    text = ""
    for before, members, separator, display in parts:
        body = separator.join(members)
        if display:
            text += f"{before}\n$$\\begin{{aligned}}{body}\\end{{aligned}}$$\n"
        else:
            text += f"{before}${' '.join(body.split())}$ "
    found = extract_math(text, "p.md")
    assert_positions_match_source(text, found)
    assert len(found) == len(parts)
    for chain, (_, members, _, _) in zip(found, parts):
        assert [m.latex for m in chain.members] == members


def test_note_files_expands_directories(tmp_path):
    (tmp_path / "a.md").write_text("$a=b$")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.tex").write_text("")
    (tmp_path / "sub" / "c.py").write_text("")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "d.md").write_text("")
    assert note_files([tmp_path]) == [tmp_path / "a.md", tmp_path / "sub" / "b.tex"]


def extraction_cpu(text: str) -> float:
    """CPU seconds of extracting `text`, the best of three runs: a collection or a cache miss
    can slow any single one."""
    import time

    times = []
    for _ in range(3):
        started = time.process_time()
        extract_math(text, "big.md")
        times.append(time.process_time() - started)
    return min(times)


@pytest.mark.parametrize(
    "unit, count",
    [("{ $$ a", 6000), ("\\[ a ", 60000),
     ("\\begin{align} ", 24000), ("$a{ ", 1500), ("x $$ a", 12000)],
    ids=["unbalanced-displays", "unclosed-brackets", "unclosed-envs", "unclosed-inline", "odd-dollars"],
)
def test_unclosed_openers_take_linear_time(unit, count):
    """Four times the input costs at most about four times the CPU (quadratic would be 16x).
    CPU time of this process, so other work on the machine counts little; but neighbours
    thrashing the caches slow the large input more than the small one (it failed at 8x under
    a loaded suite), so the bound is 10x, and every small input costs ~0.1 s, so that 16x
    would still fail it."""
    small, large = extraction_cpu(unit * count), extraction_cpu(unit * 4 * count)
    assert large < 10 * max(small, 0.1)
