import pytest

from taizhang.triage import engine


@pytest.fixture(autouse=True)
def _default_model() -> None:
    """Build (once per machine, then from var/) the default model, as retrain_triage does on a fresh install."""
    engine.default_model()
