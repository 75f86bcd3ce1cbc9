"""Round 6 of the red team: false alarms found on new public material (tests/corpus, round 6),
each on a small note written for it; each test fails on the code before its fix."""

from __future__ import annotations

from symcheck.model import Verdict
from symcheck.notes.casemath import fixed_values

from .note_fixtures import checked, steps, verdicts


# -- `given $n_h = n_w = 16$`: names given one value ----------------------------------

def test_names_given_one_value_in_a_chain_are_one_case():
    assert fixed_values("n_h = n_w = 16") == "n_h = 16, n_w = 16"
    assert fixed_values("a = b = c = -2") == "a = -2, b = -2, c = -2"
    assert fixed_values("a = b + 1 = 2") is None


def test_a_chain_of_names_given_a_value_is_a_case_not_a_claim(tmp_path):
    note = "For example, given $a = b = 4$, we have\n\n$$a + b = 8$$\n"
    assert verdicts(tmp_path, note) == [Verdict.PROVED]


def test_a_chain_of_names_stated_as_a_result_is_still_checked(tmp_path):
    # no word gives the values: `then $a = b = 4$` states a result, and a = b is not true in general
    assert Verdict.REFUTED in verdicts(tmp_path, "Then $a = b = 4$.\n")


# -- "by defining $\epsilon = 1/n$", "an arbitrary vector $v = ...$" ---------------------

def test_math_after_defining_is_a_definition(tmp_path):
    note = "By defining $\\epsilon = \\frac{1}{n}$, we get\n\n$$n \\epsilon = 1$$\n"
    assert verdicts(tmp_path, note) == [Verdict.PROVED]


def test_an_arbitrary_vector_named_in_prose_is_a_definition(tmp_path):
    note = "We apply this to an arbitrary vector $w = 2 u$ and see that\n\n$$w - u = u$$\n"
    assert verdicts(tmp_path, note) == [Verdict.PROVED]


# -- a limit's variable is bound: a definition of the same name stays out ---------------

def test_a_definition_does_not_reach_a_limit_variable(tmp_path):
    note = ("By defining $\\epsilon = \\frac{1}{n}$, the limit is\n\n"
            "$$\\lim_{\\epsilon \\to 0} \\frac{\\sin(\\epsilon)}{\\epsilon} = 1$$\n")
    assert verdicts(tmp_path, note) == [Verdict.PROVED]


def test_a_wrong_limit_beside_such_a_definition_is_refuted(tmp_path):
    note = ("By defining $\\epsilon = \\frac{1}{n}$, the limit is\n\n"
            "$$\\lim_{\\epsilon \\to 0} \\frac{\\sin(2\\epsilon)}{\\epsilon} = 1$$\n")
    assert verdicts(tmp_path, note) == [Verdict.REFUTED]


# -- `\text{defining } u = ... \text{ and thus } ...`: a premise and its consequence -----

_ROW = "$$\n\\begin{aligned}\n\\frac{1}{x u} & = \\frac{1}{u x} && \\quad \\text{defining }u=\\frac{e}{x} \\text{ and thus } e={}\n\\end{aligned}\n$$\n"


def test_a_consequence_of_a_definition_in_a_row_holds_under_it(tmp_path):
    result = checked(tmp_path, _ROW.replace("{}", "xu"))
    assert [step.decision.verdict for step in steps(result)] == [Verdict.PROVED, Verdict.PROVED]


def test_a_wrong_consequence_of_a_definition_in_a_row_is_refuted(tmp_path):
    result = checked(tmp_path, _ROW.replace("{}", "2xu"))
    assert Verdict.REFUTED in [step.decision.verdict for step in steps(result)]


def test_a_definition_in_a_row_without_consequence_is_a_qualifier_not_a_claim(tmp_path):
    note = "$$\n\\begin{aligned}\n2 h & = h + h && \\quad \\text{defining } h = 3\n\\end{aligned}\n$$\n"
    assert verdicts(tmp_path, note) == [Verdict.PROVED]


# -- \lfloor x \rfloor and \lceil x \rceil ------------------------------------------------

def test_floor_and_ceiling_are_read_and_decided(tmp_path):
    note = ("$$\\lfloor 7/2 \\rfloor = 3$$\n\n$$\\lceil 7/2 \\rceil = 4$$\n\n$$\\lfloor 7/2 \\rfloor = 4$$\n\n"
            "$$\\lfloor x + 1 \\rfloor = \\lfloor x \\rfloor + 2$$\n")
    assert verdicts(tmp_path, note) == [Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED, Verdict.REFUTED]


def test_floor_ceiling_max_and_min_round_trip_through_sympy_latex():
    import sympy

    from symcheck.model.symbols import SymbolTable
    from symcheck.read.notation import Notation

    notation = Notation(SymbolTable())
    x = sympy.Symbol("x")
    y = sympy.Symbol("y")
    for expr in (sympy.floor(x / 2) + 1, sympy.ceiling(x) - sympy.floor(x), sympy.Max(x, y ** 2) - sympy.Min(x, 3, y)):
        names = {x: notation.expression("x"), y: notation.expression("y")}
        assert sympy.simplify(notation.expression(sympy.latex(expr)) - expr.xreplace(names)) == 0


def test_an_unclosed_floor_is_an_error_not_a_reading(tmp_path):
    (step,) = [s for s in steps(checked(tmp_path, "$$\\lfloor x = 1$$\n\n$$a = a$$\n")) if s.line == 1] or [None]
    assert step is None or step.decision.verdict is not Verdict.PROVED


# -- several values in one sentence hold together ------------------------------------------

def test_values_given_in_one_sentence_hold_together(tmp_path):
    note = ("For example, given a width $n = 16$, with a kernel $k = 4$ and a stride $s = 2$, the output is:\n\n"
            "$$\n\\begin{aligned}\n(n - k + s)/s &= (16 - 4 + 2)/2 \\\\\n&= 7\n\\end{aligned}\n$$\n")
    assert verdicts(tmp_path, note) == [Verdict.PROVED, Verdict.PROVED]


# -- a declared matrix or vector written out in a note is defined entry by entry ------------

_MATRIX_NOTATION = ('[symbols]\nA = { kind = "matrix", shape = [2, 2], latex = \'\\mathbf{A}\' }\n'
                    'v = { kind = "vector", shape = [2], latex = \'\\mathbf{v}\' }\n'
                    'a = {}\nb = {}\nc = {}\nd = {}\nx = {}\ny = {}\n')
_MATRIX_NOTE = ("Suppose that we have some matrix:\n\n$$\n\\mathbf{A} = \\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}.\n$$\n\n"
                "We apply this to an arbitrary vector $\\mathbf{v} = [x, y]^\\top$ and see that\n\n"
                "$$\n\\mathbf{A}\\mathbf{v} = {}\n$$\n")


def test_a_written_out_matrix_and_vector_are_definitions_the_engine_unfolds(tmp_path):
    note = _MATRIX_NOTE.replace("{}", "\\begin{bmatrix}ax+by\\\\ cx+dy\\end{bmatrix}")
    assert verdicts(tmp_path, note, _MATRIX_NOTATION) == [Verdict.PROVED]


def test_a_wrong_product_with_a_written_out_matrix_is_refuted(tmp_path):
    note = _MATRIX_NOTE.replace("{}", "\\begin{bmatrix}ax+cy\\\\ bx+dy\\end{bmatrix}")
    assert verdicts(tmp_path, note, _MATRIX_NOTATION) == [Verdict.REFUTED]


# -- braces around a vector group it; around a scalar they stay unread ----------------------

def test_braces_around_a_matrix_product_group_it(tmp_path):
    right = "x\\left\\{\\mathbf{A}\\begin{bmatrix}1\\\\0\\end{bmatrix}\\right\\} + y\\left\\{\\mathbf{A}\\begin{bmatrix}0\\\\1\\end{bmatrix}\\right\\}"
    assert verdicts(tmp_path, _MATRIX_NOTE.replace("{}", right), _MATRIX_NOTATION) == [Verdict.PROVED]
    wrong = right.replace("{bmatrix}1\\\\0", "{bmatrix}2\\\\0")
    assert verdicts(tmp_path, _MATRIX_NOTE.replace("{}", wrong), _MATRIX_NOTATION) == [Verdict.REFUTED]


def test_braces_around_a_scalar_stay_unread(tmp_path):
    # {x} may be a fractional part: {x} + {y} = {x + y} is false for it, so it is not read as brackets
    assert Verdict.PROVED not in verdicts(tmp_path, "$$\\{x\\} + \\{y\\} = \\{x + y\\}$$\n")


# -- \max(x, y), \min(...), and the ASCII relations >= and <= in a condition ---------------

def test_max_and_min_of_scalars_are_read(tmp_path):
    note = ("$$\\max(3, 5) = 5$$\n\n$$\\min(3, 5, -1) = -1$$\n\n$$\\max(x, y) = x$$\n\n"
            "$$\\mathbb{1}(x >= y) + \\mathbb{1}(x < y) = 1$$\n\n$$\\mathbb{1}(x <= y) = 1$$\n")
    assert verdicts(tmp_path, note) == [Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED, Verdict.PROVED, Verdict.REFUTED]


def test_the_derivative_of_a_max_is_an_indicator_and_a_swapped_one_is_refuted(tmp_path):
    notation = "[symbols]\nx = {}\ny = {}\n\n[functions]\nf = {}\n"
    right = ("$$f(x,y) = \\max(x, y) \\hspace{0.5in} \\rightarrow \\hspace{0.5in} "
             "\\frac{\\partial f}{\\partial x} = \\mathbb{1}(x >= y)$$\n")
    (verdict,) = verdicts(tmp_path, right, notation)
    assert verdict in (Verdict.PROVED, Verdict.NUMERIC)
    assert verdicts(tmp_path, right.replace("(x >= y)", "(y >= x)"), notation) == [Verdict.REFUTED]


def test_a_max_over_an_index_stays_unread_and_says_why(tmp_path):
    (step,) = steps(checked(tmp_path, "$$\\max_k o_k = 1$$\n"))
    assert step.decision.verdict is Verdict.UNKNOWN and "over an index" in step.decision.reason


# -- \langle a, b \rangle of two vectors -----------------------------------------------------

_VECTORS = '[sizes]\nn = {}\n\n[symbols]\nu = { kind = "vector", shape = ["n"] }\nw = { kind = "vector", shape = ["n"] }\n'


def test_the_inner_product_of_two_vectors_is_read(tmp_path):
    note = ("$$\\langle u, w \\rangle = u^\\top w$$\n\n$$\\langle u, w \\rangle = \\langle w, u \\rangle$$\n\n"
            "$$\\langle [1, 2]^\\top, [3, 4]^\\top \\rangle = 11$$\n\n$$\\langle u, u \\rangle = u^\\top w$$\n")
    assert verdicts(tmp_path, note, _VECTORS) == [Verdict.PROVED, Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED]


def test_an_inner_product_of_scalars_stays_unread_and_says_why(tmp_path):
    (step,) = steps(checked(tmp_path, "$$\\langle a, b \\rangle = a b$$\n"))
    assert step.decision.verdict is Verdict.UNKNOWN and "two vectors" in step.decision.reason


def test_a_second_value_of_a_written_out_vector_is_checked_against_the_first(tmp_path):
    note = ("Let $\\mathbf{v} = [1, 2]^\\top$. Then we take the vector $\\mathbf{v} = [1, 3]^\\top$.\n\n"
            "$$\\mathbf{v} = \\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}$$\n")
    assert verdicts(tmp_path, note, _MATRIX_NOTATION) == [Verdict.REFUTED, Verdict.PROVED]


def test_a_prime_inside_a_superscript_stays_unread_and_says_why(tmp_path):
    (step,) = steps(checked(tmp_path, "$$n^{'} \\times m^{'} = 8 \\times 8$$\n"))
    assert step.decision.verdict is Verdict.UNKNOWN and "prime inside a superscript" in step.decision.reason
