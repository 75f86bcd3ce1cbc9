"""The verdict ladder: whether two steps are equal, and the evidence for it.

- `settings`: what a decision may spend; `ladder`: the ladder and its dispatch;
- `rungs`: the rungs for one scalar equation; `canonical`: unfolding and canonical forms;
- `indexcalc`, `matrixcalc`: index and matrix calculus with the declared ranges and shapes;
- `sampling`: points inside the declared domains; `gradcheck`: finite-difference checks.

Stage 5: may import `runtime`, `model` and `read` (never `load`: the engine decides
compiled equations, wherever they came from).
"""
