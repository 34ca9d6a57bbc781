"""身份证号: the first two digits must be a GB/T 2260 province-level code; the county is information only."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from registry.kernel.validators import PROVINCE_CODES, normalize_id_number

# Every province-level code of GB/T 2260, written out here (not read from PROVINCE_CODES) so a
# code dropped from or added to the rule's list makes a test fail.
PROVINCES = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
    "21": "辽宁", "22": "吉林", "23": "黑龙江",
    "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
    "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
    "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
    "71": "台湾", "81": "香港", "82": "澳门", "83": "港澳台居民居住证",
}  # fmt: skip


def real_shaped(province: str, birth: str = "19780315", seq: str = "123") -> str:
    """An ID as one would meet it: province, a county code, a birth date, an order code, a valid check digit."""
    body = f"{province}0102{birth}{seq}"
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the first 17 of 18 characters


@pytest.mark.parametrize("code", sorted(PROVINCES))
def test_every_province_level_code_is_accepted(code):
    number = real_shaped(code)
    assert normalize_id_number(number) == number


def test_the_list_is_exactly_gb_t_2260():
    assert {f"{c:02d}" for c in PROVINCE_CODES} == set(PROVINCES)


@pytest.mark.parametrize("code", sorted({f"{n:02d}" for n in range(100)} - set(PROVINCES)))
def test_every_other_first_two_digits_are_refused(code):
    with pytest.raises(ValidationError) as exc:
        normalize_id_number(real_shaped(code))
    assert exc.value.code == "province"
    assert f"前两位 {code} 不是省级行政区划代码" in exc.value.messages[0]


def test_stdnum_unknown_place_vector_is_refused_for_its_province():
    # python-stdnum's test_cn_ric.doctest: '990426199112010074' has a valid checksum and date,
    # but 99 is no province at all.
    with pytest.raises(ValidationError) as exc:
        normalize_id_number("990426199112010074")
    assert "前两位 99" in exc.value.messages[0]


# python-stdnum's own vectors (tests/test_cn_ric.doctest, not shipped in the wheel): numbers that
# are valid there, or invalid only because their county was not registered in the birth year,
# stay valid here — an unknown or renamed county is information, never a refusal.
@pytest.mark.parametrize(
    "number",
    [
        "360426199101010071",
        "44011320141005001X",
        "412723199010050012",
        "110102199101010078",
        "120110198012010073",
        "120110199212010072",
        "110111198012010078",  # county not registered yet in the birth year
        "110201199312010077",  # county deregistered before the birth year
    ],
)
def test_stdnum_vectors_with_a_real_province_pass(number):
    assert normalize_id_number(number.lower()) == number


@pytest.mark.parametrize(
    "number, code",
    [
        ("T60426199101010078", "format"),
        ("360426199113010079", "birth_date"),
        ("36042619910102009X", "checksum"),
    ],
)
def test_stdnum_invalid_vectors_are_refused_for_their_reason(number, code):
    with pytest.raises(ValidationError) as exc:
        normalize_id_number(number)
    assert exc.value.code == code
