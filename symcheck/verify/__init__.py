"""Running the engine over whole documents: derivation files (`documents`) and notes
(`notes`, the `check` command). Produces results (`symcheck.model`); prints nothing.

Stage 6: may import every stage below it: `runtime`, `model`, `read`, `notes`, `load`, `engine`.
"""
