from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The public pages cache their cards per process; each test starts without another test's."""
    cache.clear()
    yield
    cache.clear()
