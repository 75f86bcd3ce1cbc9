"""Every test gets its own symcheck cache directory: no test reads what another stored,
and nothing is written into the working tree."""

import pytest


@pytest.fixture(autouse=True)
def _private_symcheck_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("SYMCHECK_CACHE_DIR", str(tmp_path_factory.mktemp("symcheck_cache")))
