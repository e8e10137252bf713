"""The triage model stored as data (npz + JSON, allow_pickle=False), never as a pickle."""

from __future__ import annotations

import pickle
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp

from taizhang.lib import modelfile
from taizhang.triage import engine
from taizhang.triage.actions import do_train_model
from taizhang.triage.models import TriageModel


def test_a_model_reads_back_and_predicts_the_same() -> None:
    model = engine.default_model()
    assert model is not None
    again = modelfile.loads(modelfile.dumps(model))
    assert again.version == model.version and again.examples == model.examples and again.places == model.places
    for new, old in ((again.category_clf, model.category_clf), (again.unit_clf, model.unit_clf)):
        assert new.labels == old.labels and np.array_equal(new.intercept, old.intercept)
        assert (new.coef != sp.csr_matrix(old.coef)).nnz == 0
        rows = sp.random(5, new.coef.shape[1], density=0.001, format="csr", random_state=1, dtype=np.float32)
        assert np.allclose(new.proba(rows), old.proba(rows))
    assert (again.examples_x != model.examples_x).nnz == 0


class Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("this would have run on the server",))


def test_a_pickle_is_never_loaded() -> None:
    with pytest.raises(modelfile.NotAModelFile):
        modelfile.loads(pickle.dumps(Boom()))


def test_a_pickled_row_in_the_database_is_replaced_not_unpickled(cast: SimpleNamespace) -> None:
    row = do_train_model(actor=None)
    TriageModel.objects.filter(pk=row.pk).update(blob=pickle.dumps(Boom()))
    engine._loaded.clear()
    assert engine.load(TriageModel.objects.get(pk=row.pk)) is None
    assert engine.active_model() is not None  # the default model answers meanwhile
    fresh = do_train_model(actor=None)  # same data, but the stored one is unreadable: trained again
    assert fresh.pk != row.pk and bytes(fresh.blob).startswith(b"PK")
