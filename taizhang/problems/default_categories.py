"""The default category taxonomy (问题类别). Administrators edit it afterwards; it is configuration."""

DEFAULT_CATEGORIES: list[tuple[str, str, str]] = [
    # (code, 名称, group)
    ("formalism", "形式主义", "four_winds"),
    ("bureaucratism", "官僚主义", "four_winds"),
    ("hedonism", "享乐主义", "four_winds"),
    ("extravagance", "奢靡之风", "four_winds"),
    ("paid_tutoring", "教师有偿补课", "people_interests"),
    ("oversized_class", "大班额", "people_interests"),
    ("enrollment", "招生入学", "people_interests"),
    ("illegal_fees", "乱收费/教辅征订", "people_interests"),
    ("homework_burden", "双减/作业负担", "people_interests"),
    ("campus_safety", "校园安全", "people_interests"),
    ("canteen", "食堂/营养餐", "people_interests"),
    ("teacher_ethics", "师德师风", "people_interests"),
    ("kindergarten_access", "入园难/普惠园", "people_interests"),
    ("offcampus_training", "校外培训机构", "people_interests"),
    ("facilities", "校舍设施", "people_interests"),
    ("service_attitude", "门难进、脸难看、话难听、事难办", "last_mile"),
    ("corruption", "吃拿卡要", "last_mile"),
    ("other", "其他", "other"),
]
