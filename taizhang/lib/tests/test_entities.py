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


def registry() -> EntityCatalogue:
    cat = EntityCatalogue()
    cat.add_units(
        [
            ("青溪县实验小学", "实验小学", "school"),
            ("青溪县第二实验小学", "二实小", "school"),
            ("青溪启明外国语学校", "启明外国语学校", "school"),
            ("城关镇中心小学", "中心小学", "school"),
            ("白沙镇中心小学", "中心小学", "school"),
        ]
    )
    cat.learn_cores([])
    return cat


def test_it_keeps_a_numbered_experimental_school_apart_from_the_experimental_school() -> None:
    cat = EntityCatalogue()
    assert keys(cat, "青溪县第二实验小学收费") != keys(cat, "青溪县实验小学收费")
    assert keys(cat, "二实小收费") == keys(cat, "第二实验小学收费") == ["2实验|小"]


def test_it_never_gives_two_registry_units_one_key() -> None:
    cat = registry()
    assert len(set(cat.units.values())) == len(cat.units)
    first, second = cat.units["青溪县实验小学"], cat.units["青溪县第二实验小学"]
    assert first != second
    for text in ("青溪县第二实验小学乱收费", "二实小乱收费", "第二实验小学乱收费"):
        assert keys(cat, text) == [second], text
    for text in ("青溪县实验小学乱收费", "实验小学乱收费"):
        assert keys(cat, text) == [first], text


def test_it_gives_the_second_of_two_units_with_one_pattern_key_its_full_name() -> None:
    cat = EntityCatalogue()
    cat.add_units([("青溪县育英学校", "", "school"), ("白沙镇育英学校", "", "school")])
    assert cat.units["青溪县育英学校"] != cat.units["白沙镇育英学校"]
    cat.learn_cores([])
    assert keys(cat, "白沙镇育英学校收赞助费") == [cat.units["白沙镇育英学校"]]


def test_it_resolves_a_short_form_only_when_one_unit_is_written_that_way() -> None:
    cat = registry()
    assert cat.surfaces["中心小学"] is None
    units = {cat.units["城关镇中心小学"], cat.units["白沙镇中心小学"]}
    assert not set(keys(cat, "中心小学食堂太贵")) & units
    assert keys(cat, "城关镇中心小学食堂太贵") == [cat.units["城关镇中心小学"]]


def test_it_reads_a_registry_unit_as_the_place_and_kind_given() -> None:
    cat = registry()
    public = cat.unit_mention("青溪县实验小学")
    private = cat.unit_mention("青溪启明外国语学校")
    assert public is not None and public.key == cat.units["青溪县实验小学"] and public.kind == "school"
    assert private is not None and private.key == "启明|外" and private.kind == "private"
    cat.set_kinds({public.key: "private"})
    assert cat.unit_mention("青溪县实验小学") == public.__class__(public.key, public.surface, "private", -1)
