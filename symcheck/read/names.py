"""Names: declared symbols (vectors, matrices, scalars, indices, sizes, functions),
undeclared letters, Greek letters, words (``\\text{..}``, ``\\mathcal{L}``), ``e``, ``\\pi``,
``\\infty``; calls ``f(x)`` and primes ``f'(x)``."""

from __future__ import annotations

import re
from typing import Optional

import sympy

from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.matexpr import MatrixElement

from symcheck.model.symbols import EventProbability, Row
from symcheck.read.identity import BOLD, ONES, is_bold_zero
from symcheck.read.nodes import (
    RELATIONS, Atom, Obj, Postfix, call_group, leaf_is, leaf_text, matrix_valued, one_by_one_entry, source_text, split_at,
)
from symcheck.read.reader import Construct
from symcheck.read.tokens import ACCENTS, Group, Leaf
from symcheck.read.tidy import DROPPED as SPACING, IDENTIFIER, TEXT_NUMERAL, is_prose
from symcheck.read.values import MATRIX_FUNCTIONS

GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
    "nu xi omicron varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega ell".split()
)

# letters that are constants unless declared, or written as an index in the same formula
CONSTANT_LETTERS = {"e": sympy.E, "i": sympy.I}
# undeclared names that are functions by convention when a parenthesis follows
WELL_KNOWN_FUNCTIONS = frozenset({"f", "g", "h", "sigma", "phi", "varphi", "psi"})
_NEWTON_DOTS = re.compile(r"\\(d?d)ot\{?([A-Za-z])\}?")  # \dot{h}, \ddot h: the d's count the order
# Landau symbols: `e^x = 1 + x + O(x^2)` is no equation of numbers, and read as O times x^2
# `O(x^2) - O(x^2) = 0` would be proved
ASYMPTOTIC = frozenset({"O", "o", "\\mathcal{O}", "\\mathcal{o}"})
# spellings of the expectation: E[X] applies E, never E times a bracket
EXPECTATIONS = frozenset({"E", "\\mathbb{E}", "\\operatorname{E}", "\\mathrm{E}"})
# operators on random variables, applied with brackets (E[X], Var[X], Cov[X, Y]): read as
# operators the engine knows nothing of (never sampled as an arbitrary function: E is linear)
STATISTICS = frozenset({"E", "Var", "Cov", "var", "cov"})
# ... which are operators with parentheses too: Var(X) is no function of X the note may define
SPELLED_STATISTICS = frozenset({"Var", "Cov", "var", "cov"})
# separators of an argument list; \mid and ; (P(y \mid x; w)) become part of the function's name
SEPARATORS = frozenset({",", ";", "\\mid"})
BOLD_FACES = frozenset({"\\mathbf", "\\boldsymbol", "\\bm", "\\pmb"})
# faces that make a name a vector or a matrix: never read as a number when undeclared
VECTOR_FACES = BOLD_FACES | {"\\vec"}
# special functions, by the name an undeclared atom has, when a bracket follows: \Gamma(x + 1)
SPECIAL_FUNCTIONS = {
    "Gamma": sympy.gamma,
    **{f"{font}{{{word}}}": function for font in ("\\operatorname", "\\mathrm", "\\text", "\\textrm")
       for word, function in (("erf", sympy.erf), ("erfc", sympy.erfc), ("Gamma", sympy.gamma), ("sign", sympy.sign),
                              ("sgn", sympy.sign), ("re", sympy.re), ("im", sympy.im))},
}
# spellings of a probability: P(X = 1 and Y = 3) is the probability of that event
PROBABILITIES = frozenset({"P", "Pr", "\\Pr", "\\mathbb{P}", "\\operatorname{P}", "\\operatorname{Pr}", "\\mathrm{P}",
                           "\\mathrm{Pr}", "\\text{P}", "\\text{Pr}"})
EVENT_RELATIONS = frozenset("= < > \\neq \\ne \\le \\leq \\ge \\geq \\lt \\gt \\leqslant \\geqslant \\in \\notin".split())


class Names(Construct):
    """Reads a name with its scripts and, when it is a function, its call."""

    HANDLES = {
        "name": "name",
        "letter": "letter",
        "word": "word",
        **{"\\" + letter: "greek" for letter in GREEK},
        "\\pi": "greek",
        "\\infty": "greek",
        "\\Pr": "probability",
    }
    # what a name stands for -> the method that builds its value
    BUILDERS = {
        "base": "build_base",
        "scalar": "build_scalar",
        "index": "build_scalar",
        "size": "build_scalar",
        "function": "build_function",
        "constant": "build_constant",
        "free": "build_free",
    }

    def name(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        kinds = self.reader.notation.kinds_of(token.arg)
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        called = call_group(nodes, j) is not None
        kind = kinds[0]
        if "function" in kinds and (called and post.sub is None or len(kinds) == 1):
            kind = "function"
        if kind == "base" and post.sub is None and self.plain_beside_bold(token):
            return self.atom(nodes, i, Atom("free", token.arg, token.start, token.end))
        return self.atom(nodes, i, Atom(kind, token.arg, token.start, token.end))

    def plain_beside_bold(self, token) -> bool:
        """`x` written plain and bare where the vector or matrix x, spelled `\\mathbf{x}`, is
        declared `plain_scalar = true`: another name, a scalar, as a note that tells a vector
        from a scalar by its face writes it (d2l: d/dx (bx) = b, "the single variable case").
        Its entries `x_i` are still the vector's. Without the key, plain x is the vector."""
        return token.arg in self.table.plain_scalars and token.text.strip() in (token.arg, "\\" + token.arg)

    def letter(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        constant = CONSTANT_LETTERS.get(token.text)
        if constant is not None and token.text not in self.reader.index_letters \
                and token.text not in self.reader.notation.named_letters:
            post, j = self.reader.scripts.postfix(nodes, i + 1)
            if post.sub is None and post.primes == 0:
                if post.sup is not None:  # e^{(a + b)} is a power, never a label
                    constant = constant ** self.reader.value(post.sup, post.sup_start)
                return [Obj(constant, token.start, nodes[j - 1].end)], j
        atom = Atom("free", token.text, token.start, token.end)
        identity = self.reader.identity.read(nodes, i, atom, bold=False) if self.reader.identity.applies(token.text) else None
        return identity or self.atom(nodes, i, atom)

    def greek(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        if token.text == "\\pi" and "pi" not in self.reader.notation.named_letters:
            return self.power_of_pi(nodes, i)
        if token.text == "\\infty":  # no arithmetic with infinity: \\infty^2 stays unread
            return [Obj(sympy.oo, token.start, token.end)], i + 1
        if token.text == "\\delta":
            post, j = self.reader.scripts.postfix(nodes, i + 1)
            pair = self.reader.indices.index_pair(post.sub) if post.sub is not None and post.sup is None else None
            if pair is not None and call_group(nodes, j) is None:
                return [Obj(sympy.KroneckerDelta(*pair), token.start, nodes[j - 1].end)], j
        return self.atom(nodes, i, Atom("free", token.text[1:], token.start, token.end))

    def power_of_pi(self, nodes: list, i: int) -> tuple[list, int]:
        """\\pi, or \\pi^{k}; a subscript or a prime is left unread (\\pi_k is a name in some notes)."""
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        if post.sup is None or post.sub is not None or post.primes:
            return [Obj(sympy.pi, nodes[i].start, nodes[i].end)], i + 1
        return [Obj(sympy.pi ** self.reader.value(post.sup, post.sup_start), nodes[i].start, nodes[j - 1].end)], j

    def probability(self, nodes: list, i: int) -> tuple[list, int]:
        """\\Pr(A): the probability of an event, or a function Pr of what it is applied to."""
        token = nodes[i].token
        return self.atom(nodes, i, Atom("free", token.text, token.start, token.end, spelled=True))

    def word(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        content = (token.arg or "").strip()
        if token.cmd in ONES and content == "1":
            if self.reader.numbers.indicator_follows(nodes, i + 1) and not _sized_by_subscript(nodes, i + 1):
                return self.reader.numbers.indicator(nodes, i)
            return self.reader.identity.ones(nodes, i)
        if is_bold_zero(token):
            raise self.reader.error(f"the zero vector {token.text} is read as a whole side of an equation (it takes that side's size)", token.start)
        if token.cmd in BOLD and self.reader.identity.applies(content):
            identity = self.reader.identity.read(nodes, i, Atom("free", "I", token.start, token.end), bold=True)
            if identity is not None:
                return identity
        if content in MATRIX_FUNCTIONS and token.cmd not in ACCENTS and "function" not in self.reader.notation.kinds_of(content):
            return self.reader.functions.matrix_function(nodes, i)
        if token.cmd in ("\\text", "\\textrm", "\\mathrm") and TEXT_NUMERAL.fullmatch(content):
            return self.reader.numbers.text_numeral(nodes, i, content)
        if token.cmd == "\\mathit" and len(content) == 1 and content.isalpha():
            return self.atom(nodes, i, Atom("free", content, token.start, token.end))  # italic: the default
        if f"{token.cmd}{{{content}}}" in EXPECTATIONS:  # \\mathbb{E}: the expectation, as E
            return self.atom(nodes, i, Atom("free", "E", token.start, token.end))
        if f"{token.cmd}{{{content}}}" in PROBABILITIES:  # \\mathbb{P}(X = 1): a probability
            return self.atom(nodes, i, Atom("free", f"{token.cmd}{{{content}}}", token.start, token.end, spelled=True))
        if token.cmd == "\\mathbb":
            raise self.reader.error(f"a set ({token.text}) is not an expression", token.start)
        if is_prose(token) or (token.cmd not in ACCENTS and not IDENTIFIER.match(content)):
            raise self.reader.error("text that is not math", token.start)
        declared = self.reader.notation.declared_spelling(content) if token.cmd in BOLD_FACES else None
        if declared is not None:
            return self.bold_spelling(nodes, i, declared)
        display = f"{token.cmd}{{{content}}}"
        if token.cmd in VECTOR_FACES:
            raise self.reader.error(
                f"{display}, which nothing declares, is written as a vector or a matrix: read as a number, its products "
                "would commute and a cross product would be one (declare its kind and shape in a notation file)",
                token.start)
        spelled = token.cmd not in ACCENTS and (len(content) > 1 or token.cmd == "\\operatorname")
        return self.atom(nodes, i, Atom("free", display, token.start, token.end, spelled))

    def bold_spelling(self, nodes: list, i: int, name: str) -> tuple[list, int]:
        """\\mathbf{w} written where only w is declared: the same vector or matrix (bold is how
        vectors are written); a bold spelling of a declared scalar, index or function may be
        another object, so it is refused with what to declare."""
        token = nodes[i].token
        kinds = self.reader.notation.kinds_of(name)
        if kinds == ("base",):
            return self.atom(nodes, i, Atom("base", name, token.start, token.end))
        raise self.reader.error(
            f"{token.text} is not declared, and {token.arg.strip()} is declared as a {kinds[0]}: add '{token.text}' to "
            f"its spellings (latex = [...]) if they are the same, or declare {token.text}", token.start)

    def atom(self, nodes: list, i: int, atom: Atom) -> tuple[list, int]:
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        event = call_group(nodes, j) if atom.name in PROBABILITIES and post.sub is None and not post.primes else None
        if event is not None and any(leaf_text(node) in EVENT_RELATIONS for node in event.items):
            value = self.reader.scripts.apply_sup(event_probability(event), post, lambda: self.reader.scripts.label_error(post))
            return [Obj(value, atom.start, event.end)], j + 1
        operator = bare_name(atom.name) if bare_name(atom.name) in STATISTICS else None
        # a declared function may take its argument in brackets, as the operators do: bias[X]
        call = call_group(nodes, j, square=operator is not None or atom.kind == "function")
        if call is not None and operator is not None and (call.kind == "[" or operator in SPELLED_STATISTICS):
            value, consumed = self.build_operator(operator, post, call), True
        else:
            value, consumed = getattr(self, self.BUILDERS[atom.kind])(atom, post, call)
        end = j + 1 if consumed else j
        if consumed:
            post2, end = self.reader.scripts.postfix(nodes, end)
            if post2.sub is not None and not post2.primes and isinstance(value, ElementwiseApplyFunction):
                value = self.entry_of_elementwise(value, post2.sub)  # sigma(s)_j is sigma(s_j)
                post2 = Postfix(sup=post2.sup, sup_start=post2.sup_start)
            if post2.sub is not None or post2.primes:
                raise self.reader.error("unexpected subscript after a call", nodes[end - 1].start)
            value = self.reader.scripts.apply_sup(value, post2, lambda: self.reader.scripts.label_error(post2))
        return [Obj(value, atom.start, nodes[end - 1].end)], end

    def entry_of_elementwise(self, value: ElementwiseApplyFunction, sub: list) -> object:
        """Entry j of sigma(v), for an elementwise sigma and a declared vector v or a row x_i."""
        argument, index = value.expr, self.reader.indices.index_value(sub, sub[0].start)
        if isinstance(argument, sympy.MatrixSymbol) and len(self.table.shape(argument.name)) == 1:
            return value.function(self.table.bases[argument.name][index])
        if isinstance(argument, Row):
            return value.function(self.table.bases[argument.matrix.name][argument.index, index])
        raise self.reader.error("an entry of an elementwise function of this expression: write the function of the entry",
                                sub[0].start)

    def display(self, atom: Atom, post: Postfix) -> str:
        """The Symbol name latex2sympy2 gives: a_k, y_{n,k}, theta_n, \\mathcal{L}_i."""
        name = atom.name
        if post.sub is None:
            return name
        sub = source_text(post.sub)
        return f"{name}_{sub}" if len(sub) == 1 else f"{name}_{{{sub}}}"

    def build_base(self, atom: Atom, post: Postfix, call: Optional[Group]) -> tuple[object, bool]:
        self.reader.scripts.no_primes(post)
        base = self.table.bases[atom.name]
        rank = len(self.table.shape(atom.name))
        indices = self.reader.indices.indices(post.sub, rank) if post.sub is not None else []
        if indices == "shape":
            value: object = self.table.matrix_symbol(atom.name)
            indices = []
        elif indices == "label":
            value = sympy.Symbol(self.display(atom, post))
            return self.reader.scripts.apply_sup(value, post, lambda: self.reader.scripts.label_error(post)), False
        kind = self.reader.scripts.sup_kind(post.sup)
        if kind == "label":
            indices = list(indices) + self.reader.indices.label_indices(post.sup)
        if indices:
            value = base[tuple(indices)]
        elif post.sub is None:
            value = self.table.matrix_symbol(atom.name)
        if call is not None and indices and len(indices) < rank:
            arguments = self.reader.indices.call_indices(call)
            if len(indices) + len(arguments) != rank:
                raise self.reader.error(
                    f"{atom.name} has {rank} indices; this gives {len(indices) + len(arguments)}", call.start
                )
            return self.reader.scripts.sup_only(base[tuple(indices) + tuple(arguments)], post), True
        if call is not None and not indices and self.is_signature(call):
            return self.reader.scripts.sup_only(value, post), True
        if rank == 2 and len(indices) == 1:  # x_i of a family x_1..x_n declared as a matrix: row i
            value = Row(self.table.matrix_symbol(atom.name), indices[0])
        return self.reader.scripts.sup_only(value, post), False

    def build_scalar(self, atom: Atom, post: Postfix, call: Optional[Group]) -> tuple[object, bool]:
        groups = {"scalar": self.table.scalars, "index": self.table.indices, "size": self.table.sizes}
        value: object = groups[atom.kind][atom.name]
        if post.sub is not None:
            value = self.subscripted_free(atom, post)
        value = self.primed(value, post, atom)
        label = lambda: sympy.Symbol(f"{self.display(atom, post)}^{source_text(post.sup)}")  # noqa: E731
        value = self.reader.scripts.apply_sup(value, post, label)
        if call is not None and self.is_signature(call):
            return value, True
        return value, False

    def build_constant(self, atom: Atom, post: Postfix, call: Optional[Group]) -> tuple[object, bool]:
        """A declared constant (the imaginary unit written j, a named number): its value."""
        if post.sub is not None or post.primes:
            raise self.reader.error(f"{atom.name} is declared a constant: no subscript or prime on it", atom.start)
        value = self.reader.scripts.apply_sup(self.table.constants[atom.name], post,
                                              lambda: self.reader.scripts.label_error(post))
        return value, False

    def build_function(self, atom: Atom, post: Postfix, call: Optional[Group]) -> tuple[object, bool]:
        function = self.table.functions[atom.name]
        if post.sub is not None and call is None:
            return self.build_free(atom, post, None)  # g_i: a name of its own
        if post.sub is not None:
            function = same_range(self.display(atom, post), function)
        if call is None:
            raise self.reader.error(f"the function {atom.name} needs an argument", atom.start)
        return self.powered(atom, self.application(function, post.primes, call), post), True

    def powered(self, atom: Atom, applied: object, post: Postfix) -> object:
        """f^2(x) is f(x)^2, as \\sin^2 x; f^{-1}(x) is refused (inverse or reciprocal?)."""
        if post.sup is None:
            return applied
        power = self.reader.value(post.sup, post.sup_start)
        if power == -1:
            raise self.reader.error(f"{atom.name}^{{-1}}: say whether it is the inverse function or 1/{atom.name}", post.sup_start)
        return applied**power

    def build_free(self, atom: Atom, post: Postfix, call: Optional[Group]) -> tuple[object, bool]:
        if call is not None and atom.name in ASYMPTOTIC and post.sub is None and post.sup is None \
                and atom.name not in self.reader.notation.defined_functions:
            raise self.reader.error(f"{atom.name}(...) is asymptotic notation (a set of functions, not a number): an "
                                    "equation with it is not checked", atom.start)
        special = SPECIAL_FUNCTIONS.get(atom.name) if post.sub is None else None
        if call is not None and special is not None and self.reader.scripts.sup_kind(post.sup) in ("none", "power"):
            return self.powered(atom, self.application(special, post.primes, call), post), True
        if call is not None and self.reader.scripts.sup_kind(post.sup) in ("none", "power") and self.is_called(atom, post, call):
            function = sympy.Function(self.display(atom, post))
            return self.powered(atom, self.application(function, post.primes, call), post), True
        if call is not None and holds_one_name_or_number(call):
            written, argument = self.reader.latex[atom.start:call.start].strip(), source_text(call.items)
            raise self.reader.error(
                f"{written}({argument}): the function {written} at {argument}, or {written} times {argument}? Declare "
                f"{written} (as a function or a scalar), define it ({written}(x) = ...), or write {written} \\cdot {argument}",
                atom.start)
        value = self.subscripted_free(atom, post) if post.sub is not None else self.bare(atom)
        value = self.primed(value, post, atom)
        label = lambda: sympy.Symbol(f"{self.display(atom, post)}^{source_text(post.sup)}")  # noqa: E731
        return self.reader.scripts.apply_sup(value, post, label), False

    def is_called(self, atom: Atom, post: Postfix, call: Group) -> bool:
        """An undeclared name before '(' is a function only when it is one by convention
        (f, g, h, \\sigma ...), by the note's own definition (``f(x) = ...``), by its
        spelling (a word such as ``\\text{softmax}``, a prime), the expectation E, or when
        the parenthesis holds a list or a condition bar (a product cannot); otherwise the parenthesis is a factor: ``n(n+1)``."""
        return bool(
            post.primes
            or atom.spelled
            or atom.name in WELL_KNOWN_FUNCTIONS
            or atom.name in self.reader.notation.defined_functions
            or len(split_at(call.items, SEPARATORS)) > 1
        )

    def build_operator(self, name: str, post: Postfix, call: Group) -> object:
        """E[X], \\mathbb{E}[X], Var[X]: the operator, applied to what the bracket holds."""
        self.reader.scripts.no_primes(post)
        if post.sub is not None:
            name = f"{name}_{{{source_text(post.sub)}}}"
        return self.powered(Atom("free", name, call.start, call.end), self.application(sympy.Function(name, operator=True), 0, call), post)

    def primed(self, value: object, post: Postfix, atom: Atom) -> object:
        """b' (a name that is not a function): a name of its own, b-prime; y' of a y the note
        defines as an expression of one variable x is dy/dx, h' of a function h(t) it defines
        is dh/dt (as \\dot h is); y' of another y the note gives
        by an equation (y = f(x)) is refused: its derivative, but in which variable?"""
        if not post.primes:
            return value
        variable = self.reader.notation.prime_variables.get(atom.name) if post.sub is None else None
        if variable is None and _of_one_name(value):  # h' of a function h(t) the note defines: dh/dt
            variable = value.args[0]
        if variable is not None:
            return sympy.Derivative(value, (variable, post.primes), evaluate=False)
        if atom.name in self.reader.notation.defined_names:
            raise self.reader.error(
                f"{atom.name}' where {atom.name} is given by an equation: write \\frac{{d{atom.name}}}{{dx}}, or declare {atom.name}' as a name",
                atom.start,
            )
        if not isinstance(value, sympy.Symbol):
            raise self.reader.error("a prime (') on this name: only on functions and scalar names", post.sub_start or post.sup_start)
        return sympy.Symbol(value.name + "'" * post.primes, **value.assumptions0)

    def bare(self, atom: Atom) -> object:
        """A name alone; a function the note defines, h(t) = ..., alone is that function of
        its parameters (`\\frac{dh}{dt} = 2h`), as its derivative's bare h is, and with Newton's
        dots (`\\dot h`, `\\ddot h`) its derivative, when it has one parameter."""
        dotted = _NEWTON_DOTS.fullmatch(atom.name)
        name, order = (dotted.group(2), len(dotted.group(1))) if dotted else (atom.name, 0)
        parameters = self.reader.notation.function_parameters.get(name, ())
        if not parameters or name not in self.reader.notation.defined_functions or order and len(parameters) != 1:
            return sympy.Symbol(atom.name)
        applied = sympy.Function(name)(*parameters)
        return sympy.Derivative(applied, (parameters[0], order), evaluate=False) if order else applied

    def subscripted_free(self, atom: Atom, post: Postfix) -> object:
        shape = self.reader.indices.shape_annotation(post.sub)
        if shape is not None:
            return sympy.MatrixSymbol(atom.name, *shape)
        return self.declared_name(self.display(atom, post))

    def declared_name(self, name: str) -> object:
        """A subscripted name the notation declares whole (an index y_i, a scalar L_i) is
        that declaration's symbol, with its assumptions; any other is a name of its own."""
        for group in (self.table.indices, self.table.scalars, self.table.sizes):
            if name in group:
                return group[name]
        return sympy.Symbol(name)

    def application(self, function: object, primes: int, call: Group) -> object:
        """f(x), f'(x); P(y \\mid x; w) applies the function P(|;) to y, x, w: the bar and the
        semicolon are part of what is applied, so P(y \\mid x) and P(y, x) never meet."""
        marks = "".join(leaf_text(n) for n in call.items if leaf_text(n) in SEPARATORS - {","})
        if marks:
            function = same_range(f"{function}({marks.replace(chr(92) + 'mid', '|')})", function)
        args = [one_by_one_entry(arg) for arg in self.reader.indices.arguments(call)]  # sigma(x^T w)
        if str(function) in self.table.elementwise and len(args) == 1 and matrix_valued(args[0]):
            return elementwise(function, args[0], primes)
        applied = function(*args)
        if not primes:
            return applied
        if len(args) != 1:
            raise self.reader.error("a prime (') needs a function of one argument", call.start)
        (arg,) = args
        if getattr(arg, "_diff_wrt", False) and not isinstance(arg, MatrixElement):  # not an inner product
            return sympy.Derivative(applied, (arg, primes), evaluate=False)
        dummy = sympy.Symbol("_t")  # a Dummy would differ between two parses
        return sympy.Subs(sympy.Derivative(function(dummy), (dummy, primes), evaluate=False), dummy, arg)

    def function_of(self, nodes: list) -> Optional[object]:
        """The function a lone name stands for (declared, by convention or defined), else None:
        the numerator of \\frac{dg}{dx}."""
        if len(nodes) != 1 or not isinstance(nodes[0], Leaf):
            return None
        token = nodes[0].token
        if token.kind == "name":
            return self.table.functions.get(token.arg) if "function" in self.reader.notation.kinds_of(token.arg) else None
        name = token.text.lstrip("\\")
        if token.kind in ("letter", "cmd") and (name in WELL_KNOWN_FUNCTIONS or name in self.reader.notation.defined_functions):
            return sympy.Function(name)
        return None

    def is_signature(self, call: Group) -> bool:
        """L(y, p): a declared symbol followed by its argument list (it names the symbol)."""
        return len(split_at(call.items, frozenset({","}))) > 1



def holds_one_name_or_number(call: Group) -> bool:
    """(x), (t_0), (\\theta), (0): what a function is applied to; nobody brackets such a factor
    (a product is written a(b + c), n(n + 1))."""
    items = call.items
    if not items or not isinstance(items[0], Leaf) or items[0].token.kind not in ("letter", "number", "name", "word", "cmd"):
        return False
    return len(items) == 1 or (len(items) == 3 and leaf_is(items[1], "_"))


def _sized_by_subscript(nodes: list, j: int) -> bool:
    """`\\mathbf{1}_n`: a subscript that holds no relation sizes the vector of ones
    (`\\mathbb{1}_{i=j}`, `\\mathbf{1}_{\\{y = k\\}}` hold one: an indicator)."""
    if not (leaf_is(nodes[j], "_") and j + 1 < len(nodes)):
        return False
    return not _holds_a_relation(nodes[j + 1])


def _holds_a_relation(node: object) -> bool:
    if isinstance(node, Group):
        return any(_holds_a_relation(item) for item in node.items)
    return leaf_text(node) in RELATIONS


def elementwise(function: object, argument: object, primes: int) -> object:
    """sigma(s), sigma'(s) for an elementwise sigma and a vector or matrix s: applied to each entry."""
    t = sympy.Symbol("_t")  # a Dummy would differ between two parses
    body = function(t) if not primes else sympy.Derivative(function(t), (t, primes))
    return ElementwiseApplyFunction(sympy.Lambda(t, body), argument)


def same_range(name: str, function: object) -> sympy.FunctionClass:
    """P(.|.) or P_i of a declared function P: a function of its own, with P's values (> 0)."""
    return sympy.Function(name, **({"positive": True} if getattr(function, "is_positive", False) is True else {}))


def event_probability(event: Group) -> sympy.Symbol:
    """P(X = 1 \\; \\text{and} \\; Y = 3): the probability of an event, a number in [0, 1] of its
    own, named by the event as written (spacing aside). The reader knows nothing of the
    random variables inside, so two spellings of one event are two numbers: a step can be
    undecided or refuted for it, never proved by a relation the reader assumed."""
    words = []
    for node in event.items:
        text = leaf_text(node) if isinstance(node, Leaf) else None
        if text in SPACING:
            continue
        words.append(source_text([node]))
    name = " ".join(" ".join(words).split())
    for command in ("\\textrm", "\\text", "\\mathrm"):
        name = name.replace(command + "{and}", "and").replace(command + "{ and }", "and")
    return EventProbability(f"P({name})", nonnegative=True)


def bare_name(name: str) -> str:
    """\\mathbb{E}, \\textrm{Var} -> E, Var: the name inside a font command."""
    return name.split("{", 1)[1].rstrip("}") if name.startswith("\\") and "{" in name else name


def _of_one_name(value: object) -> bool:
    """An undefined function applied to one name: h(t)."""
    return isinstance(value, sympy.core.function.AppliedUndef) and len(value.args) == 1 \
        and isinstance(value.args[0], sympy.Symbol)
