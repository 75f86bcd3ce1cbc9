"""pytest plugin: collect derivation files as tests (filled in by the `check` work)."""
