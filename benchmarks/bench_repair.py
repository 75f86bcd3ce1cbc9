"""Suggested repairs, measured: how many errors get one, and how many equal the intended form.

1. The seeds' errata (derivations/*.toml): each erratum's written form, when refuted, is
   repaired; the repair is compared with the erratum's `intended` form by the engine
   (each side `proved` equal), not as strings.
2. The corpus's planted errors (tests/corpus/<slug>/mutated.md against note.md, with
   note.toml): each refuted step on a line the mutation changed is repaired and compared
   with the member at the same place in the original note.

Run: PYTHONPATH=. python benchmarks/bench_repair.py [--budget SECONDS] [CORPUS_DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Optional

from symcheck.engine.ladder import decide, decide_equation
from symcheck.engine.settings import Settings
from symcheck.load.derivation import Compiler, InputError, derivation_files, load_derivation, read_notation
from symcheck.model import Verdict
from symcheck.notes.extract import extract_math, read_notes
from symcheck.verify.notes import check_note
from symcheck.verify.repair import Repairer

ROOT = Path(__file__).resolve().parents[1]
CORPORA = [ROOT / "tests" / "corpus", ROOT.parent / "wt-corpus" / "tests" / "corpus"]


def same(left, right, scope) -> bool:
    return decide(left, right, scope).verdict is Verdict.PROVED


def seed_errata(settings: Settings) -> tuple[int, int, int, int, list[str]]:
    errata = refuted = repaired = equal = 0
    lines = []
    for path in derivation_files([ROOT / "derivations"]):
        document = load_derivation(path)
        repairer = Repairer(Compiler.for_file(document.derivation), settings)
        for eq in document.equations():
            if eq.intended is None:
                continue
            errata += 1
            decision = decide_equation(eq, settings)
            if decision.verdict is not Verdict.REFUTED:
                continue
            refuted += 1
            repair = repairer(eq, decision)
            if repair is None:
                continue
            repaired += 1
            fixed = repairer.read(eq, repair.latex)
            matches = same(fixed.lhs, eq.intended.lhs, eq.scope) and same(fixed.rhs, eq.intended.rhs, eq.scope)
            equal += matches
            lines.append(f"  {path.stem}:{eq.line} {repair.description}: {'= intended' if matches else 'differs from intended'}")
    return errata, refuted, repaired, equal, lines


def member_at(chains, line: int, index: int) -> Optional[str]:
    on_line = [m for chain in chains for m in chain.members if m.line == line]
    return on_line[index].latex if index < len(on_line) else None


def planted(corpus: Optional[Path], settings: Settings) -> tuple[int, int, int, int, list[str]]:
    planted_count = refuted = repaired = equal = 0
    lines = []
    if corpus is None:
        return 0, 0, 0, 0, ["  (no corpus found)"]
    for folder in sorted(corpus.iterdir()):
        note, mutated, notation = folder / "note.md", folder / "mutated.md", folder / "note.toml"
        if not (note.is_file() and mutated.is_file() and notation.is_file()):
            continue
        original, changed = read_notes(note).split("\n"), read_notes(mutated).split("\n")
        changed_lines = {n for n, (a, b) in enumerate(zip(original, changed), start=1) if a != b}
        planted_count += len(changed_lines)
        result = check_note(mutated, notation, settings).result
        compiler = Compiler.for_file(read_notation(notation))
        originals, mutants = extract_math("\n".join(original), str(note)), extract_math("\n".join(changed), str(mutated))
        for step in result.all_results():
            if step.line not in changed_lines or step.decision.verdict is not Verdict.REFUTED:
                continue
            refuted += 1
            if step.repair is None:
                lines.append(f"  {folder.name}:{step.line} no repair")
                continue
            repaired += 1
            index = [m.latex for c in mutants for m in c.members if m.line == step.line].index(step.latex) \
                if step.latex in [m.latex for c in mutants for m in c.members if m.line == step.line] else 0
            intended = member_at(originals, step.line, index)
            try:
                matches = intended is not None and same(compiler.expression(step.repair.latex),
                                                        compiler.expression(intended), compiler.scope())
            except InputError:
                matches = False
            equal += matches
            lines.append(f"  {folder.name}:{step.line} {step.repair.description}: "
                         f"{'= original' if matches else 'differs from original'}")
    return planted_count, refuted, repaired, equal, lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--budget", type=float, default=5.0)
    args = parser.parse_args()
    corpus = args.corpus or next((c for c in CORPORA if c.is_dir()), None)
    settings = Settings(repair_budget=args.budget)
    started = time.perf_counter()
    errata, refuted, repaired, equal, lines = seed_errata(settings)
    print("\n".join(lines))
    print(f"seed errata: {errata}; refuted as written {refuted}; repaired {repaired}; "
          f"repair = intended form {equal}   (baseline without repair search: 0 suggested)")
    count, refuted, repaired, equal, lines = planted(corpus, settings)
    print("\n".join(lines))
    print(f"corpus planted errors ({corpus}): {count} changed lines; refuted {refuted}; repaired {repaired}; "
          f"repair = original {equal}")
    print(f"budget {args.budget:g} s per step; {time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
