"""More than 500 injection payloads through the text fields staff and the public write, then rendered: every page
shows them as text (no element, attribute or URL of theirs in the parsed HTML), and the ledger's XLSX export keeps
every formula-looking value a text cell. Payloads are packed into a dozen records, so a page is read a dozen times,
not five hundred."""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Iterator
from types import SimpleNamespace

import openpyxl
import pytest
from django.test import Client

from taizhang.clock import today
from taizhang.intake.actions import NewProblem, OpinionInput, do_create_problem_from_opinion, do_receive_opinion
from taizhang.intake.models import Opinion
from taizhang.problems import actions as problem_actions
from taizhang.problems.actions import MilestoneInput
from taizhang.problems.models import Problem, RectificationKind
from taizhang.supervision.instructions import do_give_instruction, do_reply_instruction
from taizhang.web.tests.xss import FORMULA_STARTS, injected, payloads

RECORD_CHARS = 1900  # opinion and progress texts hold 2,000 characters


def chunks() -> Iterator[list[str]]:
    """The corpus packed into as few records as the texts hold."""
    chunk: list[str] = []
    for payload in payloads():
        if chunk and len("\n".join([*chunk, payload])) > RECORD_CHARS:
            yield chunk
            chunk = []
        chunk.append(payload)
    yield chunk


@pytest.fixture
def written(cast: SimpleNamespace) -> list[Problem]:
    """Each chunk written by the staff's actions: the opinion, the problem's title and description, the measures and
    路线图, a progress report, a leader's 批示 and the unit's reply."""
    problems = []
    for number, chunk in enumerate(chunks()):
        text = "\n".join(chunk)
        opinion = do_receive_opinion(OpinionInput(channel="hotline_12345", text=text), actor=cast.coordinator)
        title = chunk[0][:200]
        problem = do_create_problem_from_opinion(
            opinion, NewProblem(title=title, description=text, category=cast.category), actor=cast.coordinator
        )
        problem_actions.do_assign_problem(
            problem,
            actor=cast.coordinator,
            lead_unit=cast.basic,
            co_units=[],
            responsible_person="钱股长",
            measures=text,
            kind=RectificationKind.TIME_LIMITED,
            deadline=today() + dt.timedelta(days=30),
            milestones=[MilestoneInput(chunk[-1][:100], today() + dt.timedelta(days=7 + number))],
        )
        problem = Problem.objects.get(pk=problem.pk)
        problem_actions.do_sign_problem(problem, actor=cast.officer)
        problem = Problem.objects.get(pk=problem.pk)
        problem_actions.do_report_progress(problem, actor=cast.officer, text=text, percent=30)
        instruction = do_give_instruction(Problem.objects.get(pk=problem.pk), actor=cast.leader, text=text)
        do_reply_instruction(instruction, actor=cast.officer, text=text)
        problems.append(Problem.objects.get(pk=problem.pk))
    return problems


def test_the_corpus_has_more_than_500_distinct_payloads() -> None:
    corpus = payloads()
    assert len(corpus) >= 500 and len(set(corpus)) == len(corpus)
    assert sum(len(chunk) for chunk in chunks()) == len(corpus)


def assert_escaped(client: Client, url: str, shown: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert html.escape(shown, quote=False).split("\n")[0][:40] in page.replace("&#x27;", "'").replace("&quot;", '"'), (
        f"{url} does not show the payload"
    )
    assert injected(page) == [], url


def test_staff_pages_show_every_payload_as_text(cast: SimpleNamespace, written: list[Problem]) -> None:
    for user in (cast.coordinator, cast.officer, cast.leader):
        client = Client()
        client.force_login(user)
        for problem in written:
            assert_escaped(client, f"/problems/{problem.pk}/", problem.title)
        assert injected(client.get("/problems/").content.decode()) == []
        assert injected(client.get("/supervision/instructions/").content.decode()) == []
        assert injected(client.get("/todo/").content.decode()) == []
    coordinator = Client()
    coordinator.force_login(cast.coordinator)
    for opinion in Opinion.objects.all():
        assert_escaped(coordinator, f"/opinions/{opinion.pk}/", opinion.text)


def test_the_public_form_and_api_take_payloads_and_the_triage_pages_show_them_as_text(
    cast: SimpleNamespace, client: Client
) -> None:
    chunk = next(chunks())
    text = "\n".join(chunk)
    answer = client.post("/api/v1/public/opinions", {"text": text, "anonymous": True})
    assert answer.status_code in (200, 201), answer.content
    page = client.post("/submit/", {"text": text, "anonymous": "1"})
    assert injected(page.content.decode()) == []
    coordinator = Client()
    coordinator.force_login(cast.coordinator)
    assert injected(coordinator.get("/triage/").content.decode()) == []
    for opinion in Opinion.objects.all():
        assert_escaped(coordinator, f"/opinions/{opinion.pk}/", opinion.text)
        assert_escaped(coordinator, f"/triage/{opinion.pk}/", opinion.text)


def test_the_ledger_export_keeps_formula_looking_text_as_text(cast: SimpleNamespace, written: list[Problem]) -> None:
    for vector in [p for p in payloads() if p.startswith(FORMULA_STARTS)]:  # a cell that starts with one
        opinion = do_receive_opinion(OpinionInput(channel="hotline_12345", text=vector), actor=cast.coordinator)
        new = NewProblem(title=vector[:200], description=vector, category=cast.category)
        written.append(do_create_problem_from_opinion(opinion, new, actor=cast.coordinator))
    client = Client()
    client.force_login(cast.coordinator)
    response = client.get("/problems/export.xlsx")
    assert response.status_code == 200
    body = b"".join(getattr(response, "streaming_content", None) or [response.content])
    book = openpyxl.load_workbook(io.BytesIO(body))
    formula_like = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    formula_like += 1
                    assert cell.data_type == "s"
    shown = {cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row}
    assert {p.description for p in written} <= shown, "every problem's description is in the export, as typed"
    assert formula_like >= 1, "the formula payloads reached the export"


def test_the_checker_finds_each_vector_when_it_is_not_escaped() -> None:
    """Pasted raw into a page, the markup vectors are all caught (the checker can fail)."""
    raw = [
        v for v in payloads() if v.startswith(("<script", "<img", "<svg", "<iframe", "<a href", "<input", "<object"))
    ]
    assert raw and all(injected(f"<p>{vector}</p>") for vector in raw)
    assert injected("<p>&lt;script&gt;alert('xss')&lt;/script&gt;</p>") == []
