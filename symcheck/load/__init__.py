"""Derivation and notation files (TOML, data only) to compiled equations; coverage of the
source lines a derivation file encodes.

Stage 4: may import `runtime`, `model`, `read` and `notes`.
"""
