from taizhang.lib.entities import EntityCatalogue, mask, primary

TEXTS = [
    "临川市实验中学初一一个班七十多人。",
    "实验中学的校服太贵了。",
    "北关初级中学食堂饭菜太贵，北关初中家长意见很大。",
    "网友晒出北关中学的照片。",
    "临川二中老师在外补课。",
    "第二中学门口交通混乱。",
    "石桥镇中心校没有暖气。",
    "育英外国语学校另收赞助费。",
    "育英的面谈全是奥数题。",
    "去人事股办事，计财股也推诿。",
]


def catalogue() -> EntityCatalogue:
    cat = EntityCatalogue()
    cat.fit([*TEXTS, "临川市教育局通知", "临川市第一幼儿园"])
    return cat


def keys(cat: EntityCatalogue, text: str) -> list[str]:
    return [m.key for m in cat.mentions(text)]


def test_it_reduces_long_and_short_school_names_to_one_key() -> None:
    cat = catalogue()
    assert keys(cat, TEXTS[0]) == ["实验|中"]
    assert keys(cat, TEXTS[1]) == ["实验|中"]
    assert set(keys(cat, TEXTS[2])) == {"北关|中"}
    assert keys(cat, TEXTS[3]) == ["北关|中"]


def test_it_reads_numbered_schools() -> None:
    cat = catalogue()
    assert keys(cat, TEXTS[4]) == ["2|中"]
    assert keys(cat, TEXTS[5]) == ["2|中"]


def test_it_resolves_a_bare_name_the_corpus_has_named_in_full() -> None:
    cat = catalogue()
    assert keys(cat, TEXTS[8]) == ["育英|外"]
    assert cat.mentions(TEXTS[7])[0].kind == "private"


def test_it_recognises_offices_and_their_short_names() -> None:
    assert keys(catalogue(), TEXTS[9]) == ["人事股|股室", "计划财务股|股室"]


def test_it_prefers_the_school_over_the_office() -> None:
    cat = catalogue()
    main = primary(cat.mentions("局计划财务股自查：北关初级中学征订教辅。"))
    assert main is not None and main.key == "北关|中"


def test_it_masks_names_by_kind() -> None:
    cat = catalogue()
    text = "石桥镇中心校没有暖气。"
    assert mask(text, cat.mentions(text)) == "〈school〉没有暖气。"


def test_it_learns_registry_units() -> None:
    cat = EntityCatalogue()
    cat.add_unit("青溪县第一中学", "县一中", "school")
    cat.add_unit("青溪县博文学校", "博文学校", "school")
    cat.learn_cores([])
    assert keys(cat, "县一中食堂太贵") == ["1|中"]
    assert keys(cat, "博文收赞助费") == ["博文|校"]
