"""导入文件 in a real browser: upload an office's 12345 export, read the preview at desktop and phone width,
correct nothing, confirm in the dialog, and find the opinions with what the file said."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from taizhang.imports.tests import messy
from taizhang.intake.models import Opinion
from taizhang.web.tests.browser import Site


@pytest.mark.browser
def test_it_imports_a_hotline_export_through_the_pages(site: Site, cast: SimpleNamespace, tmp_path: Path) -> None:
    export = tmp_path / "12345工单明细.xlsx"
    export.write_bytes(messy.hotline_export())
    page = site.new_page()
    site.log_in(page, "coord")
    site.nav(page, "导入文件")
    page.get_by_label("文件（.xlsx、.xls 或 .csv）").set_input_files(export)
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#count-rows")).to_have_text("11")
    expect(page.locator("#count-rejected")).to_have_text("2")
    expect(page.locator("#import-flagged")).to_contain_text("办结时间早于来电时间")
    expect(page.locator("#import-units")).to_contain_text("青溪县星辰培训学校")
    site.shoot(page, "import-preview")  # also at phone width, and fails if the page overflows it
    assert Opinion.objects.count() == 0
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="导入有效行（9 行）").click()
    expect(page.locator("#created-opinions")).to_have_text("9")
    site.shoot(page, "import-done")
    opinion = Opinion.objects.get(external_ref="QX12345-20261103-0042")
    page.goto(f"{site.url}/opinions/{opinion.pk}/")
    page.locator("#source-record summary").click()
    expect(page.locator("#source-record")).to_contain_text("回访满意度")
    assert not site.foreign_requests() and not site.failed_assets
