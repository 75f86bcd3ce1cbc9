"""`verify` and `check` over many files, reusing what the cache holds.

A file whose bytes (and notation file, and settings, and symcheck version) are unchanged
comes back from the cache without loading the reader or the engine; the others are
checked as usual (where each equation may still hit the decision cache) and stored.

`shard` splits the files among the jobs of a CI matrix: file f goes to shard
1 + (SHA-256 of its path relative to the working directory) mod N, the same on every
machine, so N jobs with `--shard 1/N` ... `--shard N/N` check every file exactly once.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from pathlib import Path
from typing import Optional, Sequence

from symcheck.load.files import named_files
from symcheck.load.fromnote import note_path
from symcheck.model import DocumentResult, Verdict
from symcheck.notes.extract import extract_math, read_notes
from symcheck.runtime.startup import engine_import
from symcheck.verify import cache
from symcheck.verify.notecheck import NoteCheck, notation_for

def shard(paths: Sequence[Path], part: Optional[tuple[int, int]]) -> list[Path]:
    """The files of shard `part` = (K, N), 1 <= K <= N; all files when `part` is None."""
    if part is None:
        return list(paths)
    index, count = part
    return [path for path in paths if _shard_of(path, count) == index]


def _shard_of(path: Path, count: int) -> int:
    name = os.path.relpath(path.resolve(), Path.cwd().resolve()) if path.is_absolute() else os.path.normpath(path)
    return 1 + int(hashlib.sha256(Path(name).as_posix().encode()).hexdigest(), 16) % count


def _note_of(path: Path) -> Optional[Path]:
    """The note a derivation file reads its LaTeX from (`note = "path"`), part of its key."""
    try:
        note = tomllib.loads(path.read_text(encoding="utf-8")).get("note")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # the loader reports it; a failed load is never stored
    return note_path(path, note) if isinstance(note, str) else None


def _settled(result: DocumentResult) -> bool:
    """Worth keeping: no decision left unknown for lack of time, no gradient check that could not run."""
    unknown = any(r.decision.verdict is Verdict.UNKNOWN and r.decision.strategy in ("time limit", "error", "none")
                  for r in result.all_results())
    return not unknown and not any(check.error for check in result.gradient_checks)


def verify_files(paths: Sequence[Path], settings: object, jobs: int = 1,
                 part: Optional[tuple[int, int]] = None) -> list[DocumentResult]:
    """`runs.verify_files`, each unchanged file's result taken from the active cache."""
    store = cache.active()
    files = shard(named_files(paths), part)
    keys = {path: cache.file_key("verify", [path, _note_of(path)], settings) for path in files} if store.enabled else {}
    found = {path: store.load("documents", keys[path], DocumentResult) for path in keys}
    missing = [path for path in files if found.get(path) is None]
    if missing:
        with engine_import():
            from symcheck.verify import runs

        for path, result in zip(missing, runs.verify_files(missing, settings, jobs)):
            found[path] = result
            if store.enabled and _settled(result):
                store.store("documents", keys[path], result)
    return [found[path] for path in files]


def check_notes(notes: Sequence[Path], notation: Optional[Path], settings: object, jobs: int = 1) -> list[NoteCheck]:
    """`notes.check_note` for each note (in `jobs` processes), unchanged notes from the cache."""
    store = cache.active()
    keys = {note: cache.file_key("check", [note, notation_for(note, notation)], settings)
            for note in notes} if store.enabled else {}
    found: dict[Path, NoteCheck] = {}
    for note, key in keys.items():
        result = store.load("documents", key, DocumentResult)
        if result is not None:
            found[note] = NoteCheck(note, result, extract_math(read_notes(note), str(note)))
    missing = [note for note in notes if note not in found]
    if missing:
        from symcheck.runtime.parallel import parallel_map

        with engine_import():
            from symcheck.verify.notes import check_note

        # one note: its steps decided in parallel; several: one note per process, the largest first
        order = sorted(missing, key=lambda note: -note.stat().st_size)
        checked_notes = [check_note(missing[0], notation, settings, jobs)] if len(missing) == 1 \
            else parallel_map(check_note, order, jobs, notation, settings)
        for note, checked in zip(order, checked_notes):
            found[note] = checked
            if store.enabled and _settled(checked.result):
                store.store("documents", keys[note], checked.result)
    return [found[note] for note in notes]
