"""A triage model as data that cannot run code: numpy's .npz container read with allow_pickle=False, holding the
arrays (sparse weights as their three CSR arrays) and one JSON document for everything else. A pickle stored in
the database would let whoever can write one row run code on the server (等保; issue 12).

`dumps(model) -> bytes` and `loads(bytes) -> Model`; `loads` refuses anything that is not this format (an old
pickled model included: it is retrained, never unpickled)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np
import scipy.sparse as sp

from taizhang.lib.triage import Classifier, DispatchRule, Model

FORMAT = "taizhang-triage-model/1"


class NotAModelFile(ValueError):
    """The bytes are not a model in this format (e.g. a model pickled by an older version)."""


def dumps(model: Model) -> bytes:
    arrays: dict[str, np.ndarray[Any, Any]] = {}
    _put_sparse(arrays, "examples_x", model.examples_x)
    for name, classifier in (("category", model.category_clf), ("unit", model.unit_clf)):
        _put_sparse(arrays, f"{name}_coef", sp.csr_matrix(classifier.coef))
        arrays[f"{name}_intercept"] = np.asarray(classifier.intercept, dtype=np.float32)
    if model.idf is not None:
        arrays["idf"] = np.asarray(model.idf)
    meta = {
        "format": FORMAT,
        "version": model.version,
        "category_labels": model.category_clf.labels,
        "unit_labels": model.unit_clf.labels,
        "category_codes": model.category_codes,
        "examples": [list(e) for e in model.examples],
        "dispatch": [[d.category, d.kind, d.unit, d.entity] for d in model.dispatch],
        "places": sorted(model.places),
        "place_kinds": model.place_kinds,
        "features": model.features,
    }
    arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8)
    out = io.BytesIO()
    np.savez_compressed(out, **arrays)  # type: ignore[arg-type]
    return out.getvalue()


def loads(blob: bytes) -> Model:
    if not blob.startswith(b"PK"):
        raise NotAModelFile("not a model file (a pickled model from an older version is never loaded)")
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            if meta.get("format") != FORMAT:
                raise NotAModelFile(f"unknown model format {meta.get('format')!r}")
            category = Classifier(
                meta["category_labels"], _get_sparse(data, "category_coef"), data["category_intercept"].copy()
            )
            unit = Classifier(meta["unit_labels"], _get_sparse(data, "unit_coef"), data["unit_intercept"].copy())
            return Model(
                version=meta["version"],
                category_clf=category,
                unit_clf=unit,
                category_codes=list(meta["category_codes"]),
                examples_x=_get_sparse(data, "examples_x"),
                examples=[(str(t), str(c), str(u)) for t, c, u in meta["examples"]],
                dispatch=[DispatchRule(*rule) for rule in meta["dispatch"]],
                places=set(meta["places"]),
                idf=data["idf"].copy() if "idf" in data.files else None,
                place_kinds=dict(meta["place_kinds"]),
                features=int(meta["features"]),
            )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        if isinstance(exc, NotAModelFile):
            raise
        raise NotAModelFile(f"unreadable model file: {exc}") from exc


def _put_sparse(arrays: dict[str, np.ndarray[Any, Any]], name: str, matrix: sp.csr_matrix) -> None:
    matrix = sp.csr_matrix(matrix)
    arrays[f"{name}_data"] = matrix.data
    arrays[f"{name}_indices"] = matrix.indices
    arrays[f"{name}_indptr"] = matrix.indptr
    arrays[f"{name}_shape"] = np.asarray(matrix.shape, dtype=np.int64)


def _get_sparse(data: Any, name: str) -> sp.csr_matrix:
    shape = tuple(int(v) for v in data[f"{name}_shape"])
    return sp.csr_matrix((data[f"{name}_data"], data[f"{name}_indices"], data[f"{name}_indptr"]), shape=shape)
