"""Printers of result data: terminal and JSON (`results`), compiler-style diagnostics,
GitHub annotations and JUnit XML (`diagnostics`). One method per node type.

Stage 7: may import `runtime`, `model`, `read`, `notes` and `load`; never the engine.
"""
