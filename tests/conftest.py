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
