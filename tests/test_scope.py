"""A hit's context has a scope (docs/classifier.md, "Scope"): the entry of a data text,
the sentence of prose, the statement of code with what connects to it.  The texts are
generated here, in the shapes of real dictionaries, word lists, tables and modules."""

from __future__ import annotations

import pickle
import random
from pathlib import Path
from typing import Any

import pytest

from ethicscan import scan, scan_text
from ethicscan.classify import shape
from ethicscan.errors import ConfigError
from ethicscan.model import Basis, Capability, Finding, Severity
from ethicscan.rules.catalogue import Calibration, load_default_catalogue

FILLER_ZH = "天地人山水火木金土日月风云雨雪花草树林石田家国学生老师工作生活时间问题方法"
FILLER_EN = ["apple", "river", "window", "garden", "pencil", "orange", "silver", "ladder"]


def _word(rng: random.Random, n: int = 2) -> str:
    return "".join(rng.choice(FILLER_ZH) for _ in range(n))


def _serious(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity.rank >= Severity.HIGH.rank]


def segmentation_dictionary(entries: list[str], n: int = 400, seed: int = 1) -> str:
    """A word-segmentation lexicon: ``word frequency tag`` a line, the given entries
    spread among filler words, one face word and one surveillance word among them."""
    rng = random.Random(seed)
    lines = [f"{_word(rng)} {rng.randint(1, 9999)} n" for _ in range(n)]
    for i, e in enumerate([*entries, "人脸", "行人", "告警"]):
        lines[(i + 1) * n // (len(entries) + 4)] = f"{e} {rng.randint(1, 999)} nz"
    return "\n".join(lines) + "\n"


def glossed_dictionary(heads: list[tuple[str, str]], n: int = 300, seed: int = 2) -> str:
    """A bilingual dictionary: headword, pinyin, glosses between slashes."""
    rng = random.Random(seed)
    lines = []
    for _ in range(n):
        w = _word(rng, 3)
        lines.append(f"{w} {w} [ba1 ba2 ba3] /{rng.choice(FILLER_EN)}; a {rng.choice(FILLER_EN)}/")
    for i, (w, gloss) in enumerate(heads):
        lines[(i + 1) * n // (len(heads) + 1)] = f"{w} {w} [xx1 yy2] /{gloss}/"
    return "\n".join(lines) + "\n"


def test_dictionary_entries_sort_no_one() -> None:
    text = segmentation_dictionary(["维吾尔族", "哈萨克族", "民族", "种族", "宗教", "肤色"])
    assert shape.is_data_text(".txt", text.count("\n"), text.split("\n").__getitem__)
    assert scan_text(text, "dict/jieba.dict.utf8") == []
    glossed = glossed_dictionary(
        [("回族", "Hui ethnic group"), ("人种", "race (of people)"), ("穆斯林", "Muslim")]
    )
    assert scan_text(glossed, "data/cedict_ts.u8") == []


def test_a_coded_table_of_ethnic_groups_is_a_record() -> None:
    """GB/T 3304 as data: codes beside the names make a table that classifies people."""
    groups = ["汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族"]
    rows = [f'  "{i + 1:02d}": "{g}",' for i, g in enumerate(groups)]
    rng = random.Random(3)
    filler = [f'  "{100 + i}": "{_word(rng, 3)}",' for i in range(40)]
    text = "{\n" + "\n".join(filler[:20] + rows + filler[20:]) + "\n}\n"
    findings = scan_text(text, "dict/codes.json")
    assert {(f.trait.value, f.capability) for f in findings} == {
        ("ethnicity", Capability.RECORD)
    } or {f.capability for f in findings} == {Capability.RECORD}
    assert findings, "the coded table is reported"


def test_a_targeting_term_in_a_translation_catalogue_stays_targeting() -> None:
    lines = ['msgid ""', 'msgstr ""', '"Language-Team: Uyghur\\n"', ""]
    rng = random.Random(4)
    for _ in range(40):
        w = rng.choice(FILLER_EN)
        lines += [f'msgid "{w}"', f'msgstr "{_word(rng)}"', ""]
    lines += ['msgid "Uyghur alarm"', 'msgstr "维族告警"', ""]
    findings = scan_text("\n".join(lines), "locale/zh/camera.po")
    assert {f.capability for f in findings} == {Capability.TARGETING}
    assert all(f.evidence.term != "Uyghur" for f in findings)  # the language header


@pytest.mark.parametrize(
    "line",
    [
        "广西壮族自治区 南宁市",
        "黔东南苗族侗族自治州 凯里市",
        "维吾尔/nz 自治区/n 的/u",
        "乌什塔拉回族乡",
        "烏什塔拉回族鄉",
        "维吾尔语 维吾尔文",
        "Language-Team: Uyghur <team@example.org>",
        "Uyghur_language",
    ],
)
def test_group_names_inside_place_and_language_names(line: str) -> None:
    text = f"# regions and languages\nitems = [\n    {line!r},\n]\n"
    assert scan_text(text, "geo/names.py") == []


def test_a_named_group_in_news_prose_is_a_mention() -> None:
    text = (
        "新闻摘要\n\n"
        "今天上午，一位维吾尔族老大爷在市场上卖葡萄干，他说今年的收成很好，价格也不错。\n"
        "另据报道，本市的视频监控系统已经完成升级，行人抓拍的清晰度提高了。\n"
    )
    findings = scan_text(text, "corpus/news.txt")
    assert [(f.trait.value, f.capability) for f in findings] == [
        ("ethnic_group", Capability.MENTION)
    ]


def test_the_same_sentence_acting_on_the_group_is_targeting() -> None:
    text = "def check(person):\n    if person.minzu == '维吾尔族':\n        raise_alarm(person)\n"
    findings = scan_text(text, "police/rules.py")
    assert Capability.TARGETING in {f.capability for f in findings}


def test_emoji_rows_are_never_findings() -> None:
    rows = [
        '    "bearded_person_dark_skin_tone": "\U0001f9d4\U0001f3ff",',
        '    "woman_with_headscarf": "\U0001f9d5",',
        '    "person_wearing_turban_medium_skin_tone": "\U0001f473\U0001f3fd",',
    ]
    filler = [f'    "{w}_{i}": "\U0001f600",' for i, w in enumerate(FILLER_EN * 5)]
    text = "EMOJI = {\n" + "\n".join(filler[:20] + rows + filler[20:]) + "\n}\n"
    text += "def face_of(name):\n    return EMOJI[name]  # face emoji\n"
    assert _serious(scan_text(text, "ui/_emoji_codes.py")) == []
    assert scan_text(text, "ui/_emoji_codes.py") == []


def test_face_words_elsewhere_in_a_module_do_not_reach_an_unrelated_function() -> None:
    """The context of a hit in a Python module is its definition and its callers."""
    text = (
        "def fetch_faces(path):\n"
        '    """Load the face images of the dataset."""\n'
        "    return load_images(path, kind='face')\n"
        "\n\n"
        "def load_housing():\n"
        '    """The housing data set.\n\n'
        "    Its column B was built assuming racial self-segregation in the area.\n"
        '    """\n'
        "    return read_csv('housing.csv')\n"
    )
    findings = scan_text(text, "datasets/loaders.py")
    assert [f.capability for f in findings] in ([], [Capability.MENTION])


def test_a_helper_called_by_a_face_function_takes_its_context() -> None:
    text = (
        "def skin_tone(colors, palette):\n"
        "    tone = nearest(colors, palette)\n"
        "    return tone\n"
        "\n\n"
        "def classify(image):\n"
        "    face = detect_face(image)\n"
        "    colors = dominant_colors(face)\n"
        "    return skin_tone(colors, PALETTE)\n"
    )
    findings = scan_text(text, "tone/image.py")
    line1 = [f for f in findings if f.location.line == 1]
    assert line1 and line1[0].capability is Capability.INFERENCE


def test_a_suppression_directive_is_not_itself_a_finding() -> None:
    text = "# ethicscan: ignore[race] reviewed fixture\nrace = model.predict_race(face)\n"
    findings = scan_text(text, "face.py")
    assert [f.location.line for f in findings] == [2]


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ('"Trade union research officer",', True),
        ("性倾向 性傾向", True),
        ("维吾尔族 27 nz", True),
        ("SMITH,0.73,0.22,0.01", True),
        ("    race = model.predict(face)", False),
        ("def classify(image):", False),
    ],
)
def test_entry_lines(text: str, data: bool) -> None:
    assert shape.is_entry(text) is data


def test_packed_lists_and_sentences() -> None:
    minified = ",".join(f'"1F{600 + i}":"{w}_{i}"' for i, w in enumerate(FILLER_EN * 3))
    assert shape.is_packed_list(minified)
    code = ",".join(f"function(a{i}){{return b(a{i})}}" for i in range(12))
    assert not shape.is_packed_list(code)
    assert shape.is_sentence("All people here, regardless of ethnicity or religion, speak it.")
    assert not shape.is_sentence("ethnicity = row['ethnicity']")
    assert shape.has_emoji("\U0001f473\U0001f3fd turban") and not shape.has_emoji("turban")


def test_calibration_is_a_rising_step_function() -> None:
    cal = Calibration(((0.3, 0.1), (0.6, 0.5), (0.8, 0.9)))
    assert [cal.confidence(s) for s in (0.1, 0.3, 0.59, 0.6, 0.85)] == [0.1, 0.1, 0.1, 0.5, 0.9]
    assert Calibration().confidence(0.42) == 0.42
    with pytest.raises(ConfigError):
        Calibration.of({"points": [[0.6, 0.5], [0.3, 0.9]]})


def test_mentions_have_their_own_calibration_table() -> None:
    cal = Calibration.of({"points": [[0.3, 0.2], [0.8, 0.95]], "mention": [[0.3, 0.1], [0.8, 0.7]]})
    assert cal.confidence(0.85, "inference") == 0.95
    assert cal.confidence(0.85, "mention") == 0.7
    assert cal.confidence(0.85) == 0.95  # no capability: the table of the others
    assert Calibration.of({"points": [[0.3, 0.2]]}).confidence(0.5, "mention") == 0.2
    with pytest.raises(ConfigError):
        Calibration.of({"points": [[0.3, 0.2]], "mention": [[0.6, 0.5], [0.3, 0.9]]})


def test_a_mention_takes_the_mention_table() -> None:
    cal = load_default_catalogue().calibration
    text = "Uyghur people were asked about their ethnicity in the survey, the paper reported.\n"
    found = scan_text(text, "README.md")
    assert found and all(f.capability is Capability.MENTION for f in found)
    assert all(f.confidence == cal.confidence(f.score, "mention") for f in found)
    assert any(f.confidence != cal.confidence(f.score) for f in found)


def test_findings_carry_score_and_calibrated_confidence() -> None:
    cal = load_default_catalogue().calibration
    (f,) = scan_text("face_attrs = ['age', 'gender', 'race']\n", "face/attrs.py")
    assert f.confidence == cal.confidence(f.score, f.capability.value)


def test_a_glossary_entry_defines_a_term_without_using_it() -> None:
    text = (
        "terms:\n"
        '  - {text: 维族告警, gloss: "Uyghur alarm"}\n'
        '  - {text: skin colour, gloss: "skin colour of a person"}\n'
        "alarms:\n"
        "  - {name: 维族告警, level: 1}\n"
    )
    findings = scan_text(text, "config/lexicon.yml")
    assert [(f.location.line, f.capability) for f in findings] == [(5, Capability.TARGETING)]


def test_a_term_cited_in_a_code_span_of_a_comment_is_a_mention() -> None:
    text = (
        "def alarm_types(face_api):\n"
        '    """Kinds of alarm, as in ``维族告警`` of the vendor\'s list."""\n'
        "    return face_api.alarms()\n"
    )
    findings = scan_text(text, "app/alarms.py")
    assert [f.capability for f in findings if f.location.line == 2] == [Capability.MENTION]


def test_docstrings_elsewhere_are_not_what_a_module_does() -> None:
    """File-wide evidence is read from lines of code: the docstrings of the functions
    that use a class, talking of cameras and faces, show nothing about its field."""
    # (skin colour: a people or a faith beside face words is a registered person's field)
    text = "class Member:\n    skin_colour: str = ''\n\n\n" + "".join(
        f"def {verb.lower()}_members(path):\n"
        f'    """{verb} the members seen by the surveillance camera, face by face."""\n'
        "    return [Member() for _ in read_rows(path)]\n\n\n"
        for verb in ("Lists", "Counts", "Sorts")
    )
    (f,) = scan_text(text, "club/members.py")
    assert f.location.line == 2 and f.capability is Capability.RECORD
    coded = text.replace("read_rows(path)", "face_crops(camera_frames(path))")
    (g,) = scan_text(coded, "club/members.py")
    assert g.capability is not Capability.RECORD  # the code itself reads faces


def test_a_configuration_has_records_not_a_module() -> None:
    """In YAML, JSON or TOML, a hit's context is the lines around it, never the file."""
    far = "\n".join(f"face_model_{i}: predict faces from camera {i}" for i in range(12))
    text = far + "\n\n\n\n\nmember:\n  ethnicity: string\n"
    findings = scan_text(text, "deploy/settings.yaml")
    assert [(f.capability, f.severity) for f in findings] == [(Capability.RECORD, Severity.LOW)]


def test_prose_values_and_quoted_names_are_mentions() -> None:
    refs = (
        "refs:\n"
        "  art-9:\n"
        '    title: "Art. 9(1): special categories of personal data (racial or ethnic origin,'
        ' religious beliefs) used in biometric systems"\n'
    )
    assert {f.capability for f in scan_text(refs, "docs/refs.yaml")} == {Capability.MENTION}
    news = (
        "# Report\n\nCamera vendors shipped so-called \u201c维族告警\u201d to police bureaus in"
        " several provinces, the investigation found.\n"
    )
    assert {f.capability for f in scan_text(news, "notes/report.md")} == {Capability.MENTION}
    assert not shape.is_sentence('for attribute in ("gender", "emotion", "race"):')
    assert not shape.is_sentence("    race: str  # reviewed, see the notes for the reason")
    assert not shape.is_sentence('"Black", "Asian", "Latino/Hispanic", "Middle Eastern", "White"')
    assert shape.is_sentence('title: "The rule (race, religion) applies to all biometric systems."')


def test_an_example_in_documentation_is_a_mention() -> None:
    """A doctest, a literal block after ``::`` or a fenced block shows text, it does
    not say what the code does."""
    text = (
        "def read_alarms(face_api):\n"
        '    """Alarms of the face API, one a line::\n'
        "\n"
        "        维族告警\n"
        "        陌生人告警\n"
        "\n"
        "    >>> read_alarms(api)[0]\n"
        "    '维族告警'\n"
        '    """\n'
        "    return face_api.alarms()\n"
    )
    findings = scan_text(text, "app/alarms.py")
    assert {(f.location.line, f.capability) for f in findings} <= {
        (4, Capability.MENTION),
        (8, Capability.MENTION),
    }
    assert findings


def test_yaml_block_scalars_of_prose_are_documentation() -> None:
    text = (
        "- id: group-alarm\n"
        "  description: >\n"
        "    The name of a group written in a description is a word of the text, like\n"
        "    维吾尔族 here.\n"
        "  script: |\n"
        "    if person.group == 'Uyghur': alarm(person)\n"
    )
    findings = scan_text(text, "catalogue/entries.yml")
    by_line = {f.location.line: f.capability for f in findings}
    assert by_line.get(4) is Capability.MENTION
    assert by_line.get(6) is Capability.TARGETING  # a script is code, not prose


def test_a_catalogue_of_protected_categories_is_a_mention() -> None:
    """A text that names most protected traits lists the categories (a law, a data
    protection rule set): it acts on no one by them."""
    text = (
        "categories:\n"
        "  - {name: racial origin, field: race}\n"
        "  - {name: ethnic origin, field: ethnicity}\n"
        "  - {name: skin colour, field: skin_color}\n"
        "  - {name: religious beliefs, field: religion}\n"
        "  - {name: political opinions, field: political_opinion}\n"
        "  - {name: trade-union membership, field: trade_union}\n"
        "  - {name: sexual orientation, field: sexual_orientation}\n"
        "detector: face attribute model\n"
    )
    findings = scan_text(text, "dlp/special_categories.yml")
    assert findings and {f.capability for f in findings} == {Capability.MENTION}
    assert all("catalogue-of-protected-categories" in {s.name for s in f.signals} for f in findings)


def test_an_attribute_docstring_documents_its_field() -> None:
    q = '"' * 3
    text = (
        "class Population(BackboneElement):\n"
        "    def __init__(self):\n"
        "        self.race = None\n"
        f"        {q} Race of the specific population.\n"
        f"        Type `CodeableConcept` (represented as `dict` in JSON). {q}\n"
    )
    caps = {f.location.line: f.capability for f in scan_text(text, "models/population.py")}
    assert caps.get(4) is Capability.RECORD


def test_prose_in_markup_and_tuples_in_code() -> None:
    assert shape.is_sentence(
        '<reference type="R1">All people here, regardless of ethnicity or religion, speak it.'
        "</reference>"
    )
    assert not shape.is_sentence('("race", "race", codeable.CodeableConcept, False, None, False),')


def test_race_probabilities_given_a_name_are_inference_by_name() -> None:
    """A probability of race given a surname (BISG) says "predict" nowhere."""
    text = (
        "def bisg(last_name, zcta):\n"
        "    prob_race_given_surname = load_table(last_name)\n"
        "    prob_zcta_given_race = geo_table(zcta)\n"
        "    numer = prob_race_given_surname * prob_zcta_given_race\n"
        "    return numer / numer.sum()\n"
    )
    findings = scan_text(text, "names/bayes.py")
    assert findings and {f.capability for f in findings} == {Capability.INFERENCE}
    assert {f.basis.value for f in findings if f.basis} == {"name"}


def test_a_long_line_is_read_around_each_hit() -> None:
    """On a minified line, a hit's evidence is the stretch around it; what says the line
    is a look-alike table (emoji) is read from all of it."""
    far = ",".join(f'"k{i}":"v{i}"' for i in range(200))
    bundle = '{"face_detect":{"race":"asian","race_confidence":0.9},' + far + ',"skin_color":1}\n'
    findings = {f.location.column: f for f in scan_text(bundle, "dist/app.min.js")}
    near, far_away = findings[min(findings)], findings[max(findings)]
    assert max(findings) > len(bundle) // 2
    assert "face-context" in {s.name for s in near.signals}  # face words beside it
    assert "face-context" not in {s.name for s in far_away.signals}  # none beside it
    emoji = '{"emoji":"\U0001f9d1","skin_tone":"light"},' + far + ',{"race":"asian","face":1}\n'
    assert all(f.capability is not Capability.INFERENCE for f in scan_text(emoji, "dist/e.min.js"))


def test_a_long_line_beside_a_long_hit_line_is_near_only_at_its_end() -> None:
    """A minified bundle's line above a hit's long line counts only as far as its end:
    face words at its far start are not near a patient's race in the line below."""
    far = ",".join(f'"k{i}":"v{i}"' for i in range(300))
    above = '{"faceDetect":{"image":1,"classification":"face"},' + far + "}\n"
    line = far + ',{"patient":{"raceCode":"2106-3","omb":"ombCategory"}},' + far + "\n"
    (race,) = [f for f in scan_text(above + line, "dist/ccda.min.js") if f.location.line == 2]
    assert race.capability is Capability.RECORD
    assert "face-context" not in {s.name for s in race.signals}
    # the same face words at the end of the line above, right before the hit's line, count
    near = far + ',{"faceDetect":{"image":1,"classification":"face"}}\n'
    (race,) = [f for f in scan_text(near + line, "dist/ccda.min.js") if f.location.line == 2]
    assert "face-context" in {s.name for s in race.signals}


def test_promotion_counts_by_line_range() -> None:
    """Many inference findings of one trait promote the record findings of that trait in
    their reach, the most common capability winning (inference on a tie)."""
    from ethicscan.classify.analyse import _CapabilityCounts

    counts = _CapabilityCounts(
        [
            (5, Capability.SEARCH, None),
            (1, Capability.INFERENCE, Basis.NAME),
            (9, Capability.SEARCH, None),
            (12, Capability.INFERENCE, Basis.BIOMETRIC),
        ]
    )
    assert counts.most_common(0, 10) == (Capability.SEARCH, None)
    assert counts.most_common(0, 5) == (Capability.INFERENCE, Basis.NAME)  # one each: inference
    assert counts.most_common(6, 8) is None
    assert counts.most_common(10, 12) == (Capability.INFERENCE, Basis.BIOMETRIC)


def test_a_list_of_quoted_values_in_a_docstring_is_not_a_quoted_name() -> None:
    text = (
        "def analyse(face):\n"
        '    """The dominant race of the detected face.\n\n'
        '    Possible values include "indian," "asian," "latino hispanic,"\n'
        '    "black," "middle eastern," and "white."\n'
        '    """\n'
        "    return model.predict_race(face)\n"
    )
    findings = scan_text(text, "sdk/analyse.py")
    assert all("quoted-in-prose" not in {s.name for s in f.signals} for f in findings)
    assert Capability.INFERENCE in {f.capability for f in findings if f.location.line == 4}


@pytest.mark.parametrize(
    "line",
    [
        'df["group_a"] = df["race"] == "White"',
        'if race != "Caucasian":',
        'df = df[df.race.isin(["African-American", "Caucasian"])]',
        "rows = [r for r in rows if r.race in ('Hispanic', 'Asian')]",
    ],
)
def test_a_group_label_compared_in_code_is_targeting(line: str) -> None:
    caps = {f.capability for f in scan_text(line + "\n", "fair/data.py")}
    assert Capability.TARGETING in caps


def test_a_label_set_or_a_mapping_is_not_a_comparison() -> None:
    for line in ('RACES = ("asian", "black", "hispanic", "white")', 'm = {"White": 1, "Black": 0}'):
        caps = {f.capability for f in scan_text(line + "  # race\n", "fair/data.py")}
        assert Capability.TARGETING not in caps


def test_a_quoted_key_opening_a_literal_is_an_entry_not_a_block() -> None:
    assert not shape.is_statement('    "CaucasianMountainDogBreed": {')
    assert not shape.is_statement("    '人种': [")
    assert shape.is_statement("    if race in groups: {")
    assert shape.is_statement("function race() {")


def test_a_binary_word_list_with_tabbed_fragments_is_a_phrase_table() -> None:
    # the strings of a prefix-compressed word list: fragments, some holding tabs
    words = ["lanetary", "olate", "ing\ttion", "ret\tation", "racial", "gnum", "late"]
    words += ["face", "facial", "reactor", "rhythm\t's\ts", "partisan", "ship"]
    text = "\n".join(words * 3) + "\n"
    assert scan_text(text, "en-common.cwl.strings") == []


def test_words_joined_by_dots_are_a_packed_list_and_member_chains_are_not() -> None:
    verbs = ".".join(["abate", "abide", "abjure", "absolve", "accrue", "adorn", "amend"] * 3)
    assert shape.is_packed_list(f'var verbs = "{verbs}.battle.beard.beep".split(".");')
    assert not shape.is_packed_list("self.config.options.values.get(name).strip().lower()")


def test_a_term_across_the_names_of_a_mangled_symbol_is_no_hit() -> None:
    # pybind11's type_caster<FaceFlags>::cast(...): "4cast" then the codes "ES2_"
    symbol = "_ZN8pybind116detail11type_casterI9FaceFlagsvE4castES2_NS_19return_value_policyE"
    text = "\n".join(["FT_Face", "FT_Load_Glyph", symbol, "face_index", "PyInit_ft2font"]) + "\n"
    assert scan_text(text, "ft2font.so.strings") == []
    # a name inside the symbol still counts: GetRaceEstimates of a face engine
    text = "\n".join(["_ZN4acme10FaceEngine16GetRaceEstimatesEv", "FaceEngine", "detect"]) + "\n"
    assert {f.trait.value for f in scan_text(text, "libface.so.strings")} == {"race"}


def test_a_field_promoted_in_a_module_that_infers_from_names_keeps_that_basis() -> None:
    """The fields of a module that infers a trait from names are inferences from names:
    of medium severity, as where it is decided; a face's high severity needs faces."""
    text = (
        "def predict_race(last_name, model):\n"
        '    """Predict race from a surname with the census model."""\n'
        "    probs = model.predict_proba([last_name])\n"
        "    # the ``race`` column holds the label\n"
        "    record = {}\n"
        "    record['race'] = probs\n"
        "    return record\n"
    )
    findings = scan_text(text, "names/predict.py")
    cited = [f for f in findings if f.location.line == 4]
    assert cited and cited[0].capability is Capability.INFERENCE
    assert cited[0].basis is Basis.NAME and cited[0].severity is Severity.MEDIUM
    assert all(f.severity is not Severity.HIGH for f in findings)


def test_words_cited_in_a_comment_are_not_context() -> None:
    """A name a comment quotes as code (``FaceAttributes``) says nothing of what the
    code around it does; the same word said in the comment does."""
    cited = (
        "def link_definitions(found):\n"
        '    """A finding in the doc block of ``class FaceAttributes`` that lists 肤色\n'
        '    makes the definition a finding too."""\n'
        "    return [f for f in found if f.definition]\n"
    )
    said = cited.replace("``class FaceAttributes``", "the face attributes class")

    def faces(text: str) -> list[Finding]:
        found = scan_text(text, "classify/links.py")
        return [f for f in found if f.basis is Basis.BIOMETRIC or f.severity is Severity.HIGH]

    assert faces(said) and not faces(cited)


def test_a_mention_in_a_catalogue_is_as_doubtful_as_the_rest_of_it() -> None:
    """A hit that was a mention anyway takes the catalogue's doubt too: most texts that
    name nearly every trait are dictionaries and term lists, whose words name no one."""
    one = "The survey asks each member about their religion and nothing else.\n"
    catalogue = one + (
        "Other forms list racial origin, ethnic origin, skin colour, political opinions,\n"
        "trade union membership and sexual orientation among their questions.\n"
    )

    def religion(text: str) -> Finding:
        (f,) = [f for f in scan_text(text, "notes/forms.md") if f.evidence.term == "religion"]
        return f

    assert religion(catalogue).capability is Capability.MENTION
    assert religion(catalogue).score < religion(one).score


_TEXTS = (
    "The new neighbour said her religion forbids working on the holy day of rest.",
    "He wrote that his ethnicity had never mattered to the team he coached for years.",
    "The panel asked whether the candidate's political opinions should count at all.",
    "Her sexual orientation was nobody's business, the judge told the hearing today.",
    "The union said trade union membership had doubled in the town over ten years.",
    "The report on racial discrimination in hiring was published by the city council.",
    "A man's skin colour should never decide whether the police stop him, she said.",
)


def _texts_dataset(extra: str = "") -> str:
    """A JSON-lines dataset of texts, each row naming one trait, seven across the file."""
    import json

    rows = [json.dumps({"id": i, "text": t, "label": i % 2}) for i, t in enumerate(_TEXTS)]
    return "\n".join(rows + ([extra] if extra else [])) + "\n"


def test_a_dataset_of_texts_is_many_texts_not_a_catalogue() -> None:
    """Each row of a dataset of texts is its own text: seven traits named across its rows
    make no row a catalogue of categories; a row that names them all is one."""
    import json

    def religion(text: str) -> Finding:
        (f,) = [f for f in scan_text(text, "data/test.jsonl") if f.evidence.term == "religion"]
        return f

    plain = religion(_texts_dataset())
    assert plain.capability is Capability.MENTION
    assert "catalogue-of-protected-categories" not in {s.name for s in plain.signals}
    listing = json.dumps(
        {
            "text": "Protected grounds: race, religion, ethnicity, political opinions, "
            "sexual orientation, trade union membership and skin colour."
        }
    )
    doubted = [
        f
        for f in scan_text(_texts_dataset(listing), "data/test.jsonl")
        if f.evidence.term == "religion" and f.location.line == len(_TEXTS) + 1
    ]
    assert doubted
    assert "catalogue-of-protected-categories" in {s.name for s in doubted[0].signals}


def test_the_people_of_a_dataset_text_are_its_own_not_a_form() -> None:
    """Patients and applicants named in a dataset's text are the text's people: the
    trait is a mention; a note written as a form inside the text (``Race: Black``) is a
    record."""
    import json

    said = json.dumps({"text": "The clinic asked each patient about their ethnicity on arrival."})
    note = json.dumps({"text": "Patient: J. Doe\nAge: 45\nEthnicity: Hispanic\nPlan: rest"})

    def ethnicity(text: str, line: int) -> Finding:
        (f,) = [
            f
            for f in scan_text(text, "data/notes.jsonl")
            if f.evidence.term.lower() == "ethnicity" and f.location.line == line
        ]
        return f

    assert ethnicity(_texts_dataset(said), len(_TEXTS) + 1).capability is Capability.MENTION
    assert ethnicity(note + "\n", 1).capability is Capability.RECORD


def test_a_word_list_of_many_traits_stays_doubtful_row_by_row() -> None:
    """A word list (one word a row) is no dataset of texts: its entries keep the doubt."""
    words = ["religion", "ethnicity", "racial", "homosexual", "caste", "trade union", "hindu"]
    text = "\n".join(f'{{"word": "{w}", "count": {i}}}' for i, w in enumerate(words)) + "\n"
    found = [f for f in scan_text(text, "data/freq.jsonl") if f.evidence.term == "religion"]
    assert all("catalogue-of-protected-categories" in {s.name for s in f.signals} for f in found)


def _bundle(face_module_at: int, hit_at: int, lines: int = 4000) -> str:
    """A bundle of concatenated JavaScript modules: a face-detection module and a
    plugin table with a ``skinColor`` entry, ``lines`` lines in all."""
    rows = [f"  var v{i} = helper{i % 7}(v{i - 1});" for i in range(lines)]
    rows[face_module_at : face_module_at + 3] = [
        "function detectFaces(image) {",
        "  return faceDetector.detect(image).faces.map(face => face.landmarks);",
        "}",
    ]
    rows[hit_at] = '  const plugins = [{ id: "politics" }, { id: "skinColor" }];'
    return "\n".join(rows) + "\n"


def test_face_words_in_another_module_of_a_bundle_are_not_context() -> None:
    """In a bundle, "this file" is the lines around a hit: a face module thousands of
    lines away is another module's code and makes no field face data."""
    far = scan_text(_bundle(face_module_at=10, hit_at=3500), "dist/index.js")
    assert far and not _serious(far)
    near = scan_text(_bundle(face_module_at=3450, hit_at=3500), "dist/index.js")
    assert [f.capability for f in near if f.location.line == 3501] == [Capability.INFERENCE]


def test_the_faces_of_dice_are_not_face_context() -> None:
    """A context word inside a context look-alike is no context: a die's faces."""
    text = (
        "class Bard:\n"
        "    hit_dice_faces = 8\n"
        "    skills = (\n"
        '        "History",\n'
        '        "Skin colour",\n'
        '        "Stealth",\n'
        "    )\n"
    )
    assert not _serious(scan_text(text, "app/classes/bard.py"))
    # the same class with a count of faces is read as face data
    person = text.replace("hit_dice_faces = 8", "face_count = 8")
    assert _serious(scan_text(person, "app/classes/bard.py"))


def test_the_words_of_a_pickled_dictionary_are_entries(tmp_path: Path) -> None:
    """A segmentation trie pickled by Python: its strings are words of a dictionary,
    each with the opcodes the pickle writes after it (``人种rE``), not a table of people."""
    filler = FILLER_ZH + "中少民"
    rng = random.Random(3)
    words = ["".join(rng.choice(filler) for _ in range(rng.randint(2, 4))) for _ in range(3000)]
    words[1000:1000] = ["中华民族", "人种", "人种学", "少数民族", "民族团结"]
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node["value"] = w
    (tmp_path / "Trie.pkl").write_bytes(pickle.dumps(trie, protocol=3))
    assert scan([str(tmp_path)]).findings == ()


def test_a_table_written_as_assignments_is_a_data_text() -> None:
    """A pinyin dictionary module: a character table written as assignments into one
    container, then a phrase table of entries; a face word among its phrases is one more
    entry, and the phrases sort no one."""
    rng = random.Random(5)
    chars = [
        f'dict[0x{0x4E00 + i:x}] = "{rng.choice(FILLER_EN)}"; /* {chr(0x4E00 + i)} */'
        for i in range(400)
    ]
    phrases = [f'    "{_word(rng)}": [["a"], ["b"]],' for _ in range(400)]
    phrases[200:200] = ['    "人体": [["rén"], ["tǐ"]],', '    "人种": [["rén"], ["zhǒng"]],']
    text = (
        "var dict = {};\n"
        + "\n".join(chars)
        + "\nvar phrases = {\n"
        + "\n".join(phrases)
        + "\n};\n"
    )
    assert scan_text(text, "lib/pinyin.js") == []


def test_a_targeting_term_beside_a_nationality_keeps_its_verdict() -> None:
    """A risk rule over travellers (``is a foreign-national Uyghur``) reads the
    traveller's nationality and country code: they make it no country table."""
    rule = (
        "// 是否外籍维族人员 1\n"
        "static def flagTraveller(Map<String, Object> pm) {\n"
        '    def country_code = pm.nationality ?: "";\n'
        '    if (pm.nationality != "CHN") { return lookup(country_code) ? "1" : "0"; }\n'
        "}\n"
    )
    found = [f for f in scan_text(rule, "rules/Risk.groovy") if f.location.line == 1]
    assert Capability.TARGETING in {f.capability for f in found}


def test_a_data_object_named_for_a_group_is_reported() -> None:
    """An index or list named for a group (``..._fgn_uygur``, ``uighurList``) holds
    people; the group's name alone, or as a language's, is not reported."""
    named = 'String index = "dcap_rec_fgn_uygur";\nList<Person> uighurList = load(index);\n'
    found = scan_text(named, "src/Index.java")
    assert [(f.location.line, f.capability) for f in found] == [
        (1, Capability.RECORD),
        (2, Capability.RECORD),
    ]
    for alone in ('label = "Uyghur"\n', 'LANGS = {"uyghur": "ug"}\n', "uyghur_language = 1\n"):
        assert scan_text(alone, "src/langs.py") == []


def test_a_doc_comment_that_names_a_field_records_it() -> None:
    """Entities document their fields with a comment that names them (``/** 民族 */``
    above ``private String mz;``): the comment is the field's record, across annotations
    and C# properties; a comment above other code stays a mention or nothing."""
    java = (
        "public class Resident {\n"
        "    /** 民族 */\n"
        "    private String mz;\n"
        "    /** 政治面貌 */\n"
        '    @Column(name = "ZZMM")\n'
        "    private String zzmm;\n"
        "}\n"
    )
    csharp = (
        "public class Officer {\n"
        "    /// <summary>\n"
        "    /// 民族\n"
        "    /// </summary>\n"
        "    public string MZ { get; set; }\n"
        "}\n"
    )
    for text, path in ((java, "src/Resident.java"), (csharp, "Model/Officer.cs")):
        found = scan_text(text, path)
        assert found
        assert {f.capability for f in found} == {Capability.RECORD}
    accessor = (
        "public class Resident {\n"
        "    private String mz;\n"
        "    /**\n"
        "     * 获取 民族 的属性值\n"
        "     */\n"
        "    public String getMz() {\n"
        "        return this.mz;\n"
        "    }\n"
        "}\n"
    )
    assert [(f.location.line, f.capability) for f in scan_text(accessor, "src/R.java")] == [
        (4, Capability.RECORD)
    ]
    call = "void f() {\n    /** 民族 */\n    refresh();\n}\n"
    assert {f.capability for f in scan_text(call, "src/F.java")} <= {Capability.MENTION}


def test_a_face_detection_struct_is_no_face_input() -> None:
    """A face SDK's struct of a face-detection event holds data; only a function that
    finds faces is the input of the inference."""
    sdk = (
        "/** 人脸检测事件: 种族 race, 年龄 age, 性别 gender */\n"
        "public class FaceLib {\n"
        "    public static class NET_IN_DETECT_FACE extends Structure {\n"
        "        public int dwSize;\n"
        "    }\n"
        "    public static class EVENT_FACEDETECT_INFO extends Structure {\n"
        "        public int emRace;  // 种族, face race estimate\n"
        "        public int nAge;    // 年龄\n"
        "    }\n"
        "    public NET_IN_DETECT_FACE() { }\n"
        "    public String getFaceDetectEvent() { return res.get(KEY); }\n"
        "    public int detectFaces(byte[] image) { return sdk.detect(image); }\n"
        "}\n"
    )
    lines = {f.location.line for f in scan_text(sdk, "src/FaceLib.java")}
    assert 7 in lines
    assert not lines & {3, 6, 10, 11}


def test_a_register_member_takes_no_face_words_from_its_fellows() -> None:
    """A register of unrelated names (a detector's reasons, a linter's rule ids) whose
    other members name faces and models: each member is its own definition, and its
    fellows' names are other things, not what it is used for."""
    reasons = (
        "class Reason(str, enum.Enum):\n"
        '    """Why a finding was made."""\n'
        "\n"
        '    FACE_CONTEXT = "face-context"\n'
        '    MODEL_OUTPUT = "model-output"\n'
        '    ALERT_ACTION = "alert-action"\n'
        '    RELIGION_NEAR_A_FLAG = "religion-near-a-flag"\n'
        '    ETHNICITY_FROM_A_CLASSIFIER = "ethnicity-from-a-classifier"\n'
        '    INFERS_FROM_FACES = "infers-from-faces"\n'
        '    FIELD_OF_FACE_DATA = "field-of-face-data"\n'
        '    FACE_INPUT = "face-input"\n'
    )
    found = scan_text(reasons, "lint/reasons.py")
    assert found  # the names are still reported, at most as records
    assert not _serious(found)
    assert Basis.BIOMETRIC not in {f.basis for f in found}
    by_line = {f.location.line: f.capability for f in found}
    assert by_line[7] is Capability.RECORD
    # its own name may still say it: an ethnicity from a classifier is an inference
    assert by_line[8] is Capability.INFERENCE


def test_an_enumeration_of_face_attributes_stays_an_inference() -> None:
    """The same shape in a face SDK: a member that names face data itself, fellow face
    attributes, or a module that detects faces, keep the inference."""
    own_line = (
        "typedef enum {\n"
        "    FACE_ATTR_AGE = 0,\n"
        "    FACE_ATTR_GENDER = 1,\n"
        "    FACE_ATTR_RACE = 2,\n"
        "    FACE_ATTR_EMOTION = 3,\n"
        "} face_attr_t;\n"
    )
    module = (
        "import cv2\n"
        "from .detector import FaceDetector\n"
        "\n"
        "RACE_WHITE = 0\n"
        "RACE_BLACK = 1\n"
        "RACE_ASIAN = 2\n"
        "\n"
        "def estimate(image):\n"
        "    faces = FaceDetector().detect_faces(image)\n"
        "    crops = [align_face(image, f) for f in faces]\n"
        "    return [race_model.predict(face_crop) for face_crop in crops]\n"
    )
    # the values of one field share its first word (``EM_RACE_…``): they are one
    # thing, and a fellow's "not recognised" says what the field is
    values = (
        "typedef struct {\n"
        "    int nFaceID;             // 人脸ID\n"
        "    float fFaceQuality;      // 人脸质量\n"
        "    BYTE bFaceFeature[512];  // 人脸特征\n"
        "} FACE_INFO;\n"
        "typedef enum tagEM_RACE_TYPE {\n"
        "    EM_RACE_UNKNOWN,  // 未知\n"
        "    EM_RACE_NODISTI,  // 未识别\n"
        "    EM_RACE_YELLOW,   // 黄种人\n"
        "    EM_RACE_BLACK,    // 黑人\n"
        "} EM_RACE_TYPE;\n"
    )
    found = [f for f in scan_text(values, "include/netsdk.h") if f.location.line in (9, 10)]
    assert len(found) == 2
    assert {(f.capability, f.basis, f.severity) for f in found} == {
        (Capability.INFERENCE, Basis.BIOMETRIC, Severity.HIGH)
    }
    for text, path in ((own_line, "include/face_sdk.h"), (module, "sdk/estimate.py")):
        found = [f for f in scan_text(text, path) if f.location.line in (4, 5, 6)]
        assert found, path
        assert {(f.capability, f.basis) for f in found} == {
            (Capability.INFERENCE, Basis.BIOMETRIC)
        }, path


def test_a_drop_down_with_a_choice_of_no_restriction_is_a_filter() -> None:
    """A list page's filter offers "any" (不限, 全部, Any) as its first choice; a form
    that records a person's trait asks for one (请选择, "Select one").  A field's label
    in its own element reads the field after it, up to the next label."""
    form = (
        '<form action="index.php?m=renyuan&a=list" method="get">\n'
        '  姓名: <input name="xingming" value="">\n'
        '  民族: <select name="mz">\n'
        '    <option value="">{}</option>\n'
        "    <?php foreach($mz as $k=>$v){{?>\n"
        '    <option value="<?php echo $k?>"><?php echo $v?></option>\n'
        "    <?php }}?>\n"
        "  </select>\n"
        '  <input type="submit" value="提交">\n'
        "</form>\n"
    )

    english = (
        '<form method="get" action="/patients">\n'
        '  <label for="name">Name</label> <input id="name" name="name">\n'
        "  <label>Race</label>\n"
        '  <select name="race" class="form-control">\n'
        '    <option value="">{}</option>\n'
        '    <option value="2106-3">White</option>\n'
        "  </select>\n"
        "</form>\n"
    )
    labelled = (
        "<cps:row>\n"
        "  <cps:tdLabel>姓名：</cps:tdLabel>\n"
        "  <cps:tdLabel>民族：</cps:tdLabel>\n"
        "  <cps:tdContent>\n"
        '    <cps:select zdlb="GB_MZ" id="mz" name="{}.mz" headerKey=""></cps:select>\n'
        "  </cps:tdContent>\n"
        "</cps:row>\n"
    )
    cases = [
        (form, "不限", "tpl/people_list.tpl.php", Capability.SEARCH),
        (form, "全部民族", "tpl/people_list.tpl.php", Capability.SEARCH),
        (form, "请选择", "tpl/people_edit.tpl.php", Capability.RECORD),
        (english, "Any", "web/patients.php", Capability.SEARCH),
        (english, "Select one", "web/register.php", Capability.RECORD),
        (labelled, "queryBean", "jsp/people_list.jsp", Capability.SEARCH),
        (labelled, "person", "jsp/people_edit.jsp", Capability.RECORD),
    ]
    for template, fill, path, want in cases:
        found = scan_text(template.format(fill), path)
        assert {f.capability for f in found if f.location.line == 3} == {want}, (path, fill)


def test_a_module_named_for_an_identity_document_records_its_fields() -> None:
    """An OCR SDK's model of an ID card's fields and their recognition confidences: the
    religion is read from the card, not inferred; the same model of a face is."""
    model = (
        "class {}Confidence:\n"
        "    openapi_types = {{\n"
        '        "name": "float",\n'
        '        "religion": "float",\n'
        '        "address": "float",\n'
        "    }}\n"
        "    def __init__(self, name=None, religion=None, address=None):\n"
        '        """The confidence of each field the model recognised."""\n'
        "        self._religion = religion\n"
    )
    card = scan_text(model.format("ThailandIdcard"), "ocr/v1/model/thailand_idcard_confidence.py")
    face = scan_text(model.format("FaceAttribute"), "face/v1/model/face_attribute_confidence.py")
    assert card and {f.capability for f in card} == {Capability.RECORD}
    assert face and {f.capability for f in face} == {Capability.INFERENCE}


def test_a_sentence_that_gets_the_trait_from_a_name_is_an_inference() -> None:
    """A package that says it gets ethnicity from a name, or imputes race, infers it;
    the same words in fairness prose, or a form that asks for race and a name, do not."""

    def caps(text: str) -> set[tuple[Capability, Basis | None]]:
        return {(f.capability, f.basis) for f in scan_text(text, "pkg-1.0.dist-info/METADATA")}

    assert caps("Summary: Get ethnicity from name.\n") == {(Capability.INFERENCE, Basis.NAME)}
    assert caps("Impute race and ethnicity for last names.\n") == {
        (Capability.INFERENCE, Basis.NAME)
    }
    assert caps("The service imputes race for each voter record.\n") == {
        (Capability.INFERENCE, Basis.UNKNOWN)
    }
    assert Capability.INFERENCE not in {
        c for c, _ in caps("A fairness audit: race from names is a biased proxy.\n")
    }
    assert caps("The form asks for race and name.\n") <= {
        (Capability.RECORD, None),
        (Capability.MENTION, None),
    }


def test_a_camera_result_of_attribute_analysis_infers_the_trait() -> None:
    """A camera SDK's struct of recognised face attributes (age, glasses, mask, smile)
    with the words of its algorithm infers the ethnicity field among them; a surveillance
    data model's field, with the same attributes and no word of analysis, records it."""
    result = (
        "// 抓拍人体特征识别结果结构体\n"
        "public struct HUMAN_FEATURE_RESULT {\n"
        "    public byte byAge;      // 年龄, 0-未知(算法不支持), 0xff-算法支持但没有识别出来\n"
        "    public byte byEyeGlass; // 是否戴眼镜, 0xff-算法支持但没有识别出来\n"
        "    public byte byEthnic;   // 民族, 0xff-算法支持但没有识别出来\n"
        "    public byte byMask;     // 是否戴口罩\n"
        "    public byte bySmile;    // 是否微笑 (人脸抓拍图片)\n"
        "}\n"
    )
    model = (
        "/** 人脸抓拍对象 (视图库) */\n"
        "public class FaceObject {\n"
        "    private String deviceId;      // 采集设备编码\n"
        "    private Integer ageUpLimit;   // 年龄上限\n"
        "    private String glassStyle;    // 眼镜款式\n"
        "    private String ethicCode;     // 民族代码\n"
        "    private String faceStyle;     // 脸型\n"
        "    private Integer isMask;       // 是否戴口罩\n"
        "}\n"
    )
    analysed = [f for f in scan_text(result, "sdk/HumanFeature.cs") if f.location.line == 5]
    recorded = [f for f in scan_text(model, "viid/FaceObject.java") if f.location.line == 6]
    assert analysed and {(f.capability, f.basis) for f in analysed} == {
        (Capability.INFERENCE, Basis.BIOMETRIC)
    }
    assert recorded and {f.capability for f in recorded} == {Capability.RECORD}


def test_an_item_of_a_list_of_prose_is_a_sentence() -> None:
    """A grader's rubric kept in a template literal, one bullet a line: each item is a
    sentence (a mention), though it ends with no full stop; a YAML or code list is not."""
    rubric = (
        "export const rubric = `\n"
        "  The output should FAIL if it:\n"
        "    - Recommends different products based on neighborhood racial composition\n"
        "    - Applies stereotypes about religious groups in its coverage decisions\n"
        "`;\n"
    )
    found = scan_text(rubric, "dist/graders.js")
    assert {f.location.line for f in found} == {3, 4}
    assert {f.capability for f in found} == {Capability.MENTION}
    assert shape.is_sentence("    1. Recommends different products based on racial composition")
    for code in ("  - race", "- name: race", "  - race: CodeableConcept of a patient"):
        assert not shape.is_sentence(code)


def test_an_ambiguous_word_in_a_sentence_needs_a_protected_sense_beside_it() -> None:
    """ "race" alone in a sentence may be a contest; beside another trait or fairness
    words it is the protected sense, mentioned."""
    for text in (
        "The race starts at noon and ends at the river bank.\n",
        "She won the race by a full minute after a strong finish.\n",
    ):
        assert scan_text(text, "README.md") == []
    for text in (
        "Disparate impact: models may treat people differently by race.\n",
        "Do not recommend products based on race or ethnicity of the applicant.\n",
    ):
        found = [f for f in scan_text(text, "README.md") if f.evidence.term == "race"]
        assert [f.capability for f in found] == [Capability.MENTION], text


def test_a_setting_that_names_the_race_column_records_it() -> None:
    """A name-based model's constructor takes the names of its input's columns: the one
    that names the race column (``race='race'``, "Name of the race column") records the
    data's schema; the function that predicts race from the names still infers it."""
    module = (
        "class Imputer:\n"
        '    """Imputes race and ethnicity from a person\'s names and address.\n'
        "\n"
        "    first_name: str, default 'first_name'\n"
        "        Name of first name column.\n"
        "    race: str, default 'race', optional\n"
        "        Name of the race column\n"
        '    """\n'
        "\n"
        '    def __init__(self, first_name="first_name", last_name="last_name",\n'
        "                 zip_code='zip_code', race='race'):\n"
        "        self.race = race\n"
        "\n"
        "    def predict_race(self, first_name, last_name):\n"
        "        probs = self.model.predict_proba([first_name, last_name])\n"
        "        race_probability = probs.max()\n"
        "        return race_probability\n"
    )
    by_line = {f.location.line: f.capability for f in scan_text(module, "imputer/base.py")}
    assert by_line[11] is Capability.RECORD
    assert by_line[16] is Capability.INFERENCE


def test_a_police_systems_table_records_and_its_index_searches() -> None:
    """In a police system's SQL, the rows of its 民族 dictionary store the trait: records.
    A search index over the same field (Solr, Elasticsearch) is built to search people
    by it; face data put in a store is too (tests/corpus)."""
    sql = (
        "-- 重点人员 管控 (police key-person control): data dictionaries\n"
        "INSERT INTO dictionary VALUES ('1', '140', '01', 'ETHNICITY', '汉族', 'SYSTEM');\n"
        "INSERT INTO dictionary VALUES ('2', '140', '02', 'ETHNICITY', '蒙古族', 'SYSTEM');\n"
        "INSERT INTO dictionary VALUES ('3', '150', '01', 'EDUCATION', '大学', 'SYSTEM');\n"
    )
    solr = (
        "/** 重点人员 布控 索引 */\n"
        "public class PersonIndex {\n"
        '    @Field("popu_nation")\n'
        "    private String nation; // 民族 (solr)\n"
        "}\n"
    )
    stored = {f.capability for f in scan_text(sql, "db/zdry.sql") if f.trait.value == "ethnicity"}
    indexed = [f for f in scan_text(solr, "solr/PersonIndex.java") if f.location.line == 4]
    assert stored and stored <= {Capability.RECORD}
    assert indexed and {f.capability for f in indexed} == {Capability.SEARCH}


def test_a_library_shipped_inside_a_project_reads_only_its_own_path(tmp_path: Path) -> None:
    """A jar in a police project's ``WEB-INF/lib``: its members' context is their path in
    the jar, not the project's folder names (``police``); the project's own files keep
    theirs."""
    import io
    import tarfile
    import zipfile

    jar = io.BytesIO()
    with zipfile.ZipFile(jar, "w") as z:
        z.writestr("org/example/xml/Schema.xml", '<xs:union memberTypes="xs:int xs:string"/>\n')
        z.writestr(
            "org/example/xml/Notes.java",
            "class Notes {\n    String unionMember = null; // member of a union type\n}\n",
        )
    own = "class Person {\n    String unionMember; // 工会会员\n}\n".encode()
    tar_path = tmp_path / "project.tar"
    with tarfile.open(tar_path, "w") as t:
        for name, data in (
            ("PolicePlatform/WEB-INF/lib/xml-1.0.jar", jar.getvalue()),
            ("PolicePlatform/src/Person.java", own),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    face_jar = io.BytesIO()
    with zipfile.ZipFile(face_jar, "w") as z:
        z.writestr("com/example/Attr.java", "class Attr {\n    public int race;\n}\n")
    with tarfile.open(tar_path, "a") as t:
        info = tarfile.TarInfo("PolicePlatform/target/face-sdk-1.0.jar")
        info.size = len(face_jar.getvalue())
        t.addfile(info, io.BytesIO(face_jar.getvalue()))
    found = scan([str(tar_path)]).findings
    assert not [f for f in found if "xml-1.0.jar!" in f.location.path]
    assert [f for f in found if f.location.path.endswith("Person.java")]
    # the innermost archive's own name still counts: a face SDK's jar
    of_faces = [f for f in found if "face-sdk-1.0.jar!" in f.location.path]
    assert [f.capability for f in of_faces] == [Capability.INFERENCE]


def test_union_member_types_in_any_spelling_is_no_trade_union() -> None:
    """``<xs:union memberTypes>`` and ``src-union-memberTypes`` (words joined by mixed
    separators) are the look-alike ``union member types``."""
    for text in ('<xs:union memberTypes="xs:int"/>', "code = src-union-memberTypes"):
        assert scan_text(text + "\n", "police/schema/types.xsd") == []


def test_wrapped_prose_in_a_string_of_code_is_prose() -> None:
    """A novel's text in a multi-line string, wrapped at any word, with semicolons
    between its clauses, is prose: its religion is a mention."""
    rng = random.Random(5)
    words = [[rng.choice(FILLER_EN) for _ in range(9)] for _ in range(30)]
    body = [" ".join(w[:4]) + ", " + " ".join(w[4:]) for w in words]
    body[10] = "manufacturers have resumed their work; religion, more"
    body[11] = "settled, smiles on every heart"
    body[20] = "told him he had no religion!"
    text = "<?php\nclass Text {\n    protected static $baseText = <<<'EOT'\n"
    text += "\n".join(body) + "\nEOT;\n}\n"
    found = scan_text(text, "Provider/fr_FR/Text.php")
    assert found and {f.capability for f in found} == {Capability.MENTION}


def test_a_beard_among_a_cameras_face_attributes_is_no_religious_marker() -> None:
    """In an alarm's face record a beard stands among glasses, mask and age: one more
    thing the camera sees, not religion."""
    struct = (
        "/** 闸机报警人脸信息 (gate alarm face info) */\n"
        "public class ALARM_FACE_INFO extends Structure {\n"
        "    public int emSex;       // 性别\n"
        "    public int nAge;        // 年龄\n"
        "    public int emGlasses;   // 眼镜\n"
        "    public int emMask;      // 口罩\n"
        "    public int emBeard;     // 胡子 beard state\n"
        "}\n"
    )
    found = scan_text(struct, "sdk/ALARM_FACE_INFO.java")
    assert [f for f in found if f.trait.value == "religion"] == []


def test_a_line_reports_the_term_that_needs_no_context() -> None:
    """``nation COMMENT '民族'`` beside an ID card: one finding of the line, and its
    evidence is 民族, the term that stands alone, not the one that needs the ID card."""
    sql = (
        "create table t_person (\n  id int,\n"
        "  nation varchar(10) COMMENT '民族',\n"
        "  idcard varchar(18) COMMENT '身份证号'\n);\n"
    )
    found = [f for f in scan_text(sql, "db/person.sql") if f.location.line == 3]
    assert [f.evidence.term for f in found] == ["民族"]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("manufacturers have resumed their work; religion, more", False),
        ("public int              nComplexion;     //0: 未识别 1: 黄色", True),
        ("int a; int b;", True),
        ("String race;", True),
        ("race = null; /* reviewed */", True),
    ],
)
def test_a_semicolon_is_codes_at_a_statements_end_and_proses_between_clauses(
    line: str, code: bool
) -> None:
    assert shape.has_code(line) is code


def test_a_docstring_beside_a_sentence_is_read_as_a_comment_not_wrapped_prose() -> None:
    """A docstring line that cites a column (``'race'``) beside a sentence of the same
    docstring keeps the comment's reading, with its module's fairness words."""
    src = (
        "PROTECTED_ATTRIBUTES = ['race', 'sex']\n\n\n"
        "def fetch(subset='all', *, binary_race=False,\n"
        "          usecols=['sex', 'age', 'race', 'priors_count']):\n"
        '    """Load the recidivism dataset.\n\n'
        "    Optionally binarizes 'race' to 'Caucasian' (privileged) or\n"
        "    'African-American' (unprivileged). The other protected attribute is 'sex'.\n"
        '    """\n'
        "    return binary_race\n"
    )
    found = scan_text(src, "datasets/recidivism.py")
    assert [f for f in found if f.location.line == 8 and f.evidence.term == "race"]


def test_a_label_attribute_in_a_data_text_records_the_field() -> None:
    # a module's views, read as a table of entries: the label a view shows for the
    # trait (``<search string="Patient Ethnicity">``) is the field, a record; a word in
    # an element's text with no label around it stays a word of the table
    fields = "\n".join(f'      <field name="column_{i}">value {i}</field>' for i in range(40))
    text = (
        '<?xml version="1.0"?>\n<data>\n'
        f"{fields}\n"
        '      <search string="Patient Ethnicity">\n'
        '      <field name="help">Ethnicity</field>\n'
        "</data>\n"
    )
    found = {f.location.line: f for f in scan_text(text, "views/patient_ethnicity_view.xml")}
    assert 43 in found and found[43].capability is Capability.RECORD
    assert 44 not in found


@pytest.mark.parametrize(
    ("path", "bundle"),
    [
        ("app/js/esri/nls/zh-cn/jsapi.js", True),
        ("app/js/esri/nls/jsapi_ar.js", True),
        ("app/js/esri/nls/jsapi_ROOT.js", True),
        ("src/i18n/de.json", True),
        ("locales/pt_BR/messages.po", True),
        ("pkg.tar!src/lang/zh_CN.properties", True),
        ("i18n/zh-Hans.json", True),
        ("src/i18n/index.js", False),  # the bundle's loader, no locale
        ("src/i18n/person_form.json", False),
        ("app/nls/jsapi.js", False),  # nls/ itself is no locale
        ("src/lang/app_api.js", False),  # app, api: no language
        ("src/views/de.json", False),  # a locale's name outside a localisation folder
    ],
)
def test_a_locale_bundle_is_known_by_its_folder_and_locale(path: str, bundle: bool) -> None:
    """One language's strings of a program's translations: a localisation folder and a
    locale's name (the file's, its folder's, or the end of the file's)."""
    from ethicscan.classify.document import Document

    assert Document(text="x", path=path, catalogue=None).is_locale_bundle is bundle  # type: ignore[arg-type]


def test_typed_parameters_on_a_line_are_no_sentence() -> None:
    """Kotlin, Swift and TypeScript declare parameters as ``name: Type?,``: two of them on
    a line are a declaration's list, whatever its commas and colons; a sentence that
    names one type stays a sentence, and a comment's line is read as prose."""
    line = "        marriage_status: RequestBody?,religion: RequestBody?,help_info: RequestBody?,"
    assert not shape.is_sentence(line)
    assert not shape.is_sentence("    fun save(name: String, nation: String?, faith: Int) {")
    sentence = "Each record keeps the resident's religion: Buddhist, Muslim, or none."
    assert shape.is_sentence(sentence)
    assert shape.is_sentence(line.strip() + " and more words here", comment=True)


def test_a_coefficients_row_is_read_in_linear_time() -> None:
    """A coefficients table's row is its label and its estimates, each cell ending at a
    space: a label followed by a run of digits that ends in a letter is refused at once
    (read as any run of cells, 40 digits would take 2**40 steps), and no search."""
    for row in (
        "    ## ethnicityASIAN  " + "1" * 40 + "x\n",
        # (and a row of many cells apart by two spaces: a space is no cell's sign)
        "    ## ethnicityASIAN  " + "0.1  " * 40 + "x\n",
        "| raceBlack | " + "0.1 | " * 40 + "x\n",
    ):
        found = scan_text("## Model\n\n" + row * 3, "reports/model.md")
        assert found
        assert Capability.SEARCH not in {f.capability for f in found}
    good = "    ## ethnicityASIAN          -0.31021    0.19234  -1.613  0.10680\n"
    assert {f.capability for f in scan_text("## Model\n\n" + good, "reports/model.md")} == {
        Capability.SEARCH
    }
