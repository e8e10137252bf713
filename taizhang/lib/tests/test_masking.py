"""Masking for public text: the old mask_text is unchanged; mask_public_text adds names, students and classes."""

from __future__ import annotations

import pytest

from taizhang.lib.masking import (
    CLASS_MASK,
    REDACTED,
    is_organisation,
    mask_email,
    mask_public_text,
    mask_text,
    names_in,
)


def test_it_keeps_mask_text_as_it_was() -> None:
    text = "电话13812345678，身份证110101199003074518，座机0791-88123456，学生王小明"
    assert mask_text(text) == "电话138****5678，身份证110101********4518，座机0791-****3456，学生王小明"


def test_it_masks_email_addresses_like_phones() -> None:
    assert mask_email("oyangmy@example.cn") == "o***@example.cn"
    assert mask_email("not an address") == "*" * len("not an address")
    text = "请回复邮箱oyangmy@example.cn或13912348765@qq.com，谢谢"
    assert mask_text(text) == "请回复邮箱o***@example.cn或1***@qq.com，谢谢"
    assert "oyangmy" not in mask_public_text("家长邮箱 oyang.my+ta@mail.example.cn。", names=["欧阳明远"])
    assert mask_text("会议定于12:30@3楼") == "会议定于12:30@3楼"  # an @ that is no address stays


def test_it_masks_phones_and_id_numbers() -> None:
    out = mask_public_text("电话13812345678或138 1234 5678，身份证11010119900307451X")
    assert "13812345678" not in out and "1234 5678" not in out and "19900307" not in out


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("学生王小明被罚站", "王小明"),
        ("家长李四反映", "李四"),
        ("举报人：赵六", "赵六"),
        ("班主任刘芳芳要求", "刘芳芳"),
        ("欧阳娜娜同学受伤", "欧阳娜娜"),
        ("我叫孙悟空", "孙悟空"),
    ],
)
def test_it_masks_names_after_cues(text: str, name: str) -> None:
    out = mask_public_text(text)
    assert name not in out
    assert name[0] in out  # the surname stays (张*), as on every public notice


def test_it_masks_a_known_name_wherever_it_is() -> None:
    assert mask_public_text("据张三丰说，食堂有问题", names=["张三丰"]) == "据张**说，食堂有问题"


@pytest.mark.parametrize(
    "cls", ["三年级二班", "初二(3)班", "初二（3）班", "高一3班", "七年级（2）班", "3年级2班", "小三2班"]
)
def test_it_masks_class_identifiers(cls: str) -> None:
    assert mask_public_text(f"{cls}的学生") == f"{CLASS_MASK}的学生"


def test_it_leaves_ordinary_words_alone() -> None:
    text = "学生反映王老师在教室补课，学校食堂价格偏高。"
    assert mask_public_text(text) == text


def test_it_applies_manual_redactions_last() -> None:
    assert mask_public_text("在东门小卖部旁", redactions=["东门小卖部"]) == f"在{REDACTED}旁"


def test_it_finds_the_people_a_text_names_after_a_cue() -> None:
    assert names_in("学生陈小虎被罚站，王小明同学作证，家长反映") == {"陈小虎", "王小明"}
    assert mask_public_text("陈小虎已复课", names=names_in("学生陈小虎被罚站")) == "陈**已复课"


def test_it_masks_a_known_phone_like_a_phone() -> None:
    assert mask_public_text("回访（13912348765）", names=["13912348765"]) == "回访（139****8765）"


@pytest.mark.parametrize(
    "text",
    ["接送学生车辆超载", "学生成绩差被罚站", "教师在家长群发表不当言论", "班主任在家长群里通知", "家长关心孩子安全"],
)
def test_it_does_not_take_words_after_a_cue_for_names(text: str) -> None:
    assert mask_public_text(text) == text and names_in(text) == set()


def test_an_office_reporting_itself_is_not_a_person() -> None:
    assert is_organisation("人事股") and is_organisation("第一督导组") and not is_organisation("莫先生")


def test_a_teacher_called_by_title_keeps_it() -> None:
    assert mask_public_text("带班老师黄老师经常辱骂学生") == "带班老师黄老师经常辱骂学生"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("家长和学生苦不堪言", "家长和学生苦不堪言"),
        ("三年级老师周末把学生叫到家里", "三年级老师周末把学生叫到家里"),
        ("学生家长宋先生来访反映", "学生家长宋先生来访反映"),
        ("退休教师白芳来访反映", "退休教师白*来访反映"),
        ("学生家长胡晨阳来访反映", "学生家长胡**来访反映"),
    ],
)
def test_it_reads_demo_county_texts_sensibly(text: str, masked: str) -> None:
    assert mask_public_text(text) == masked
