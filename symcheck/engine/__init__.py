"""The verdict ladder: whether two steps are equal, and the evidence for it.

- `settings`: what a decision may spend; `ladder`: the ladder and its dispatch;
- `rungs`: the rungs for one scalar equation; `canonical`: unfolding and canonical forms;
- `indexcalc`, `matrixcalc`: index and matrix calculus with the declared ranges and shapes;
- `sampling`: points inside the declared domains; `gradcheck`: finite-difference checks;
- `screen`: cheap refutation first, both sides in floats at many points (`floats`), drawn at
  once (`batch`); only a candidate re-checked exactly (`rungs.recheck`) refutes; `atpoint`:
  sides evaluated at points as written (definitions where used, derivatives forward), so
  that a free index left outside its sum is refuted before anything is unfolded.
- `scalarcase`: a stated case on scalars or sizes (u = 0, x > 0) applied to sides and points.
- `limits`: steps with limits (SymPy's value, confirmed near the point, then the ladder).
- `walk`, `sums`, `facts`: SymPy's answers with less work (a sum's value walked, not written
  out; free symbols of sums; entries' facts deduced once; assumption queries in a fixed order).
- `memo`: a bounded memo of a pure function's answers, by key (unfolded and canonical sides,
  derivatives, signs, entries).

Stage 5: may import `runtime`, `model` and `read` (never `load`: the engine decides
compiled equations, wherever they came from).
"""
