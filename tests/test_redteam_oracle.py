"""The mutation benchmarks' oracle (benchmarks/bench_mutation.equivalent) judges E, Var and
Cov over the declared random scalars in finite distributions, as the engine's refuter does,
not as arbitrary functions: a constant has variance 0, and Cov takes two arguments.

Before, bench_note_mutation judged 9 true mutants of d2l-bias-variance and
d2l-correlation-linear "FALSE PROOF" (Var[theta] of the constant theta dropped, E[x^2] for
E[(x)^2], ...) and crashed on Cov (a one-argument stand-in given two); it also called a
scalar beside a 1x1 matrix (x_i a_ij x_j = x^T A x) different, whatever its value."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from symcheck.engine.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_mutation  # noqa: E402
import bench_note_mutation  # noqa: E402

SETTINGS = Settings(step_timeout=20.0)
BIAS = "d2l-bias-variance"       # thetahat random, theta a constant
LINEAR = "d2l-correlation-linear"  # X, Y random; a, b constants
QUADRATIC = "d2l-quadratic-form-gradient"  # x an n-vector, A n x n, Einstein's convention


def _judged(slug: str, latex: str) -> list:
    _, equations = bench_note_mutation.check_text(slug, f"Text.\n\n$${latex}$$\n", SETTINGS)
    found = [eq for eqs in equations.values() for eq in eqs]
    assert found, latex
    return [bench_mutation.equivalent(eq, 0) for eq in found]


@pytest.mark.parametrize("slug, latex", [
    (BIAS, r"\textrm{Var} [\theta] = 0"),
    (BIAS, r"E[\theta] = \theta"),
    (BIAS, r"E[\hat{\theta}_n^2] = E[(\hat{\theta}_n)^2]"),
    (BIAS, r"E[\hat{\theta}_n\theta] = E[\hat{\theta}_n]E[\theta]"),
    (BIAS, r"\textrm{Var} [\hat{\theta}_n] = E[\hat{\theta}_n^2] - E[\hat{\theta}_n]^2"),
    (LINEAR, r"\textrm{Cov}(X, aX+b) = a\textrm{Cov}(X, X)"),
    (LINEAR, r"\textrm{Cov}(X, X) = \textrm{Var}(X)"),
    (QUADRATIC, r"x_ia_{ij}x_j = \mathbf{x}^\top A \mathbf{x}"),  # a scalar beside a 1x1 matrix
])
def test_true_statements_about_expectations_are_equivalent(slug, latex):
    assert _judged(slug, latex) == [True]


@pytest.mark.parametrize("slug, latex", [
    (BIAS, r"E[\hat{\theta}_n^2] = E[\hat{\theta}_n]^2"),
    (BIAS, r"\textrm{Var} [\hat{\theta}_n] = 0"),
    (BIAS, r"E[\hat{\theta}_n\hat{\theta}_n] = E[\hat{\theta}_n]E[\hat{\theta}_n]"),
    (LINEAR, r"\textrm{Cov}(X, aX+b) = a^2\textrm{Cov}(X, X)"),
    (LINEAR, r"\textrm{Cov}(X, aX+b) = \textrm{Cov}(aX+b, X) + b"),
    (QUADRATIC, r"x_ia_{ii}x_j = \mathbf{x}^\top A \mathbf{x}"),
])
def test_false_statements_about_expectations_are_told_apart(slug, latex):
    assert _judged(slug, latex) == [False]
