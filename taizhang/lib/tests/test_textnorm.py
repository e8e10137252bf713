import pytest

from taizhang.lib.textnorm import MAX_ANALYSED_CHARS, UnusableText, normalise


def test_it_folds_width_script_markup_and_emoji() -> None:
    result = normalise("<p>臨川二中的老師在校外有償補課&nbsp;😀 ＡＢＣ１２３</p>")
    assert result.text == "临川二中的老师在校外有偿补课 ABC123"
    assert set(result.notes) == {"已去除网页标记", "已去除表情符号", "已转换繁体字"}


def test_it_drops_script_blocks() -> None:
    assert normalise("<script>alert(1)</script>食堂饭菜太贵").text == "食堂饭菜太贵"


@pytest.mark.parametrize("raw", ["", "   \n\t ", "😀😀😀", "<br><br>", None, 42])
def test_it_refuses_empty_input(raw: object) -> None:
    with pytest.raises(UnusableText):
        normalise(raw)


def test_it_refuses_text_without_chinese() -> None:
    with pytest.raises(UnusableText, match="不含中文"):
        normalise("The canteen food is too expensive at the school.")


def test_it_truncates_a_document_sized_paste() -> None:
    result = normalise("校服收费太高。" * 8000)
    assert len(result.text) == MAX_ANALYSED_CHARS
    assert result.truncated
