"""Sums and products written with an ellipsis (``a_1 + a_2 + \\dots + a_n``, ``x_1 x_2 \\cdots x_n``),
and matrices written with ellipses."""

from __future__ import annotations

from typing import Optional

import sympy

from symcheck.model.indexranges import axis_lower
from symcheck.read.arithmetic import terms_of
from symcheck.read.backend import SignsDisagree
from symcheck.read.nodes import MUL_OPS, Obj, leaf_text, matrix_valued
from symcheck.read.reader import Construct
from symcheck.read.tokens import Leaf
from symcheck.read.values import ENTRY_POSITION

DIVISION_OPS = frozenset({"/", "\\div"})
PRODUCT_OPS = MUL_OPS - DIVISION_OPS
FIRST_INDICES = (1, 0, *range(2, 10))  # the first index of a run: a_1 + ..., a_0 + ..., a_0 - a_2 - ...


class EllipsisSums(Construct):
    """Finds ``t_1 + t_2 + \\dots + t_n`` among reduced items and reads it as a Sum; reads
    matrices written with ellipses (``x_1 & \\cdots & x_n``, ``\\vdots``, ``\\ddots``) of a
    declared size as the matrices of their entries."""

    def matrix(self, rows: list, where: int) -> object:
        """A row, a column or an m x n matrix written with ellipses: its entries as a function of
        the position, found from the corners; its size must be a declared size (or a number).
        Errors point at the first ellipsis."""
        where = next(node.start for row in rows for cell in row for node in cell if _is_dots([node]))
        if len(rows) == 1:
            return self.vector(rows[0], where, column=False)
        if all(len(row) == 1 for row in rows):
            return self.vector([row[0] for row in rows], where, column=True)
        return self.grid(rows, where)

    def cell(self, cell: list, where: int) -> object:
        value = self.reader.value(cell, cell[0].start if cell else where)
        if matrix_valued(value):
            raise self.reader.error("a matrix written with ellipses holds scalars", cell[0].start)
        return value

    def vector(self, cells: list, where: int, column: bool) -> object:
        dots = [k for k, cell in enumerate(cells) if _is_dots(cell)]
        if len(dots) != 1 or dots[0] < len(cells) - 2 or dots[0] < 2 - (dots[0] == len(cells) - 2):
            raise self.reader.error("an ellipsis in a vector sits before its last entry (x_1 & \\cdots & x_n), or "
                                    "ends it after two entries (x_1 & x_2 & \\cdots)", where)
        values = [self.reader.value(cell, cell[0].start) for k, cell in enumerate(cells) if k != dots[0]]
        across = self.block_length(values, column, where)
        body, bound, first, upper = self.run_of(values, dots[0] == len(cells) - 1, cells[dots[0]][0].start)
        length = self.length(first, upper, where)
        row, col = ENTRY_POSITION
        position, other = (row, col) if column else (col, row)
        entry = body[(0, other) if column else (other, 0)] if across is not None else body
        shape = (length, across or sympy.Integer(1)) if column else (across or sympy.Integer(1), length)
        return _matrix(shape, sympy.Lambda((row, col), entry.xreplace({bound: position + first})))

    def block_length(self, values: list, column: bool, where: int) -> object:
        """None when the entries are scalars; the length of the rows of a column of rows
        (``a^T b_1 \\ \vdots \\ a^T b_m``), or of the columns of a row of columns."""
        if not any(matrix_valued(value) for value in values):
            return None
        along = 1 if column else 0
        lengths = {value.shape[along] for value in values if matrix_valued(value) and value.shape[1 - along] == 1}
        if len(lengths) != 1 or not all(matrix_valued(value) for value in values) or not all(
                value.shape[1 - along] == 1 for value in values):
            raise self.reader.error("a matrix written with ellipses holds scalars, or rows of one length in a "
                                    "column (columns of one length in a row)", where)
        return lengths.pop()

    def run_of(self, values: list, open_end: bool, where: int) -> tuple:
        """(body, bound, first, upper) of the entries written around an ellipsis; with no last
        entry (`x_1 & x_2 & \\cdots`), the run goes to the end of the axis its entries are on."""
        run = ellipsis_run(values[-1], values[:-1])
        if run is None:
            raise self.reader.error("cannot find the pattern of the entries around this ellipsis", where)
        if not open_end:
            return run
        body, bound, first, _ = run
        ends = {axis_end(self.table, entry, position) for entry in sympy.preorder_traversal(body)
                if isinstance(entry, sympy.Indexed) for position, index in enumerate(entry.indices) if bound in index.free_symbols}
        if len(ends) != 1 or None in ends:
            raise self.reader.error("an ellipsis with no last entry runs to the end of the declared vector its entries "
                                    "belong to; these entries are not on one such axis", where)
        return body, bound, first, ends.pop()

    def grid(self, rows: list, where: int) -> object:
        """An m x n matrix written with ellipses: its first row and first column give the
        pattern of the entries (each may end with its last entry, or with an ellipsis that runs
        to the end of the axis), and every entry written must fit it."""
        placed = _placed_rows(rows)
        if placed is None or not placed[0][1] or placed[0][0] != 0 or placed[0][1][0][0] != 0:
            raise self.reader.error(
                "a matrix with ellipses is read from its first row and column (a_{11} & \\cdots & a_{1m} \\\\ "
                "\\vdots & \\ddots & \\vdots \\\\ a_{n1} & \\cdots & a_{nm}), each written before or after its dots", where)
        first_row = placed[0][1]
        first_column = [(r, cells[0][1]) for r, cells in placed if cells and cells[0][0] == 0]
        across = self.axis_run([cell for _, cell in first_row], rows[0], where)
        down = self.axis_run([cell for _, cell in first_column], [row[0] for row in rows], where)
        (col_body, col_bound, col_first, col_upper), (_, _, row_first, row_upper) = across, down
        row, col = ENTRY_POSITION
        body = _index_as(col_body.xreplace({col_bound: col + col_first}), row_first, row + row_first)
        counts = (self.length(row_first, row_upper, where), self.length(col_first, col_upper, where))
        for r, cells in placed:
            for c, cell in cells:
                at = (r if r >= 0 else counts[0] + r, c if c >= 0 else counts[1] + c)
                if not _same(body.xreplace({row: at[0], col: at[1]}), self.cell(cell, where)):
                    raise self.reader.error("this entry does not fit the pattern of the first row and column of "
                                            "this matrix written with ellipses", cell[0].start)
        return _matrix(counts, sympy.Lambda((row, col), body))

    def axis_run(self, written: list, line: list, where: int) -> tuple:
        """The run of the first row (or column): its entries, then an ellipsis and its last entry
        or an ellipsis alone at its end."""
        if len(written) < 2:
            raise self.reader.error("a matrix with ellipses needs two entries in its first row and column", where)
        return self.run_of([self.cell(cell, where) for cell in written], _is_dots(line[-1]) or not line[-1], where)

    def length(self, first: object, upper: object, where: int) -> object:
        length = sympy.expand(upper - first + 1)
        sizes = set(self.table.sizes.values()) | set(self.table.indices.values())
        if not (length.is_Integer and length > 0) and not (length.free_symbols and length.free_symbols <= sizes):
            raise self.reader.error(f"the length {length} of this matrix written with ellipses is not a declared size", where)
        return length

    def ellipsis(self, items: list) -> list:
        """t_1 + t_2 + \\dots + t_n -> Sum(t(k), (k, 1, n)), found from the first and last terms;
        also a_0 - a_1 - \\dots - a_n, a_1 + a_2 \\cdots + a_n (the sign of the next term), and
        the products x_1 x_2 \\cdots x_n, p_1 \\cdot p_2 \\cdots p_n -> Product(x(k), (k, 1, n))."""
        dots = [k for k, item in enumerate(items) if isinstance(item, Leaf) and item.token.kind == "dots"]
        if not dots:
            return items
        terms = terms_of(items)
        position = next(p for p, (_, start, _) in enumerate(terms) if start == dots[0])
        if 0 < position < len(terms) - 1 and not terms[position][0] and not terms[position + 1][0]:
            return self.ellipsis(self.read_product(items, terms, position))
        return self.ellipsis(self.read_ellipsis(items, terms, position))

    def read_ellipsis(self, items: list, terms: list, position: int) -> list:
        dots = items[terms[position][1]]
        sign = terms[position][0] or (terms[position + 1][0] if position + 1 < len(terms) else "")
        if position == 0 or position + 1 >= len(terms) or not sign or terms[position + 1][0] != sign:
            raise self.reader.error(
                "an ellipsis must sit between terms of one sign (a_1 + \\dots + a_n) or between factors "
                "(x_1 x_2 \\cdots x_n)", dots.start)
        last_sign, last_start, last_end = terms[position + 1]
        last = self.reader.combine(items[last_start:last_end], items[last_start].start)
        before = []
        for term_sign, start, end in reversed(terms[:position]):
            if term_sign != sign and (term_sign or sign != "+"):
                break
            before.insert(0, self.reader.combine(items[start:end], items[start].start))
            if not term_sign:
                break
        if not before:
            self.refuse_other_sign(items, terms[position - 1], last_sign, last, dots.start)
        value, used = self.run(last, before, sympy.Sum, dots.start)
        first_start = terms[position - used][1]
        obj = Obj(value, items[first_start].start, items[last_end - 1].end)
        return items[:first_start] + [obj] + items[last_end:]

    def read_product(self, items: list, terms: list, position: int) -> list:
        """x_1 x_2 \\cdots x_n: the factors of the term before the ellipsis, and the first factor after it."""
        dots = items[terms[position][1]]
        _, start, end = terms[position - 1]
        if any(leaf_text(item) in DIVISION_OPS for item in items[start:end]):
            raise self.reader.error("a product written with an ellipsis has factors joined by \\cdot or side by side", dots.start)
        factors, starts = [], []
        k = start
        while k < end:
            if leaf_text(items[k]) in PRODUCT_OPS:
                k += 1
                continue
            starts.append(k)
            value, k = self.reader.operand(items, k, dots.start)
            factors.append(value)
        _, next_start, next_end = terms[position + 1]
        k = next_start + (leaf_text(items[next_start]) in PRODUCT_OPS)
        last, after = self.reader.operand(items, k, dots.start)
        if any(matrix_valued(value) for value in (*factors, last)):
            raise self.reader.error("a product of vectors or matrices written with an ellipsis is not read", dots.start)
        value, used = self.run(last, factors, sympy.Product, dots.start)
        first = starts[len(starts) - used]
        return items[:first] + [Obj(value, items[first].start, items[after - 1].end)] + items[after:]

    def refuse_other_sign(self, items: list, term: tuple, last_sign: str, last: object, where: int) -> None:
        """-log p_1 + log p_2 \\cdots - log p_n: the term before the ellipsis fits the pattern of
        the last one but with the other sign. Which sign holds for the terms left out?"""
        term_sign, start, end = term
        if (term_sign or "+") == (last_sign or "+"):
            return
        if ellipsis_sum(last, [self.reader.combine(items[start:end], items[start].start)]) is not None:
            raise SignsDisagree(
                f"the terms around this ellipsis follow one pattern, but the term before it has the sign "
                f"'{term_sign or '+'}' and the term after it '{last_sign or '+'}': which sign do the terms left out have?",
                self.reader.latex, where)

    def declared(self) -> frozenset[str]:
        """Names a summation variable must not print as (a declared scalar t is not the dummy)."""
        table = self.table
        return frozenset().union(table.scalars, table.sizes, table.indices, table.bases, table.functions, table.constants)

    def run(self, last: object, before: list, operator: type, where: int) -> tuple[object, int]:
        """The Sum or Product of the terms before an ellipsis and the last one, with how many terms
        before it are in the run; its last index must be a number, a declared size or an index."""
        found = ellipsis_sum(last, before, self.declared())
        if found is None:
            hint = f": {last} is read as a name of its own; declare the vector it is an entry of" if _plain_subscripted(last) else ""
            raise self.reader.error("cannot find the pattern of the terms around this ellipsis" + hint, where)
        total, used = found
        bound, first, upper = total.limits[0]
        known = set(self.table.sizes.values()) | set(self.table.indices.values())
        if not upper.is_Integer and not (upper.free_symbols and upper.free_symbols <= known):
            raise self.reader.error(
                f"the last index {upper} of this ellipsis is neither a number nor a declared size or index: "
                "its range is unclear", where)
        return operator(total.function, (bound, first, upper)), used


DUMMY_NAMES = ("t", "u", "v", "r", "q")


def _placed_rows(rows: list) -> Optional[list]:
    """The rows that hold entries, each (row position, [(column position, cell)]): positions
    before the dots count from 0, after them from the end (-1 is the last). Rows of dots (and
    empty cells) only are the vertical ellipsis. None when entries sit between two ellipses."""
    placed, row_position = [], _positions([all(_is_dots(c) or not c for c in row) for row in rows])
    if row_position is None:
        return None
    for row, position in zip(rows, row_position):
        if position is None:
            continue
        columns = _positions([_is_dots(c) or not c for c in row])
        if columns is None:
            return None
        placed.append((position, [(c, cell) for c, cell in zip(columns, row) if c is not None]))
    return placed


def _positions(gaps: list) -> Optional[list]:
    """Each item's position (None for a gap): from the start before the first gap, from the
    end after the last; an item between two gaps has none to give."""
    if True not in gaps:
        return list(range(len(gaps)))
    first, last = gaps.index(True), len(gaps) - 1 - gaps[::-1].index(True)
    if not all(gaps[first:last + 1]):
        return None
    return [k if k < first else (k - len(gaps) if k > last else None) for k in range(len(gaps))]


def axis_end(table, entry: sympy.Indexed, position: int) -> Optional[object]:
    """The last index of axis `position` of a declared vector or matrix entry."""
    name = str(entry.base.label)
    if name not in table.declarations or len(table.shape(name)) <= position:
        return None
    size = sympy.sympify(table.shape(name)[position])
    return axis_lower(table, size) + size - 1


def _is_dots(cell: list) -> bool:
    return len(cell) == 1 and isinstance(cell[0], Leaf) and cell[0].token.kind == "dots"


def ellipsis_run(last: object, before: list) -> Optional[tuple[object, sympy.Symbol, object, object]]:
    """(body, bound, first, upper) when ``before`` are all the terms body(first), body(first+1)..."""
    found = ellipsis_sum(last, before)
    if found is None or found[1] != len(before):
        return None
    total = found[0]
    bound, first, upper = total.limits[0]
    return total.function, bound, first, upper


def ellipsis_sum(last: object, before: list, reserved: frozenset[str] = frozenset()) -> Optional[tuple[object, int]]:
    """Sum(body, (t, s, upper)) when the terms before the ellipsis are body(s), body(s+1)...;
    the summation variable is named apart from `reserved` names and the names in the terms."""
    candidates: list = []
    numbers: list = []  # x_3: a literal index of an entry (replaced in indices only)
    for indexed in sympy.preorder_traversal(last):
        if isinstance(indexed, sympy.Indexed):
            candidates.extend(i for i in indexed.indices if not i.is_number)
            numbers.extend(i for i in indexed.indices if i.is_Integer)
    candidates.extend(s for s in getattr(last, "free_symbols", ()) if s.is_integer)
    taken = {s.name for s in getattr(last, "free_symbols", ())} | set(reserved)
    bound = sympy.Symbol(next(n for n in (*DUMMY_NAMES, *(f"t_{k}" for k in range(len(taken) + 1))) if n not in taken),
                         integer=True)
    for upper in dict.fromkeys(candidates + numbers):
        body = _index_as(last, upper, bound)
        if body == last:
            continue
        for used in range(len(before), 0, -1):
            run = before[len(before) - used :]
            for first in FIRST_INDICES:
                if all(_same(body.xreplace({bound: first + n}), term) for n, term in enumerate(run)):
                    if used < len(before) and _of_the_form(body, bound, before[len(before) - used - 1]):
                        return None  # w_1 w_3 \cdots w_p: a stride, or a broken pattern
                    return sympy.Sum(body, (bound, first, upper)), used
    return None


def _plain_subscripted(value: object) -> bool:
    return isinstance(value, sympy.Symbol) and "_" in value.name


def _of_the_form(body: object, bound: sympy.Symbol, term: object) -> bool:
    """Whether a term is the body at some small index (so a run that leaves it out is unclear)."""
    return any(_same(body.xreplace({bound: index}), term) for index in range(-1, 12))


def _index_as(expr: object, upper: object, bound: sympy.Symbol) -> object:
    """expr with `upper` as `bound`; a literal only where it is an index of an entry."""
    if not upper.is_number:
        return expr.xreplace({upper: bound})
    return expr.replace(
        lambda e: isinstance(e, sympy.Indexed),
        lambda e: e.base[tuple(bound if index == upper else index for index in e.indices)],
    )


def _same(a: object, b: object) -> bool:
    if a == b:
        return True
    try:
        return sympy.expand(a - b) == 0
    except (TypeError, ValueError, sympy.ShapeError):
        return False



def _matrix(shape: tuple, entries: sympy.Lambda) -> object:
    """The matrix of the entries: written out when its size is a number."""
    rows, cols = shape
    matrix = sympy.FunctionMatrix(rows, cols, entries)
    if rows.is_Integer and cols.is_Integer:
        return sympy.ImmutableMatrix(matrix.as_explicit())
    return matrix
