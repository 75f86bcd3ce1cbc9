"""Reading LaTeX: one expression, as its author wrote it, to a SymPy object.

- `backend`: the only door to latex2sympy2 (global state cleared, traps neutralised);
- `tokens`, `texscan`: tokens with offsets, brace matching; `rules`: rewrite rules;
  `tidy`: what is not math dropped, function words and condition words read;
- `notation`: the document's notation (declared names, rewrites) applied, then read by
  `reader`, which dispatches each node by a table keyed on its construct to one small
  construct reader: `names`, `scripts` (_ ^ '), `indices`, `numerals`, `frac` (fractions
  and derivatives, gradients, Hessians), `bigops` (sums, products), `limits` (\\lim, read as an unevaluated Limit), `ellipses` (sums and
  matrices written with ellipses), `functions` (also diag, tr), `environments` (brackets and
  their entries, matrices, cases), `conditions`, `identity` (the identity matrix, sized by
  its subscript or its context);
- `nodes` (pieces read), `values` (operations on them), `arithmetic` and `emit` (what is
  left: arithmetic, read here or by latex2sympy2 over placeholders).

Stage 2: may import `symcheck.runtime` and `symcheck.model`.
"""
