"""Suite-wide guards."""

import pytest

from symcheck.engine import audit


@pytest.fixture(autouse=True)
def no_internal_inconsistency():
    """A passing verdict the independent audit overruled is an engine bug: fail the test
    that met it (a test that provokes one on purpose clears the record itself)."""
    audit.INCONSISTENCIES.clear()
    yield
    caught = list(audit.INCONSISTENCIES)
    audit.INCONSISTENCIES.clear()
    assert not caught, f"the audit overruled a passing verdict: {caught[:3]}"


@pytest.fixture(autouse=True)
def _private_symcheck_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own symcheck cache directory: no test reads what another
    stored, and nothing is written into the working tree."""
    monkeypatch.setenv("SYMCHECK_CACHE_DIR", str(tmp_path_factory.mktemp("symcheck_cache")))
