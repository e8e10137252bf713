"""Opinion triage: features, classification, routing, grouping and explanations, in plain Python + numpy.

The pipeline for a batch:

1. `prepare` normalises each text (textnorm), finds the schools/offices it names (entities) and masks them,
   so the classifiers learn issues, not names: a school never seen in training is classified as well as
   a known one.
2. Character 1–3-gram features (hashed, so no vocabulary to store or grow) weighted by the batch's own
   IDF; category and unit come from linear classifiers over them; the unit classifier also sees the kind of
   place (private school, kindergarten, office …) crossed with the category; keyword priors (`UNIT_PRIORS`)
   name offices whose remit is plain (exams → 招生考试中心, institutions → 民办教育管理股); the dispatch catalogue
   (category × kind → unit) overrides where coordinators have fixed a rule.
3. `group` blocks by the place named, then clusters each block by average linkage over a similarity that
   mixes text and predicted category, plus `matter_evidence`: a bonus where two opinions share a facet
   (食堂, 宿舍, 补课 …) or a person (杨校长), a penalty where both name some and share none, so two matters
   at one school stay apart; opinions naming no place join the closest group of their category
   or form their own. Nothing is compared across blocks, so the cost grows with block sizes, not n².
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import linkage
from sklearn.svm import LinearSVC

from taizhang.lib.entities import EntityCatalogue, Mention, mask, primary
from taizhang.lib.textnorm import UnusableText, normalise

N_FEATURES = 2**20
FEATURES = 2  # the feature scheme: a model trained on another scheme must be retrained, not used
TEXT_WEIGHT = 0.3  # share of text similarity vs predicted-category similarity in grouping
SHARPEN = 8  # category probabilities are raised to this power before comparing: agreement on the top class counts
GROUP_THRESHOLD = 0.3  # average-linkage similarity above which opinions are one problem
ATTACH_THRESHOLD = 0.4  # an opinion naming no place joins a group only this similar
MAX_LINKAGE_BLOCK = 1500  # bigger blocks are split by predicted category, then clustered in two levels
LINKAGE_CHUNK = 400  # the first level's chunks: linkage costs chunk² per chunk, so small chunks keep it linear
SOFTMAX_SCALE = 4.0
INDEX_TERMS = 256  # a problem's text centroid keeps its strongest n-grams only: queries read less, rank the same
MAX_CANDIDATES = 300  # existing problems scored per new opinion, at most (before the category filter)
KINDS = ("school", "kindergarten", "vocational", "private", "special", "institution", "area", "office", "none")


@dataclass
class Prepared:
    """One batch after normalisation and entity recognition; `errors[i]` is set where a text was unusable."""

    texts: list[str]
    masked: list[str]
    mentions: list[list[Mention]]
    keys: list[str | None]  # primary place key
    kinds: list[str]
    notes: list[tuple[str, ...]]
    errors: list[str | None]
    given: list[Mention | None] = field(default_factory=list)  # the unit given with the opinion (涉及单位)

    @property
    def ok(self) -> list[int]:
        return [i for i, e in enumerate(self.errors) if e is None]

    def places(self, i: int) -> list[str]:
        """The place keys opinion i is about: the unit given with it when there is one, else those it names."""
        given = self.given[i] if i < len(self.given) else None
        if given is not None:
            return [given.key]
        return [m.key for m in self.mentions[i] if m.kind != "office"]


FIT_SAMPLE = 20_000  # corpus statistics for names (places, core support) settle well before this many texts
PARALLEL_MIN = 20_000  # below this, one process is faster than shipping work to a second


def _normalised(raw_texts: Sequence[object]) -> tuple[list[str], list[tuple[str, ...]], list[str | None]]:
    texts: list[str] = []
    notes: list[tuple[str, ...]] = []
    errors: list[str | None] = []
    for raw in raw_texts:
        try:
            norm = normalise(raw)
        except UnusableText as exc:
            texts.append("")
            notes.append(())
            errors.append(str(exc))
        else:
            texts.append(norm.text)
            notes.append(norm.notes)
            errors.append(None)
    return texts, notes, errors


def _recognised(
    catalogue: EntityCatalogue, texts: Sequence[str], scans: dict[int, list[Mention]]
) -> tuple[list[list[Mention]], list[str]]:
    mentions = [catalogue.mentions(t, scans.get(i)) if t else [] for i, t in enumerate(texts)]
    return mentions, [mask(t, ms) for t, ms in zip(texts, mentions, strict=True)]


def _chunk_worker(args: tuple[EntityCatalogue, list[object]]) -> tuple[Any, ...]:
    catalogue, raw = args
    texts, notes, errors = _normalised(raw)
    mentions, masked = _recognised(catalogue, texts, {})
    return texts, notes, errors, mentions, masked


def prepare(
    raw_texts: Sequence[object],
    catalogue: EntityCatalogue,
    *,
    learn: bool = True,
    workers: int = 1,
    concerned: Sequence[str | None] | None = None,
) -> Prepared:
    """Normalise, recognise and mask. With workers > 1 and a big batch, the catalogue is fitted on a sample
    and the texts are processed by that many processes (fork), in order. `concerned[i]`, a registry unit's
    name given with opinion i (涉及单位), is its place and the kind of place routing sees, whatever it names."""
    if workers > 1 and len(raw_texts) >= PARALLEL_MIN:
        return _given(_prepare_parallel(raw_texts, catalogue, learn=learn, workers=workers), catalogue, concerned)
    texts, notes, errors = _normalised(raw_texts)
    scans: dict[int, list[Mention]] = {}
    if learn:
        usable = [i for i, t in enumerate(texts) if t]
        sample = usable if len(usable) <= FIT_SAMPLE else usable[:: max(1, len(usable) // FIT_SAMPLE)]
        fitted = catalogue.fit([texts[i] for i in sample])
        if len(sample) == len(usable):
            scans = dict(zip(usable, fitted, strict=True))
    mentions, masked = _recognised(catalogue, texts, scans)
    return _given(_prepared(texts, masked, mentions, notes, errors), catalogue, concerned)


def _given(prep: Prepared, catalogue: EntityCatalogue, concerned: Sequence[str | None] | None) -> Prepared:
    prep.given = [None] * len(prep.texts)
    if concerned is None:
        return prep
    if len(concerned) != len(prep.texts):
        raise ValueError("concerned: one unit name (or None) per text")
    for i, name in enumerate(concerned):
        unit = catalogue.unit_mention(name) if name else None
        if unit is not None:
            prep.given[i] = unit
            prep.keys[i] = unit.key
            prep.kinds[i] = unit.kind
    return prep


def _prepared(
    texts: list[str],
    masked: list[str],
    mentions: list[list[Mention]],
    notes: list[tuple[str, ...]],
    errors: list[str | None],
) -> Prepared:
    keys: list[str | None] = []
    kinds: list[str] = []
    for ms in mentions:
        main = primary(ms)
        keys.append(main.key if main else None)
        kinds.append(main.kind if main else "none")
    return Prepared(texts, masked, mentions, keys, kinds, notes, errors)


def _prepare_parallel(
    raw_texts: Sequence[object], catalogue: EntityCatalogue, *, learn: bool, workers: int
) -> Prepared:
    import multiprocessing

    if learn:
        step = max(1, len(raw_texts) // FIT_SAMPLE)
        sample_texts, _notes, sample_errors = _normalised(raw_texts[::step])
        catalogue.fit([t for t, e in zip(sample_texts, sample_errors, strict=True) if e is None])
    size = -(-len(raw_texts) // (workers * 4))
    chunks = [(catalogue, list(raw_texts[a : a + size])) for a in range(0, len(raw_texts), size)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.map(_chunk_worker, chunks)
    texts: list[str] = []
    notes: list[tuple[str, ...]] = []
    errors: list[str | None] = []
    mentions: list[list[Mention]] = []
    masked: list[str] = []
    for t, n, e, m, k in parts:
        texts += t
        notes += n
        errors += e
        mentions += m
        masked += k
    return _prepared(texts, masked, mentions, notes, errors)


_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))


def hashed(texts: Sequence[str]) -> sp.csr_matrix:
    """Counts of character 1-, 2- and 3-grams, hashed into N_FEATURES columns; no vocabulary to store or grow.

    All texts are hashed at once in numpy (a multiply-xor hash of the code points at each position), then
    position keys row × N_FEATURES + column are sorted and counted: no Python loop over characters."""
    n = len(texts)
    if n == 0:
        return sp.csr_matrix((0, N_FEATURES), dtype=np.float32)
    lowered = [t.lower() for t in texts]
    lengths = np.fromiter((len(t) for t in lowered), dtype=np.int64, count=n)
    codes = np.frombuffer("".join(lowered).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    keys: list[np.ndarray[Any, Any]] = []
    for size in (1, 2, 3):
        m = len(codes) - size + 1
        if m <= 0:
            continue
        h = codes[:m] * _MIX[0]
        for k in range(1, size):
            h = (h ^ (codes[k : m + k] * _MIX[k])) * _MIX[0] ^ np.uint64(k + 1)
        h ^= h >> np.uint64(29)
        inside = rows[size - 1 : m + size - 1] == rows[:m]  # the gram does not run into the next text
        keys.append(rows[:m][inside] * N_FEATURES + (h[inside] & np.uint64(N_FEATURES - 1)).astype(np.int64))
    key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    key.sort()
    first = np.ones(len(key), dtype=bool)
    np.not_equal(key[1:], key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(key))).astype(np.float32)
    unique = key[starts]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(unique // N_FEATURES, minlength=n), out=indptr[1:])
    return sp.csr_matrix((counts, (unique % N_FEATURES).astype(np.int32), indptr), shape=(n, N_FEATURES))


def hashed_parallel(texts: Sequence[str], workers: int) -> sp.csr_matrix:
    if workers <= 1 or len(texts) < PARALLEL_MIN:
        return hashed(texts)
    import multiprocessing

    size = -(-len(texts) // (workers * 4))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.map(hashed, [texts[a : a + size] for a in range(0, len(texts), size)])
    return sp.csr_matrix(sp.vstack(parts, format="csr"), dtype=np.float32)


def tfidf(counts: sp.csr_matrix, idf: np.ndarray[Any, Any] | None = None) -> tuple[sp.csr_matrix, np.ndarray[Any, Any]]:
    """Sublinear TF × IDF, L2-normalised rows. IDF from these rows unless given (a stored index keeps its own)."""
    if idf is None:
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32)
        idf = np.log((1 + counts.shape[0]) / (1 + df)).astype(np.float32) + 1
    x = counts.copy()
    x.data = (1 + np.log(x.data)) * idf[x.indices]
    return _l2(x), idf


def _l2(x: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sp.csr_matrix(sp.diags(1 / norms) @ x, dtype=np.float32)


def _dense_l2(p: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    norms = np.linalg.norm(p, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return np.asarray(p / norms, dtype=np.float32)


def context_features(
    kinds: Sequence[str], categories: Sequence[str], offices: Sequence[Sequence[str]], category_codes: Sequence[str]
) -> sp.csr_matrix:
    """One-hot kind × category and the offices named, appended to the text features for routing."""
    cat_index = {c: i for i, c in enumerate(category_codes)}
    width = len(KINDS) * (len(category_codes) + 1) + 64
    rows, cols = [], []
    for i, (kind, cat, offs) in enumerate(zip(kinds, categories, offices, strict=True)):
        k = KINDS.index(kind) if kind in KINDS else KINDS.index("none")
        c = cat_index.get(cat, len(category_codes))
        rows += [i, i]
        cols += [k * (len(category_codes) + 1) + c, k * (len(category_codes) + 1) + len(category_codes)]
        for office in offs:
            rows.append(i)
            cols.append(len(KINDS) * (len(category_codes) + 1) + hash_office(office))
    data = np.full(len(rows), 0.6, dtype=np.float32)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(kinds), width), dtype=np.float32)


def hash_office(name: str) -> int:
    return sum(ord(ch) * (i + 1) for i, ch in enumerate(name)) % 64


def offices_named(mentions: Sequence[Mention]) -> list[str]:
    return sorted({m.key.split("|")[0] for m in mentions if m.kind == "office"})


@dataclass
class Classifier:
    """A linear classifier over hashed features; labels are strings (category codes, unit names).

    The weights are kept sparse: of 2**20 hashed columns only those seen in training are non-zero (~1 in 80), and a
    dense matrix made the stored model 135 MB and its load peak at ~420 MB. Models pickled with dense weights
    still work."""

    labels: list[str]
    coef: sp.csr_matrix | np.ndarray[Any, Any]
    intercept: np.ndarray[Any, Any]

    @classmethod
    def train(cls, x: sp.csr_matrix, y: Sequence[str], *, c: float = 0.5) -> Classifier:
        labels = sorted(set(y))
        if len(labels) == 1:
            return cls(labels, sp.csr_matrix((1, x.shape[1]), dtype=np.float32), np.zeros(1, dtype=np.float32))
        model = LinearSVC(C=c, class_weight="balanced", tol=1e-3)
        model.fit(x, list(y))
        return cls(
            [str(v) for v in model.classes_],
            sp.csr_matrix(model.coef_.astype(np.float32)),
            model.intercept_.astype(np.float32),
        )

    def proba(self, x: sp.csr_matrix) -> np.ndarray[Any, Any]:
        if len(self.labels) == 1:
            return np.ones((x.shape[0], 1), dtype=np.float32)
        product = x @ self.coef.T
        scores = (product.toarray() if sp.issparse(product) else np.asarray(product)) + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float32)


@dataclass
class DispatchRule:
    """派单目录 entry: opinions of `category` about a place of `kind` (or the place `entity`) go to `unit`."""

    category: str
    kind: str
    unit: str
    entity: str = ""


@dataclass
class Model:
    """What a trained triage model holds; small enough to pickle into the database (hashed features)."""

    version: str
    category_clf: Classifier
    unit_clf: Classifier
    category_codes: list[str]
    examples_x: sp.csr_matrix  # masked-text features of labelled examples, for "nearest confirmed examples"
    examples: list[tuple[str, str, str]]  # (text, category, unit)
    dispatch: list[DispatchRule] = field(default_factory=list)
    places: set[str] = field(default_factory=set)
    idf: np.ndarray[Any, Any] | None = None
    place_kinds: dict[str, str] = field(default_factory=dict)  # registry key → kind learned from decisions
    features: int = FEATURES


def current(model: Model) -> bool:
    """Whether a stored model reads texts the way this code does. Models pickled before `features` existed have
    none in their own attributes (the class default would answer for them) and read texts the first way."""
    return bool(vars(model).get("features", 1) == FEATURES)


def model_catalogue(model: Model, catalogue: EntityCatalogue | None) -> EntityCatalogue:
    """The catalogue to read a batch with: the given one (the registry) or an empty one, plus what the model
    learned (places, kinds of registry units)."""
    catalogue = EntityCatalogue() if catalogue is None else catalogue
    catalogue.places |= model.places
    catalogue.set_kinds(getattr(model, "place_kinds", {}))  # models pickled before place_kinds have none
    return catalogue


@dataclass(frozen=True)
class Labelled:
    text: str
    category: str
    unit: str
    place: str = ""  # the registry unit given with the opinion (涉及单位), if any


def train(
    examples: Sequence[Labelled],
    *,
    version: str,
    dispatch: Sequence[DispatchRule] = (),
    catalogue: EntityCatalogue | None = None,
    place_kinds: dict[str, str] | None = None,
) -> Model:
    """catalogue: one holding the unit registry, so the kind of place of each example is the registry's."""
    catalogue = EntityCatalogue() if catalogue is None else catalogue
    catalogue.set_kinds(place_kinds or {})
    concerned = [e.place or None for e in examples] if any(e.place for e in examples) else None
    prep = prepare([e.text for e in examples], catalogue, concerned=concerned)
    rows = prep.ok
    counts = hashed([prep.masked[i] for i in rows])
    x, idf = tfidf(counts)
    cats = [examples[i].category for i in rows]
    units = [examples[i].unit for i in rows]
    category_clf = Classifier.train(x, cats)
    codes = sorted(set(cats))
    ctx = context_features([prep.kinds[i] for i in rows], cats, [offices_named(prep.mentions[i]) for i in rows], codes)
    unit_clf = Classifier.train(sp.hstack([x, ctx], format="csr"), units)
    return Model(
        version=version,
        category_clf=category_clf,
        unit_clf=unit_clf,
        category_codes=codes,
        examples_x=x,
        examples=[(prep.texts[i], cats[j], units[j]) for j, i in enumerate(rows)],
        dispatch=list(dispatch),
        places=catalogue.places,
        idf=idf,
        place_kinds=dict(place_kinds or {}),
    )


@dataclass
class Analysis:
    """A batch analysed: per opinion, its group, category, unit, their probabilities and its features."""

    prep: Prepared
    x: sp.csr_matrix  # rows for prep.ok only
    category_p: np.ndarray[Any, Any]
    unit_p: np.ndarray[Any, Any]
    groups: np.ndarray[Any, Any]  # group id per ok row
    cohesion: np.ndarray[Any, Any]
    categories: list[str]
    units: list[str]

    def confidence(self, j: int) -> float:
        """How likely the category and unit of ok row j are both right (see `confidence`)."""
        return confidence(self.category_p[j], self.unit_p[j])


def classify(
    model: Model, prep: Prepared, rows: Sequence[int], counts: sp.csr_matrix | None = None
) -> tuple[sp.csr_matrix, np.ndarray[Any, Any]]:
    if counts is None:
        counts = hashed([prep.masked[i] for i in rows])
    x, _ = tfidf(counts, model.idf)
    return x, model.category_clf.proba(x)


def route(
    model: Model, prep: Prepared, rows: Sequence[int], x: sp.csr_matrix, categories: Sequence[str]
) -> np.ndarray[Any, Any]:
    ctx = context_features(
        [prep.kinds[i] for i in rows], categories, [offices_named(prep.mentions[i]) for i in rows], model.category_codes
    )
    p = model.unit_clf.proba(sp.hstack([x, ctx], format="csr"))
    p = apply_unit_priors(model, p, [prep.texts[i] for i in rows], [prep.kinds[i] for i in rows])
    if model.dispatch:
        p = apply_dispatch(model, p, [prep.kinds[i] for i in rows], [prep.keys[i] for i in rows], categories)
    return p


# Offices whose remit is plain from a few words, whatever county the model was trained on: the learned model
# does not transfer these (admissions went to 基础教育股, private institutions too). First match wins.
UNIT_PRIORS: tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...] = (
    ("学前教育股", re.compile("入园|普惠园|早教|无证幼儿园|学位不够"), None),
    (
        "民办教育管理股",
        re.compile("培训机构|培训学校|培训中心|培训班|辅导班|补习班|托管班|午托|小饭桌|无证办学"),
        re.compile("老师"),
    ),
    # Exams and selection only: zoning (划片, 学区, 随迁) goes to 基础教育股 in some counties and to 招生考试中心
    # in others, so the learned model keeps it.
    (
        "招生考试中心",
        re.compile("(?<!期)中考|高考|特长生|志愿填报|考场|报考|招生考试"),
        re.compile("转学|学籍|复学|成绩|排名"),
    ),
    ("人事股", re.compile("职称|县管校聘|特岗|入编|编制|代课教师|年度考核|评优|调动"), None),
    ("纪检组", re.compile("吃喝|宴请|公车私用|收受|回扣|挪用|升学宴|麻将"), None),
    ("督导室", re.compile("督学|教代会|不在岗|缺岗|长期不在"), None),
    ("计划财务股", re.compile("补贴|津贴|绩效|年终奖|预算|拖欠工资"), None),
)
UNIT_PRIOR_WEIGHT = 0.4  # share of the probability a matching prior moves to its office


def unit_prior(text: str, kind: str) -> str | None:
    """The office a keyword prior names for this opinion, if any (an institution's matter: 民办教育管理股)."""
    for unit, words, unless in UNIT_PRIORS:
        if unit != UNIT_PRIORS[0][0] and kind in ("private", "institution"):
            return "民办教育管理股"  # a privately run school or institution, whatever the matter
        if words.search(text) and not (unless is not None and unless.search(text)):
            return unit
    return "民办教育管理股" if kind in ("private", "institution") else None


def apply_unit_priors(
    model: Model, p: np.ndarray[Any, Any], texts: Sequence[str], kinds: Sequence[str]
) -> np.ndarray[Any, Any]:
    index = {u: i for i, u in enumerate(model.unit_clf.labels)}
    out = p.copy()
    for i, (text, kind) in enumerate(zip(texts, kinds, strict=True)):
        unit = unit_prior(text, kind)
        if unit in index:
            out[i] *= 1 - UNIT_PRIOR_WEIGHT
            out[i, index[unit]] += UNIT_PRIOR_WEIGHT
    return out


def apply_dispatch(
    model: Model,
    p: np.ndarray[Any, Any],
    kinds: Sequence[str],
    keys: Sequence[str | None],
    categories: Sequence[str],
) -> np.ndarray[Any, Any]:
    """A catalogue rule moves most of the probability to its unit: coordinators' rules beat the model."""
    index = {u: i for i, u in enumerate(model.unit_clf.labels)}
    by_entity = {(r.category, r.entity): r.unit for r in model.dispatch if r.entity}
    by_kind = {(r.category, r.kind): r.unit for r in model.dispatch if not r.entity}
    out = p.copy()
    for i, (kind, key, cat) in enumerate(zip(kinds, keys, categories, strict=True)):
        unit = by_entity.get((cat, key or "")) or by_kind.get((cat, kind)) or by_kind.get((cat, "*"))
        if unit in index:
            out[i] *= 0.3
            out[i, index[unit]] += 0.7
    return out


def analyse(
    model: Model,
    raw_texts: Sequence[object],
    *,
    workers: int = 1,
    catalogue: EntityCatalogue | None = None,
    concerned: Sequence[str | None] | None = None,
) -> Analysis:
    """catalogue: one holding the unit registry (its places are merged with the model's); concerned: see
    `prepare`."""
    catalogue = model_catalogue(model, catalogue)
    prep = prepare(raw_texts, catalogue, workers=workers, concerned=concerned)
    rows = prep.ok
    counts = hashed_parallel([prep.masked[i] for i in rows], workers)
    x_model, category_p = classify(model, prep, rows, counts)
    x_batch, _ = tfidf(counts)
    keys = [prep.keys[i] for i in rows]
    tags = tag_matrix([matter_tags(prep.texts[i]) for i in rows])
    groups, cohesion = group(x_batch, category_p, keys, workers=workers, tags=tags)
    category_p = smooth_by_group(category_p, groups)
    categories = [model.category_clf.labels[j] for j in category_p.argmax(axis=1)]
    unit_p = smooth_by_group(route(model, prep, rows, x_model, categories), groups)
    units = [model.unit_clf.labels[j] for j in unit_p.argmax(axis=1)]
    return Analysis(prep, x_batch, category_p, unit_p, groups, cohesion, categories, units)


def smooth_by_group(p: np.ndarray[Any, Any], groups: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The opinions of one problem share its category and unit: average their evidence."""
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    sums = np.zeros((n_groups, p.shape[1]), dtype=np.float32)
    np.add.at(sums, groups, p)
    sizes = np.bincount(groups, minlength=n_groups).astype(np.float32)[:, None]
    mean = sums / np.maximum(sizes, 1)
    return np.asarray(0.3 * p + 0.7 * mean[groups], dtype=np.float32)


# ---- grouping -----------------------------------------------------------------------------------------


def _compact(x: sp.csr_matrix) -> sp.csr_matrix:
    """The same rows over only the columns they use: products of a few rows stay cheap at 2^20 features."""
    cols, inverse = np.unique(x.indices, return_inverse=True)
    return sp.csr_matrix((x.data, inverse.astype(np.int32), x.indptr), shape=(x.shape[0], len(cols)))


def text_similarity(x: sp.csr_matrix, rows: np.ndarray[Any, Any] | Sequence[int]) -> np.ndarray[Any, Any]:
    """Cosine of the wording of every pair of the given rows (x's rows are unit vectors)."""
    xb = _compact(x[rows])
    if xb.shape[0] * xb.shape[1] <= 4_000_000:  # small blocks: dense BLAS beats sparse bookkeeping
        dense = xb.toarray()
        return np.asarray(dense @ dense.T, dtype=np.float32)
    return np.asarray((xb @ xb.T).todense(), dtype=np.float32)


def similarity(
    x: sp.csr_matrix, p: np.ndarray[Any, Any], rows: np.ndarray[Any, Any], tags: sp.csr_matrix | None = None
) -> np.ndarray[Any, Any]:
    pb = _dense_l2(p[rows])
    text = text_similarity(x, rows)
    s = TEXT_WEIGHT * text + (1 - TEXT_WEIGHT) * (pb @ pb.T)
    if tags is not None:
        s = s + matter_evidence(tags[rows])
    return np.asarray(s, dtype=np.float32)


# ---- what tells two matters at one place apart ---------------------------------------------------------

# Facets of a matter: the object, action or money an opinion is about. Words of one facet are one tag, so two
# reports of one matter written differently still share it; two reports with tags and none in common are
# about different matters even at one school and in one category. General education-bureau vocabulary only.
MATTER_FACETS: dict[str, tuple[str, ...]] = {
    "伙食": ("食堂", "饭菜", "伙食", "营养餐", "配餐", "午餐", "牛奶", "饭钱", "餐费", "菜价"),
    "宿舍": ("宿舍", "寝室", "床位"),
    "校车": ("校车", "接送车"),
    "实验室": ("实验室", "化学品", "危化品", "药品柜"),
    "教辅": ("教辅", "资料费", "练习册", "辅导书", "试卷费"),
    "空调": ("空调", "风扇", "电扇"),
    "厕所": ("厕所", "卫生间", "旱厕"),
    "校服": ("校服",),
    "课后服务": ("课后服务", "延时服务", "午休费", "托管费"),
    "补课": ("补课", "补习", "有偿家教", "家教", "周六上课", "假期班", "暑假班", "寒假班"),
    "职称": ("职称", "评职", "评优", "年度考核", "考核优秀"),
    "人事": ("调动", "县管校聘", "编制", "特岗", "入编", "代课"),
    "划片": ("划片", "学区", "房产证", "户籍", "户口"),
    "升学考试": ("中考", "高考", "特长生", "志愿", "考场", "录取"),
    "学籍": ("转学", "学籍", "复学", "借读"),
    "欺凌": ("欺凌", "霸凌", "打架"),
    "体罚": ("体罚", "打学生", "辱骂", "罚站", "扇耳光"),
    "收礼": ("收礼", "红包", "送礼", "购物卡"),
    "饮酒": ("喝酒", "饮酒", "酒驾", "醉酒"),
    "交通": ("堵车", "交通", "护学岗", "接送车辆"),
    "作业": ("作业", "打卡", "手抄报"),
    "班额": ("班额", "大班额", "超员"),
    "待遇": ("补贴", "津贴", "奖金", "绩效", "工资", "年终奖"),
    "退费": ("退费", "退钱", "预付", "跑路", "卷款", "关门"),
    "证照": ("办学许可", "无证", "资质", "执照"),
    "场地": ("跑道", "操场", "篮球架", "运动场"),
    "在岗": ("不在岗", "缺岗", "不见人", "值守", "值班", "请假"),
    "零食": ("零食", "小卖部", "辣条", "三无"),
    "危房": ("危房", "裂缝", "漏雨", "围墙"),
    "溺水": ("溺水", "河边", "游泳"),
    "公车": ("公车", "私用"),
    "吃喝": ("吃喝", "宴请", "升学宴", "麻将", "打牌"),
}
_FACET_RE = re.compile("|".join(sorted((w for ws in MATTER_FACETS.values() for w in ws), key=len, reverse=True)))
_FACET_OF = {w: facet for facet, ws in MATTER_FACETS.items() for w in ws}
# A person written by surname and role (杨校长, 覃老师, 王某, 姓蒙的): the same person is usually the same matter.
_PERSON_RE = re.compile(r"(?:姓)?([\u4e00-\u9fff])(?:副校长|校长|老师|主任|园长|书记|某|姓的)")
# Characters before 老师/校长 that are not a surname: 数学老师, 英语老师, 班主任, 该校长, 副校长 …
_NOT_SURNAMES = frozenset("的个位名该这那某各本是有和跟给找被让对班小大老新女男学文语理育术乐史物治课副正们些")
SHARED_BONUS = 0.15  # two opinions sharing a facet or a person
DISJOINT_PENALTY = 0.45  # two opinions each with facets or people, none in common


def matter_tags(text: str) -> list[str]:
    """The facets and persons an opinion names, e.g. ["伙食", "人:杨校长"]: the reasons shown for a grouping."""
    tags = {"事:" + _FACET_OF[m.group(0)] for m in _FACET_RE.finditer(text)}
    for m in _PERSON_RE.finditer(text):
        if m.group(1) not in _NOT_SURNAMES:
            role = (
                m.group(0)[len(m.group(0)) - 2 :]
                if m.group(0).endswith(("校长", "老师", "主任", "园长", "书记"))
                else ""
            )
            tags.add(f"人:{m.group(1)}{role}")
    return sorted(tags)


def tag_matrix(tag_lists: Sequence[Sequence[str]]) -> sp.csr_matrix:
    """One row per opinion, one column per tag seen in the batch (0/1)."""
    vocab: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for tags in tag_lists:
        indices.extend(vocab.setdefault(t, len(vocab)) for t in tags)
        data.extend(1.0 for _t in tags)
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
        shape=(len(tag_lists), max(len(vocab), 1)),
    )


def matter_evidence(tags: sp.csr_matrix) -> np.ndarray[Any, Any]:
    """Added to the similarity of each pair: a bonus for a shared facet or person; a penalty where both name
    some and none is shared. Zero where either names none (nothing to compare)."""
    shared = np.asarray((tags @ tags.T).todense()) > 0
    has = np.asarray(tags.sum(axis=1)).ravel() > 0
    both = np.outer(has, has)
    return np.asarray(np.where(shared, SHARED_BONUS, np.where(both, -DISJOINT_PENALTY, 0.0)), dtype=np.float32)


def _average_linkage(s: np.ndarray[Any, Any], threshold: float) -> np.ndarray[Any, Any]:
    """Flat clusters of average linkage cut where the similarity falls below the threshold."""
    n = s.shape[0]
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    if n == 2:
        return np.asarray([0, 0 if s[0, 1] >= threshold else 1], dtype=np.int64)
    d = np.clip(1 - s, 0, 2)
    z = linkage(d[np.triu_indices(n, 1)], method="average")
    # Average linkage is monotone and scipy returns the merges by distance, so the merges under the cut are
    # a prefix of z; each one joins two nodes into node n + i. The leaves' components are the flat clusters.
    k = int(np.searchsorted(z[:, 2], 1 - threshold, side="right"))
    if k == 0:
        return np.arange(n, dtype=np.int64)
    parent = np.arange(2 * n - 1)
    merged = n + np.arange(k)
    parent[z[:k, 0].astype(np.int64)] = merged
    parent[z[:k, 1].astype(np.int64)] = merged
    root = parent.copy()
    for node in range(n + k - 1, -1, -1):  # parents have higher numbers: one pass from the top settles all
        root[node] = root[parent[node]]
    _ids, labels = np.unique(root[:n], return_inverse=True)
    return np.asarray(labels, dtype=np.int64)


def _cluster_large(
    x: sp.csr_matrix, p: np.ndarray[Any, Any], rows: np.ndarray[Any, Any], threshold: float
) -> np.ndarray[Any, Any]:
    """For a block too big for one linkage: average linkage inside chunks of LINKAGE_CHUNK, then average
    linkage over the chunks' groups. The mean similarity between two groups of unit vectors is the dot product
    of their mean vectors, so the second level compares whole groups exactly as the first compared opinions."""
    local = np.empty(len(rows), dtype=np.int64)
    next_id = 0
    for a in range(0, len(rows), LINKAGE_CHUNK):
        part = _average_linkage(similarity(x, p, rows[a : a + LINKAGE_CHUNK]), threshold)
        local[a : a + LINKAGE_CHUNK] = part + next_id
        next_id += int(part.max()) + 1
    if next_id > 4 * MAX_LINKAGE_BLOCK:
        return local  # a block this size is a county-wide theme, not one problem: the chunks' groups stand
    member = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (local, np.arange(len(rows)))), shape=(next_id, len(rows))
    )
    sizes = np.asarray(member.sum(axis=1), dtype=np.float32)
    mean_x = _compact(sp.csr_matrix(sp.diags(1 / sizes.ravel()) @ (member @ x[rows]), dtype=np.float32))
    mean_p = np.asarray(member @ _dense_l2(p[rows]), dtype=np.float32) / sizes
    s = TEXT_WEIGHT * np.asarray((mean_x @ mean_x.T).todense()) + (1 - TEXT_WEIGHT) * (mean_p @ mean_p.T)
    np.fill_diagonal(s, 1)
    return _average_linkage(np.asarray(s, dtype=np.float32), threshold)[local]


def group(
    x: sp.csr_matrix,
    p: np.ndarray[Any, Any],
    keys: Sequence[str | None],
    *,
    threshold: float = GROUP_THRESHOLD,
    workers: int = 1,
    tags: sp.csr_matrix | None = None,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Group ids (0..g-1) and a cohesion score per opinion (mean similarity to its group, 1 when alone)."""
    n = len(keys)
    p = p**SHARPEN
    p = p / np.maximum(p.sum(axis=1, keepdims=True), 1e-12)
    labels = np.full(n, -1, dtype=np.int64)
    cohesion = np.ones(n, dtype=np.float32)
    top = p.argmax(axis=1) if n else np.zeros(0, dtype=np.int64)
    blocks: dict[tuple[str, int], list[int]] = defaultdict(list)
    loose: list[int] = []
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if key is None:
            loose.append(i)
        else:
            by_key[key].append(i)
    for key, members in by_key.items():
        if len(members) <= MAX_LINKAGE_BLOCK:
            blocks[(key, -1)] = members
        else:
            for i in members:
                blocks[(key, int(top[i]))].append(i)
    ordered = [np.asarray(members) for _block, members in sorted(blocks.items())]
    next_id = 0
    if workers > 1 and n >= PARALLEL_MIN:
        next_id = _cluster_blocks_parallel(x, p, ordered, threshold, labels, cohesion, workers, tags)
    else:
        for block in ordered:
            next_id = _cluster_block(x, p, block, threshold, labels, cohesion, next_id, tags)
    if loose:
        next_id = _place_loose(x, p, np.asarray(loose), top, labels, cohesion, next_id, threshold)
    return labels, cohesion


_SHARED: dict[str, Any] = {}


def _blocks_worker(
    span: tuple[int, int],
) -> list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
    x, p, blocks, threshold, tags = (_SHARED[k] for k in ("x", "p", "blocks", "threshold", "tags"))
    out = []
    for members in blocks[span[0] : span[1]]:
        labels = np.full(x.shape[0], -1, dtype=np.int64)
        cohesion = np.ones(x.shape[0], dtype=np.float32)
        _cluster_block(x, p, members, threshold, labels, cohesion, 0, tags)
        out.append((members, labels[members], cohesion[members]))
    return out


def _cluster_blocks_parallel(
    x: sp.csr_matrix,
    p: np.ndarray[Any, Any],
    blocks: list[np.ndarray[Any, Any]],
    threshold: float,
    labels: np.ndarray[Any, Any],
    cohesion: np.ndarray[Any, Any],
    workers: int,
    tags: sp.csr_matrix | None = None,
) -> int:
    """Blocks are independent: forked workers cluster spans of them over the shared (copy-on-write) features."""
    import multiprocessing

    _SHARED.update(x=x, p=p, blocks=blocks, threshold=threshold, tags=tags)
    step = max(1, -(-len(blocks) // (workers * 8)))
    spans = [(a, min(a + step, len(blocks))) for a in range(0, len(blocks), step)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_blocks_worker, spans)
    finally:
        _SHARED.clear()
    next_id = 0
    for part in parts:
        for members, local, coh in part:
            labels[members] = local + next_id
            cohesion[members] = coh
            next_id += int(local.max()) + 1
    return next_id


def _cluster_block(
    x: sp.csr_matrix,
    p: np.ndarray[Any, Any],
    rows: np.ndarray[Any, Any],
    threshold: float,
    labels: np.ndarray[Any, Any],
    cohesion: np.ndarray[Any, Any],
    next_id: int,
    tags: sp.csr_matrix | None = None,
) -> int:
    if len(rows) > MAX_LINKAGE_BLOCK:
        local = _cluster_large(x, p, rows, threshold)
        labels[rows] = local + next_id
        return next_id + int(local.max()) + 1
    s = similarity(x, p, rows, tags)
    local = _average_linkage(s, threshold)
    labels[rows] = local + next_id
    sizes = np.bincount(local)
    if sizes.max() > 1:  # mean similarity to the other members of one's group
        within = np.add.reduceat(s[:, np.argsort(local, kind="stable")], np.r_[0, np.cumsum(sizes)[:-1]], axis=1)
        size = sizes[local]
        cohesion[rows] = np.where(size > 1, (within[np.arange(len(rows)), local] - 1) / np.maximum(size - 1, 1), 1)
    return next_id + int(local.max()) + 1


def _place_loose(
    x: sp.csr_matrix,
    p: np.ndarray[Any, Any],
    loose: np.ndarray[Any, Any],
    top: np.ndarray[Any, Any],
    labels: np.ndarray[Any, Any],
    cohesion: np.ndarray[Any, Any],
    next_id: int,
    threshold: float,
) -> int:
    """Opinions naming no place: join the closest group of the same predicted category, else group together."""
    placed = np.flatnonzero(labels >= 0)
    unplaced: list[int] = []
    if len(placed):
        cx, cp, gids = centroids(x, p, labels, placed)
        gtop = cp.argmax(axis=1)
        # Compared within a predicted category only: memory and time stay linear in the batch.
        for cat in np.unique(top[loose]):
            mine = loose[top[loose] == cat]
            theirs = np.flatnonzero(gtop == cat)
            if not len(theirs):
                unplaced += [int(i) for i in mine]
                continue
            s = TEXT_WEIGHT * np.asarray((x[mine] @ cx[theirs].T).todense()) + (1 - TEXT_WEIGHT) * (
                _dense_l2(p[mine]) @ cp[theirs].T
            )
            best = s.argmax(axis=1)
            for j, i in enumerate(mine):
                if s[j, best[j]] >= ATTACH_THRESHOLD:
                    labels[i] = gids[theirs[best[j]]]
                    cohesion[i] = s[j, best[j]]
                else:
                    unplaced.append(int(i))
    else:
        unplaced = [int(i) for i in loose]
    by_cat: dict[int, list[int]] = defaultdict(list)
    for i in unplaced:
        by_cat[int(top[i])].append(i)
    for _cat, members in sorted(by_cat.items()):
        next_id = _cluster_block(x, p, np.asarray(members), threshold, labels, cohesion, next_id)
    return next_id


def centroids(
    x: sp.csr_matrix, p: np.ndarray[Any, Any], labels: np.ndarray[Any, Any], rows: np.ndarray[Any, Any]
) -> tuple[sp.csr_matrix, np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    gids, inverse = np.unique(labels[rows], return_inverse=True)
    member = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (inverse, np.arange(len(rows)))), shape=(len(gids), len(rows))
    )
    cx = _l2(sp.csr_matrix(member @ x[rows]))
    cp = _dense_l2(np.asarray(member @ _dense_l2(p[rows])))
    return cx, cp, gids


# ---- existing problems: suggestion and explanation ----------------------------------------------------


@dataclass
class ProblemIndex:
    """Confirmed problems as centroids, with the places they name, for ranking a new opinion against them.

    Rows are sorted by each problem's most likely category, so the problems of one category are one contiguous
    range (scored straight from the matrix's arrays, without copying rows); `by_key` maps a place to the rows of
    the problems naming it. Build it once and keep it: a query reads it and never changes it."""

    ids: list[str]
    x: sp.csr_matrix
    p: np.ndarray[Any, Any]
    keys: list[frozenset[str]]
    by_key: dict[str, np.ndarray[Any, Any]]
    spans: dict[int, tuple[int, int]]  # category → rows [start, end)
    idf: np.ndarray[Any, Any]
    row: dict[str, int] = field(default_factory=dict)
    keyed: np.ndarray[Any, Any] = field(default_factory=lambda: np.zeros(0, dtype=bool))  # names any place
    dead: np.ndarray[Any, Any] = field(default_factory=lambda: np.zeros(0, dtype=bool))  # masked out

    def mask(self, ids: Iterable[str]) -> None:
        """Leave these problems out of every later ranking (their rows are stale: another index holds them)."""
        rows = [self.row[i] for i in ids if i in self.row]
        if rows:
            self.dead[rows] = True

    @classmethod
    def of(
        cls,
        ids: Sequence[str],
        x: sp.csr_matrix,
        p: np.ndarray[Any, Any],
        keys: Sequence[frozenset[str]],
        idf: np.ndarray[Any, Any],
    ) -> ProblemIndex:
        """From centroids (one L2-normalised text row and one category row per problem) and their places."""
        top = p.argmax(axis=1) if len(ids) else np.zeros(0, dtype=np.int64)
        order = np.argsort(top, kind="stable")
        top = top[order]
        x = _strongest(sp.csr_matrix(x[order], dtype=np.float32), INDEX_TERMS)
        ids = [ids[i] for i in order]
        keys = [keys[i] for i in order]
        spans: dict[int, tuple[int, int]] = {}
        for c in np.unique(top):
            spans[int(c)] = (int(np.searchsorted(top, c, "left")), int(np.searchsorted(top, c, "right")))
        by_key: dict[str, list[int]] = defaultdict(list)
        for j, ks in enumerate(keys):
            for k in ks:
                by_key[k].append(j)
        return cls(
            list(ids),
            x,
            np.ascontiguousarray(p[order], dtype=np.float32),
            list(keys),
            {k: np.asarray(v, dtype=np.int64) for k, v in by_key.items()},
            spans,
            idf,
            {pid: j for j, pid in enumerate(ids)},
            np.fromiter((bool(k) for k in keys), dtype=bool, count=len(keys)),
            np.zeros(len(ids), dtype=bool),
        )

    @classmethod
    def build(
        cls,
        model: Model,
        problems: Sequence[tuple[str, Sequence[str]]],
        *,
        catalogue: EntityCatalogue | None = None,
        places: Sequence[Iterable[str]] | None = None,
        idf: np.ndarray[Any, Any] | None = None,
    ) -> ProblemIndex:
        """problems: (id, texts of its opinions / description); places: registry unit names each problem is
        about (its opinions' 涉及单位), added to the places its texts name. idf: an earlier index's, so that
        this one can be scored beside it (a delta of changed problems); by default the texts' own."""
        catalogue = model_catalogue(model, catalogue)
        texts = [t for _pid, ts in problems for t in ts]
        owner = np.asarray([j for j, (_pid, ts) in enumerate(problems) for _t in ts], dtype=np.int64)
        prep = prepare(texts, catalogue, learn=idf is None)
        ok = np.asarray(prep.ok, dtype=np.int64)
        x_all, idf = tfidf(hashed([prep.masked[i] for i in ok]), idf)
        _x_model, cat_p = classify(model, prep, list(ok))
        cx, cp, gids = centroids(x_all, cat_p, owner[ok], np.arange(len(ok)))
        keys: list[set[str]] = [set() for _ in problems]
        for i in ok:
            keys[owner[i]].update(m.key for m in prep.mentions[i] if m.kind != "office")
        for j, names in enumerate(places or ()):
            for name in names:
                unit = catalogue.unit_mention(name)
                if unit is not None:
                    keys[j].add(unit.key)
        place = sp.csr_matrix(
            (np.ones(len(gids), dtype=np.float32), (gids, np.arange(len(gids)))), shape=(len(problems), len(gids))
        )
        full_x = sp.csr_matrix(place @ cx)
        full_p = np.zeros((len(problems), cat_p.shape[1] if cat_p.ndim == 2 else 1), dtype=np.float32)
        full_p[gids] = cp
        return cls.of([pid for pid, _ in problems], full_x, full_p, [frozenset(k) for k in keys], idf)


def _strongest(x: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Each row's k largest entries (a centroid's distinctive n-grams), sorted by column."""
    lengths = np.diff(x.indptr)
    if not len(lengths) or lengths.max() <= k:
        x.sort_indices()
        return x
    rows = np.repeat(np.arange(x.shape[0]), lengths)
    order = np.lexsort((-x.data, rows))  # by row, largest first within a row
    rank = np.arange(len(order)) - np.repeat(x.indptr[:-1], lengths)
    keep = np.sort(order[rank < k])  # back to row-major, column-sorted order
    kept = np.minimum(lengths, k)
    indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(kept, out=indptr[1:])
    return sp.csr_matrix((x.data[keep], x.indices[keep], indptr), shape=x.shape)


@dataclass(frozen=True)
class Match:
    problem_id: str
    score: float
    shared_places: tuple[str, ...]


@dataclass(frozen=True)
class Replacement:
    """One problem seen differently for this query (evaluation: its cluster rebuilt without the query)."""

    row: int
    x: sp.csr_matrix
    p: np.ndarray[Any, Any]
    keys: frozenset[str]


def _dot_rows(x: sp.csr_matrix, rows: np.ndarray[Any, Any] | tuple[int, int], query: np.ndarray[Any, Any]) -> Any:
    """x[rows] · query for a few rows (fancy index) or a contiguous range (read in place, nothing copied)."""
    if not isinstance(rows, tuple):
        return np.asarray(x[rows] @ query).ravel()
    a, b = rows
    lo, hi = int(x.indptr[a]), int(x.indptr[b])
    # A matrix over the same arrays (views): the product runs in scipy's C loop without copying the rows.
    view = sp.csr_matrix((x.data[lo:hi], x.indices[lo:hi], x.indptr[a : b + 1] - lo), shape=(b - a, x.shape[1]))
    return np.asarray(view @ query).ravel()


def rank_problems(
    index: ProblemIndex,
    x: sp.csr_matrix,
    p: np.ndarray[Any, Any],
    keys: Iterable[str],
    *,
    top: int = 3,
    replace: Replacement | None = None,
) -> list[Match]:
    """The existing problems most likely to be this opinion's, best first (x: one row, the index's IDF).

    Candidates are the problems naming the same place (of its category only, for a place with very many),
    else every problem of its category; nothing else is scored, so the cost follows the candidates, not the
    size of the index."""
    own = frozenset(keys)
    if not index.ids:
        return []
    span = index.spans.get(int(p.argmax()), (0, 0))
    named = [index.by_key[k] for k in own if k in index.by_key]
    cand: np.ndarray[Any, Any] | None = None
    if named:
        cand = np.unique(np.concatenate(named)) if len(named) > 1 else named[0]
        if len(cand) > MAX_CANDIDATES:
            # A place with many problems (a big school, a hotline's favourite office): its problems of this category.
            cand = cand[(cand >= span[0]) & (cand < span[1])]
    rows: np.ndarray[Any, Any] | tuple[int, int]
    if cand is not None and len(cand) >= top:
        rows, ids = cand, cand
    elif span[1] - span[0] >= top:
        rows, ids = span, np.arange(span[0], span[1])
    else:
        rows, ids = (0, len(index.ids)), np.arange(len(index.ids))
    # A dense copy of the query row: no transposing a 2^20-column matrix for every query.
    query = np.zeros(x.shape[1], dtype=np.float32)
    query[x.indices] = x.data
    text = _dot_rows(index.x, rows, query)
    pn = _dense_l2(p.reshape(1, -1)).ravel()
    cat = index.p[ids] @ pn if isinstance(rows, np.ndarray) else index.p[rows[0] : rows[1]] @ pn
    if replace is not None:
        for hit in np.flatnonzero(ids == replace.row):
            j = int(hit)
            text[j] = float((replace.x @ x.T).toarray().ravel()[0])
            cat[j] = float(replace.p @ pn)
    score = TEXT_WEIGHT * text + (1 - TEXT_WEIGHT) * cat
    if own:  # a named place: candidates sharing it gain, candidates about another place lose
        sharing = np.concatenate(named) if named else np.zeros(0, dtype=np.int64)
        shares = np.isin(ids, sharing)
        other = ~shares & index.keyed[ids]
        if replace is not None:
            for hit in np.flatnonzero(ids == replace.row):
                shares[hit] = bool(replace.keys & own)
                other[hit] = bool(replace.keys) and not shares[hit]
        score[shares] += 0.35
        score[other] -= 0.25
    score[index.dead[ids]] = -np.inf
    order = np.argpartition(-score, top)[:top] if len(score) > top else np.arange(len(score))
    order = order[np.argsort(-score[order])]
    out = []
    for j in order:
        if score[j] == -np.inf:
            continue
        row = int(ids[j])
        problem_keys = replace.keys if replace is not None and row == replace.row else index.keys[row]
        out.append(Match(index.ids[row], float(score[j]), tuple(sorted(problem_keys & own))))
    return out


def key_terms(a: str, b: str, *, limit: int = 5) -> list[str]:
    """Words two texts share (2–4-character runs), longest first: the explanation's 'key terms'."""
    grams: Counter[str] = Counter()
    for n in (4, 3, 2):
        for i in range(len(a) - n + 1):
            g = a[i : i + n]
            chinese = all("\u4e00" <= ch <= "\u9fff" for ch in g)
            if g in b and chinese and g not in _COMMON and not any(g in longer for longer in grams):
                grams[g] += n
    return [g for g, _ in grams.most_common(limit)]


_COMMON = frozenset(
    [
        "学校",
        "孩子",
        "家长",
        "老师",
        "反映",
        "教育",
        "教育局",
        "我们",
        "他们",
        "要求",
        "问题",
        "情况",
        "没有",
        "一个",
        "这个",
        "什么",
        "已经",
        "还是",
        "就是",
        "可以",
        "不是",
        "现在",
        "希望",
        "请求",
        "来电",
        "来电人",
        "部门",
        "学生",
        "请教",
        "育局",
        "核查",
        "处理",
        "怎么",
        "为什么",
        "不能",
        "能不能",
    ]
)


def nearest_examples(
    model: Model, x_model: sp.csr_matrix, *, limit: int = 2
) -> list[list[tuple[str, str, str, float]]]:
    """For each row, the labelled examples closest to it: the 'nearest confirmed examples' of the explanation."""
    if model.examples_x.shape[0] == 0:
        return [[] for _ in range(x_model.shape[0])]
    sims = np.asarray((x_model @ model.examples_x.T).todense())
    out = []
    for row in sims:
        best = np.argsort(-row)[:limit]
        out.append([(*model.examples[j], float(row[j])) for j in best])
    return out


# Confidence is the chance that the category and the unit are both right: a logistic map of each classifier's top
# probability and its margin over the runner-up. Fitted on the development set's cross-validated answers (5 folds,
# with and without its labels in training; 912 answers); fitted on four folds, it stays within 0.031 of the share
# actually right on the fifth (expected calibration error). `evaluate_triage` prints the reliability table.
CONFIDENCE_WEIGHTS = (0.662, 0.766, 0.885, 2.685, 3.374)  # intercept; category top, margin; unit top, margin


def confidence(category_p: np.ndarray[Any, Any], unit_p: np.ndarray[Any, Any]) -> float:
    """One number for a coordinator: how likely the suggested category and unit are both right (0–1)."""
    c = np.sort(np.asarray(category_p, dtype=np.float64))[::-1]
    u = np.sort(np.asarray(unit_p, dtype=np.float64))[::-1]
    c2 = c[1] if len(c) > 1 else 0.0
    u2 = u[1] if len(u) > 1 else 0.0
    w = CONFIDENCE_WEIGHTS
    z = w[0] + w[1] * c[0] + w[2] * (c[0] - c2) + w[3] * u[0] + w[4] * (u[0] - u2)
    return round(1 / (1 + math.exp(-z)), 3)
