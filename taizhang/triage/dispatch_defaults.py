"""The default 派单目录: where the rules of a county education bureau send an opinion whatever its wording.

Materialised into DispatchRule rows (catalogue version 1) the first time the model is trained with the
offices present; administrators edit those rows afterwards, and retraining adds rules learned from decisions.
"""

# (category code, kind of place or "*", office name)
DEFAULT_DISPATCH: list[tuple[str, str, str]] = [
    ("oversized_class", "private", "民办教育管理股"),
    ("enrollment", "private", "民办教育管理股"),
    ("illegal_fees", "private", "民办教育管理股"),
    ("enrollment", "vocational", "职业教育股"),
    ("illegal_fees", "vocational", "职业教育股"),
    ("offcampus_training", "*", "民办教育管理股"),
    ("kindergarten_access", "*", "学前教育股"),
    ("canteen", "*", "学生营养办"),
    ("paid_tutoring", "*", "人事股"),
    ("teacher_ethics", "*", "人事股"),
]
