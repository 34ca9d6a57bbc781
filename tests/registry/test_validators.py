"""身份证号 and phone normalization: messy-but-valid forms become canonical; bad ones get Chinese messages."""

import pytest
from django.core.exceptions import ValidationError

from registry.kernel.validators import id_birth_place, id_gender, normalize_id_number, normalize_phone, split_multi
from tests.factories import make_id

# Real-shaped IDs: Dadukou's codes before (510203, Sichuan era) and after 1997 (500104),
# birth years 1955–2000 — python-stdnum's validate() refuses most of these.
REAL_SHAPED = [
    make_id(prefix, f"{year}0615", seq)
    for prefix in ("500104", "510203", "510204")
    for year, seq in ((1955, 11), (1968, 22), (1979, 33), (1990, 44), (2000, 55))
]


@pytest.mark.parametrize("number", REAL_SHAPED)
def test_real_shaped_ids_are_accepted_whatever_the_region_year(number):
    assert normalize_id_number(number) == number


def test_stdnum_validate_would_refuse_them():
    from stdnum.cn import ric

    assert not ric.is_valid(make_id("500104", "19650101", 11))  # why we do not use it as the gate


def test_messy_but_valid_forms_become_canonical():
    base = make_id("500104", "19800229", 12)
    x_id = next(make_id("510203", "19700101", s) for s in range(1000) if make_id("510203", "19700101", s)[-1] == "X")
    full_width = base.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    assert normalize_id_number(full_width) == base
    assert normalize_id_number(f"  {base[:6]} {base[6:14]} {base[14:]} ") == base
    assert normalize_id_number(x_id.lower()) == x_id
    assert normalize_id_number(x_id[:-1] + "ｘ") == x_id
    assert normalize_id_number(int(base)) == base
    assert normalize_id_number(f"{base}.0") == base


BAD_IDS = [
    ("", "不能为空"),
    (None, "不能为空"),
    ("50010419800101123", "应为18位"),
    ("5001041980010112345", "应为18位"),
    ("50010419800101123A", "格式不正确"),
    ("5001041980A101123X", "格式不正确"),
    ("500104198013011234", "不是有效日期"),  # month 13
    ("500104199002301234", "不是有效日期"),  # 30 February
    ("500104208001011234", "晚于今天"),
    ("500104180001011234", "早于1900年"),
    (5.00104199001011e17, "四舍五入"),
    ("5.00104199001011E+17", "四舍五入"),
]


@pytest.mark.parametrize("value, message", BAD_IDS)
def test_bad_ids_are_refused_with_a_chinese_message(value, message):
    if message in ("晚于今天", "早于1900年", "不是有效日期"):
        value = value[:17] + "0"  # the message about the date comes before the checksum
    with pytest.raises(ValidationError) as exc:
        normalize_id_number(value)
    assert message in exc.value.messages[0]


def test_wrong_checksum_names_the_expected_digit():
    good = make_id("500104", "19751010", 31)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        normalize_id_number(wrong)
    assert "校验位错误" in exc.value.messages[0] and f"应为 {good[-1]}" in exc.value.messages[0]


def test_gender_and_birth_place_come_from_the_id():
    assert id_gender(make_id(seq=11)) == "男"
    assert id_gender(make_id(seq=12)) == "女"
    assert "大渡口区" in id_birth_place(make_id("500104"))
    assert "大渡口区" in id_birth_place(make_id("510203"))
    assert id_birth_place(make_id("510204")) == "四川省"


@pytest.mark.parametrize(
    "raw, canonical",
    [
        ("13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        (13812345678.0, "13812345678"),
        ("+8613812345678", "13812345678"),
        ("023-68123456", "023-68123456"),
        ("02368123456", "02368123456"),
        ("", ""),
        (None, ""),
    ],
)
def test_valid_phones(raw, canonical):
    assert normalize_phone(raw) == canonical


@pytest.mark.parametrize("raw", ["1381234567", "23812345678", "138123456789", "68123456", "电话未知", "023-123"])
def test_bad_phones(raw):
    with pytest.raises(ValidationError) as exc:
        normalize_phone(raw)
    assert "联系电话" in exc.value.messages[0] and "11位手机号" in exc.value.messages[0]


def test_multi_value_separators():
    assert split_multi("律师、志愿者，党代表,五老人员;其他；律师") == ["律师", "志愿者", "党代表", "五老人员", "其他"]
    assert split_multi(" ") == []
