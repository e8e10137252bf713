"""考核's writers: saving a scheme (always a new version), publishing a ranking, and 民主评议 — each one
transaction with its audit event."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext

from taizhang.accounts.models import Role, Unit, UnitKind, User
from taizhang.assessment.indicators import DEDUCTIONS, INDICATORS
from taizhang.assessment.models import (
    AnswerVia,
    Grade,
    Ranking,
    RaterKind,
    Scheme,
    SchemeVersion,
    Survey,
    SurveyAnswer,
    SurveyRater,
)
from taizhang.assessment.ranking import compute
from taizhang.audit.events import record_event
from taizhang.audit.models import Verb
from taizhang.clock import now, today
from taizhang.errors import ActionError, Conflict, NotAllowed
from taizhang.lib.scoring import Period, SchemeInvalid, check_definition

MANAGERS = (Role.COORDINATOR, Role.ADMIN)  # who writes schemes, publishes rankings and runs 民主评议
RANKED_KINDS = (UnitKind.OFFICE, UnitKind.SCHOOL, UnitKind.KINDERGARTEN, UnitKind.BUREAU)
PUBLIC_ACTOR = "群众（民主评议）"


def _require_manager(actor: User, what: str) -> None:
    if actor.role not in MANAGERS:
        raise NotAllowed(gettext("只有牵头部门或系统管理员可以%(what)s。") % {"what": what})


# ---- schemes -------------------------------------------------------------------------------------------------


def checked_definition(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The definition cleaned, or ActionError with every mistake — a group with no active unit included."""
    kinds = {k: str(label) for k, label in UnitKind.choices if k in RANKED_KINDS}
    try:
        clean = check_definition(
            definition,
            indicators={c: str(i.label) for c, i in INDICATORS.items()},
            deductions={c: str(d.label) for c, d in DEDUCTIONS.items()},
            kinds=kinds,
        )
    except SchemeInvalid as exc:
        raise ActionError(gettext("考核方案有误：%(errors)s") % {"errors": str(exc)}, field_errors=exc.errors) from None
    active = dict(Unit.objects.filter(is_active=True).values_list("kind").annotate(n=Count("id")))
    empty = [g["name"] for g in clean["groups"] if not any(active.get(k) for k in g["kinds"])]
    if empty:
        message = gettext("单位分组“%(groups)s”没有启用的单位。") % {"groups": "、".join(empty)}
        raise ActionError(message, field_errors={"groups": [message]})
    return clean


@transaction.atomic
def do_save_scheme(
    scheme: Scheme | None, *, actor: User, name: str, definition: Mapping[str, Any], note: str = ""
) -> SchemeVersion:
    """A new scheme, or a new version of one. Versions are never changed: a ranking keeps the one it used."""
    _require_manager(actor, gettext("修改考核方案"))
    name = name.strip()
    if not name:
        message = gettext("请填写方案名称。")
        raise ActionError(message, field_errors={"name": [message]})
    clean = checked_definition(definition)
    same_name = Scheme.objects.filter(name=name)
    if (same_name.exclude(pk=scheme.pk) if scheme else same_name).exists():
        message = gettext("已有同名的考核方案。")
        raise ActionError(message, field_errors={"name": [message]})
    if scheme is None:
        scheme = Scheme.objects.create(name=name, created_at=now(), created_by=actor)
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    scheme.current_number += 1
    scheme.name = name
    scheme.save(update_fields=["current_number", "name"])
    version = SchemeVersion.objects.create(
        scheme=scheme,
        number=scheme.current_number,
        definition=clean,
        note=note.strip()[:200],
        created_at=now(),
        created_by=actor,
    )
    record_event(
        Verb.SCHEME_SAVED,
        actor=actor,
        summary=f"保存考核方案“{name}”第{version.number}版" + (f"：{version.note}" if version.note else ""),
        data={"scheme": scheme.pk, "version": version.number, "definition": clean},
    )
    return version


def current_version(scheme: Scheme) -> SchemeVersion:
    return SchemeVersion.objects.select_related("scheme").get(scheme=scheme, number=scheme.current_number)


@transaction.atomic
def do_publish_ranking(version: SchemeVersion, period: Period, *, actor: User) -> Ranking:
    """定稿: the ranking as computed now, frozen with the version it used."""
    _require_manager(actor, gettext("发布考核排名"))
    result = compute(version, period)
    ranking = Ranking.objects.create(
        version=version,
        period_key=period.key,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        rows=result,
        published_at=now(),
        published_by=actor,
    )
    record_event(
        Verb.RANKING_PUBLISHED,
        actor=actor,
        summary=f"考核排名定稿：{version.scheme.name}第{version.number}版，{period.label}",
        data={"ranking": ranking.pk, "scheme": version.scheme_id, "version": version.number, "period": period.key},
    )
    return ranking


# ---- 民主评议 ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyInput:
    title: str
    opens_on: Any
    closes_on: Any
    units: Sequence[Unit]
    public_open: bool = True


@transaction.atomic
def do_create_survey(data: SurveyInput, *, actor: User) -> Survey:
    _require_manager(actor, gettext("发起民主评议"))
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [gettext("请填写评议名称。")]
    if data.opens_on is None or data.closes_on is None:
        errors["closes_on"] = [gettext("请填写评议的开始和截止日期。")]
    elif data.closes_on < data.opens_on:
        errors["closes_on"] = [gettext("截止日期早于开始日期。")]
    if not data.units:
        errors["units"] = [gettext("请至少选择一个参评单位。")]
    if errors:
        raise ActionError(gettext("民主评议填写有误。"), field_errors=errors)
    survey = Survey.objects.create(
        title=data.title.strip(),
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        public_token=secrets.token_urlsafe(16)[:22],
        public_open=data.public_open,
        created_at=now(),
        created_by=actor,
    )
    survey.units.set(data.units)
    record_event(
        Verb.SURVEY_CREATED,
        actor=actor,
        summary=f"发起民主评议“{survey.title}”（{survey.opens_on:%Y-%m-%d}至{survey.closes_on:%Y-%m-%d}，"
        f"{len(data.units)}个单位）",
        data={"survey": survey.pk, "units": [u.pk for u in data.units]},
    )
    return survey


@dataclass(frozen=True)
class RaterInput:
    name: str
    kind: str = RaterKind.OTHER
    unit: Unit | None = None


def rater_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def do_add_raters(survey: Survey, raters: Sequence[RaterInput], *, actor: User) -> list[tuple[SurveyRater, str]]:
    """Named raters, each with a one-time personal link; the tokens are returned once and only their hashes kept."""
    _require_manager(actor, gettext("添加评议人"))
    names = [r for r in raters if r.name.strip()]
    if not names:
        raise ActionError(gettext("请至少填写一位评议人。"), field_errors={"raters": [gettext("请填写评议人。")]})
    if bad := [r.kind for r in names if r.kind not in RaterKind.values]:
        raise ActionError(gettext("评议人类别无效：%(kinds)s。") % {"kinds": "、".join(bad)})
    made = []
    for item in names:
        token = secrets.token_urlsafe(18)
        rater = SurveyRater.objects.create(
            survey=survey,
            name=item.name.strip()[:50],
            kind=item.kind,
            unit=item.unit,
            token_hash=rater_token_hash(token),
            created_at=now(),
        )
        made.append((rater, token))
    record_event(
        Verb.SURVEY_RATERS_ADDED,
        actor=actor,
        summary=f"民主评议“{survey.title}”添加评议人{len(made)}名",
        data={"survey": survey.pk, "raters": [r.pk for r, _token in made]},
    )
    return made


@transaction.atomic
def do_close_survey(survey: Survey, *, actor: User) -> Survey:
    _require_manager(actor, gettext("结束民主评议"))
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.closed_at is not None:
        raise Conflict(gettext("该民主评议已经结束。"))
    survey.closed_at = now()
    survey.save(update_fields=["closed_at"])
    record_event(Verb.SURVEY_CLOSED, actor=actor, summary=f"结束民主评议“{survey.title}”", data={"survey": survey.pk})
    return survey


def is_open(survey: Survey) -> bool:
    return survey.closed_at is None and survey.opens_on <= today() <= survey.closes_on


def voter_key(survey: Survey, voter_id: str) -> str:
    """The stored form of a browser's voter id: keyed per survey, so answers to two surveys cannot be joined."""
    message = f"survey:{survey.pk}:{voter_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _checked_grades(survey: Survey, grades: Mapping[int, str]) -> dict[int, str]:
    allowed = set(survey.units.values_list("pk", flat=True))
    chosen = {int(u): g for u, g in grades.items() if g}
    if not chosen:
        raise ActionError(gettext("请至少评价一个单位。"), field_errors={"grades": [gettext("请至少评价一个单位。")]})
    if any(u not in allowed for u in chosen) or any(g not in Grade.values for g in chosen.values()):
        raise ActionError(gettext("评价内容无效，请刷新页面后重试。"))
    return chosen


def do_answer_survey(
    survey: Survey, grades: Mapping[int, str], *, voter_id: str = "", rater: SurveyRater | None = None
) -> list[SurveyAnswer]:
    """One answer sheet: a grade per unit. A browser (by its voter id) or a named rater answers each unit once;
    units it answered before are refused, not overwritten. The caller has counted the sheet against the
    address's rate limit. Returns the answers stored."""
    if not is_open(survey):
        raise Conflict(gettext("该民主评议不在评议时间内。"))
    if rater is None and (not survey.public_open or not voter_id):
        if not survey.public_open:
            raise NotAllowed(gettext("该评议不接受群众评议。"))
        raise NotAllowed(gettext("请允许浏览器保存 Cookie 后再参加评议。"))
    chosen = _checked_grades(survey, grades)
    try:
        with transaction.atomic():
            return _store_answers(survey, chosen, voter_id=voter_id, rater=rater)
    except IntegrityError:  # the same browser answering twice at once: the constraint keeps one
        raise Conflict(gettext("您已评价过这些单位，每人每个单位只能评价一次。")) from None


def _store_answers(
    survey: Survey, chosen: dict[int, str], *, voter_id: str, rater: SurveyRater | None
) -> list[SurveyAnswer]:
    key = "" if rater else voter_key(survey, voter_id)
    if rater is not None:
        rater = SurveyRater.objects.select_for_update().get(pk=rater.pk)
        if rater.answered_at is not None:
            raise Conflict(gettext("该评议链接已经使用过，每位评议人只能提交一次。"))
        if rater.unit_id in chosen:
            raise ActionError(gettext("评议人不能评价本单位。"))
        done: set[int] = set()
    else:
        done = set(SurveyAnswer.objects.filter(survey=survey, voter_key=key).values_list("unit_id", flat=True))
    fresh = {u: g for u, g in chosen.items() if u not in done}
    if not fresh:
        raise Conflict(gettext("您已评价过这些单位，每人每个单位只能评价一次。"))
    at = now()
    answers = SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            survey=survey,
            unit_id=u,
            grade=g,
            via=AnswerVia.RATER if rater else AnswerVia.PUBLIC,
            rater=rater,
            voter_key=key,
            created_at=at,
        )
        for u, g in sorted(fresh.items())
    )
    if rater is not None:
        rater.answered_at = at
        rater.save(update_fields=["answered_at"])
    record_event(
        Verb.SURVEY_ANSWERED,
        actor=None,
        actor_name=rater.name if rater else PUBLIC_ACTOR,
        summary=f"民主评议“{survey.title}”答卷：评价{len(fresh)}个单位",
        # The grades are in the answers; the trail keeps who answered which survey, never the voter id.
        data={
            "survey": survey.pk,
            "units": sorted(fresh),
            "via": "rater" if rater else "public",
            "rater": rater.pk if rater else None,
        },
    )
    return answers


def access_rater(token: str) -> SurveyRater | None:
    return SurveyRater.objects.select_related("survey", "unit").filter(token_hash=rater_token_hash(token)).first()
