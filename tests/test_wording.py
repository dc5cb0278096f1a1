from generator.wording import WordingEntry, WordingHit, find_wording, load_default_wording

ENTRIES = load_default_wording()


def found(text, entries=ENTRIES):
    return [(hit.line, hit.wrong, hit.right) for hit in find_wording(text, entries)]


def test_shipped_list_is_sound():
    assert 40 <= len(ENTRIES) <= 80
    wrongs = [entry.wrong for entry in ENTRIES]
    assert len(set(wrongs)) == len(wrongs)
    for entry in ENTRIES:
        assert entry.wrong and entry.right and entry.reason
        assert entry.wrong != entry.right


def test_right_forms_are_never_reported():
    # Written out correctly, no right form contains another entry's wrong form.
    for entry in ENTRIES:
        assert found(entry.right) == [], entry


def test_hits_with_line_numbers():
    text = (
        "根据《中国人民共和国政府信息公开条列》，\n"
        "\n"
        "截止目前，县环境保护局已按要求布署。县卫计委、县工商局配合。\n"
    )
    assert found(text) == [
        (1, "中国人民共和国", "中华人民共和国"),
        (1, "政府信息公开条列", "政府信息公开条例"),
        (3, "截止目前", "截至目前"),
        (3, "环境保护局", "生态环境局"),
        (3, "布署", "部署"),
        (3, "卫计委", "卫健委"),
        (3, "工商局", "市场监督管理局"),
    ]


def test_hit_carries_the_reason():
    (hit,) = find_wording("国家质检总局", ENTRIES)
    assert hit == WordingHit(
        1,
        "国家质检总局",
        "国家市场监督管理总局",
        next(e.reason for e in ENTRIES if e.wrong == "国家质检总局"),
    )
    assert "2018" in hit.reason


def test_correct_text_has_no_hits():
    text = (
        "根据《中华人民共和国政府信息公开条例》，截至目前，县生态环境局、县卫生健康委员会、"
        "县市场监督管理局、县自然资源局、县应急管理局、县乡村振兴局按照国家市场监督管理总局"
        "的部署，按排名先后、既使用财政资金又引入社会资本，实事求是、以身作则开展座谈会。"
    )
    assert found(text) == []


def test_longest_wrong_form_wins():
    assert found("国家工商行政管理总局") == [(1, "国家工商行政管理总局", "国家市场监督管理总局")]
    assert found("县工商行政管理局") == [(1, "工商行政管理局", "市场监督管理局")]
    assert found("银保监会") == [(1, "银保监会", "金融监管总局")]


def test_historical_mentions_with_yuan_are_skipped():
    text = "原国家工商行政管理总局、原国家质检总局的职责划入本局；原市卫计委、原县工商局人员转隶。"
    assert found(text) == []


def test_yuan_ending_a_place_name_is_not_historical():
    assert found("太原市工商局") == [(1, "工商局", "市场监督管理局")]
    assert found("平原县环保局") == [(1, "环保局", "生态环境局")]


def test_wrong_form_inside_its_own_right_form_is_skipped():
    inside = [WordingEntry("工商局", "市场监管工商局", "测试")]
    assert found("县市场监管工商局；县工商局", inside) == [(1, "工商局", "市场监管工商局")]
    at_start = [WordingEntry("信息公开", "信息公开条例", "测试")]
    assert found("信息公开条例；\n信息公开", at_start) == [(2, "信息公开", "信息公开条例")]


def test_ministry_names_before_men_are_a_kind_of_department():
    assert found("各级环境保护部门、国土资源部门") == []
    assert found("环境保护部、国土资源部") == [
        (1, "环境保护部", "生态环境部"),
        (1, "国土资源部", "自然资源部"),
    ]


def test_site_entries_override_and_empty_wrong_forms_are_ignored():
    entries = [
        *ENTRIES,
        WordingEntry("工商局", "本县市场监管局", "本站规定"),
        WordingEntry("", "x", ""),
    ]
    assert found("县工商局", entries) == [(1, "工商局", "本县市场监管局")]
    assert find_wording("任何文字", []) == []


def test_each_call_returns_a_fresh_list():
    first = load_default_wording()
    first.append(WordingEntry("甲", "乙", "丙"))
    assert len(load_default_wording()) == len(ENTRIES)
