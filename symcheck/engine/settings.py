"""What every decision of the engine is allowed to spend and how it samples."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    step_timeout: float = 10.0  # seconds per equation, enforced
    sizes: tuple[int, ...] = tuple(range(1, 9))
    samples: int = 20  # numeric rung: points that must agree
    precision: int = 50  # digits
    seed: int = 0
    repair_budget: float = 0.0  # seconds per refuted step to search a repair (0: no search)
    audit: bool = True  # the independent audit of passing verdicts (off only to measure its cost)
