"""Reading LaTeX: one expression, as its author wrote it, to a SymPy object.

- `backend`: the only door to latex2sympy2 (global state cleared, traps neutralised);
- `tokens`, `texscan`: tokens with offsets, brace matching;
- `notation`: the document's notation (declared names, rewrites) applied, then read.

Stage 2: may import `symcheck.runtime` and `symcheck.model`.
"""
