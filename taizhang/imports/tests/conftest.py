import pytest

from taizhang.triage import engine


@pytest.fixture(autouse=True)
def _default_model() -> None:
    """Repeat reports are proposed with the triage engine's default model (built once per machine, then from
    var/), as on an installation where the demo or retrain_triage has run."""
    engine.default_model()
