"""A document's rewrite rules (``pattern`` -> ``replacement`` with ``#1``..``#9``),
applied to tokens before anything is read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from symcheck.model import RewriteRule
from symcheck.read.backend import LatexError
from symcheck.read.tokens import Token, brace_group_end, next_solid, tokenize

MAX_REWRITES = 200


@dataclass(frozen=True)
class Rule:
    pattern: tuple[Token, ...]
    replacement: tuple[Token, ...]

    @property
    def opening(self) -> Optional[tuple[str, str]]:
        """The (kind, text) every match starts with; None when the pattern opens with a parameter."""
        first = self.pattern[0]
        return None if first.kind == "param" else (first.kind, first.text)

    @classmethod
    def compile(cls, rule: RewriteRule) -> "Rule":
        pattern = _bare_params(tuple(t for t in tokenize(rule.pattern, params=True) if t.kind != "space"))
        if not pattern:
            raise LatexError("empty rewrite pattern", rule.pattern, 0)
        return cls(pattern, tuple(tokenize(rule.replacement, params=True)))

    def match(self, tokens: Sequence[Token], i: int) -> Optional[tuple[dict, int]]:
        binds: dict[str, list[Token]] = {}
        k = i
        for p in self.pattern:
            k = next_solid(tokens, k)
            if k >= len(tokens):
                return None
            t = tokens[k]
            if p.kind == "param":
                if t.is_("}"):
                    return None
                if t.is_("{"):
                    end = brace_group_end(tokens, k)
                    binds[p.text] = list(tokens[k + 1 : end - 1])
                    k = end
                else:
                    binds[p.text] = [t]
                    k += 1
            elif t.kind != p.kind or t.text != p.text:
                return None
            else:
                k += 1
        return binds, k

    def expand(self, binds: dict, start: int, end: int) -> list[Token]:
        out: list[Token] = []
        for t in self.replacement:
            if t.kind == "param":
                out.extend(binds.get(t.text, []))
            else:
                out.append(Token(t.kind, t.text, start, end))
        return out


def _bare_params(pattern: tuple[Token, ...]) -> tuple[Token, ...]:
    """`{#1}` in a pattern is `#1`: a parameter takes a whole brace group (`a_{#1}` matches
    `a_{ij}`, not only `a_{i}`)."""
    out: list[Token] = []
    k = 0
    while k < len(pattern):
        if pattern[k].is_("{") and k + 2 < len(pattern) and pattern[k + 1].kind == "param" and pattern[k + 2].is_("}"):
            out.append(pattern[k + 1])
            k += 3
        else:
            out.append(pattern[k])
            k += 1
    return tuple(out)


def apply_rules(rules: Sequence[Rule], tokens: list[Token]) -> list[Token]:
    """The first rule (in order) that matches anywhere, at its first match, until none does."""
    for _ in range(MAX_REWRITES):
        starts = _starts_by_token(tokens)
        for rule in rules:
            found = _first_match(rule, tokens, starts)
            if found is not None:
                i, binds, k = found
                tokens = tokens[:i] + rule.expand(binds, tokens[i].start, tokens[k - 1].end) + tokens[k:]
                break
        else:
            return tokens
    raise LatexError("rewrite rules keep applying", "", tokens[0].start if tokens else 0)


def _starts_by_token(tokens: list[Token]) -> dict[Optional[tuple[str, str]], list[int]]:
    """Where a match may start, by the (kind, text) of the token there; under None, every
    non-space token (a pattern opening with a parameter may start at any of them)."""
    starts: dict[Optional[tuple[str, str]], list[int]] = {None: []}
    for i, t in enumerate(tokens):
        if t.kind != "space":
            starts.setdefault((t.kind, t.text), []).append(i)
            starts[None].append(i)
    return starts


def _first_match(rule: Rule, tokens: list[Token], starts: dict) -> Optional[tuple[int, dict, int]]:
    """The rule's first match, trying only the positions whose token its pattern opens with."""
    for i in starts.get(rule.opening, ()):
        found = rule.match(tokens, i)
        if found is not None:
            return i, found[0], found[1]
    return None

