"""Rewrite rules: indexed by the token a pattern opens with, the same rewrites as trying
every rule at every position."""

from __future__ import annotations

import random

import pytest

from symcheck.model import RewriteRule
from symcheck.read.rules import Rule, apply_rules
from symcheck.read.tokens import join, tokenize


def _every_position(rules, tokens):
    """The reference: the first rule, in order, that matches at any non-space position."""
    for _ in range(200):
        for rule in rules:
            found = next(((i, rule.match(tokens, i)) for i, t in enumerate(tokens)
                          if t.kind != "space" and rule.match(tokens, i) is not None), None)
            if found is not None:
                i, (binds, k) = found
                tokens = tokens[:i] + rule.expand(binds, tokens[i].start, tokens[k - 1].end) + tokens[k:]
                break
        else:
            return tokens
    raise AssertionError("did not terminate")


RULES = [("D_#1 S_#2", r"\partial_{#1} S_{#2}"), ("#1'", r"\dot{#1}"), ("a b", "c"), (r"\phi", r"\psi a")]


@pytest.mark.parametrize("latex", [r"D_j S_i + a b", "x' + a a b", r"\phi b", r"D_{jk}S_{i}' a\phi b",
                                   "y", "b a", r"\phi"])
def test_indexed_rules_rewrite_as_trying_every_position(latex):
    rules = [Rule.compile(RewriteRule(p, r)) for p, r in RULES]
    tokens = tokenize(latex)
    assert join(apply_rules(rules, tokens)) == join(_every_position(rules, tokens))


def test_rule_order_wins_over_position():
    rules = [Rule.compile(RewriteRule("b", "B")), Rule.compile(RewriteRule("a", "A"))]
    assert join(apply_rules(rules[:1], tokenize("a b"))) == "a B"
    assert [t.text for t in apply_rules(rules, tokenize("a b")) if t.kind != "space"] == ["A", "B"]


def test_random_token_strings_rewrite_as_trying_every_position():
    rng = random.Random(3)
    rules = [Rule.compile(RewriteRule(p, r)) for p, r in RULES]
    alphabet = ["a", "b", "x", "'", "D_j", "S_i", r"\phi", " ", "+"]
    for _ in range(200):
        tokens = tokenize(" ".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))))
        assert join(apply_rules(rules, tokens)) == join(_every_position(rules, tokens))
