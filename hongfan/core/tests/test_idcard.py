"""身份证号 (GB 11643-1999) and 手机号 rules, as the roster and the person form apply them."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hongfan.core.idcard import (
    birth_date_from_id,
    check_digit,
    gender_from_id,
    id_number_error,
    make_id_number,
    mobile_error,
    normalise_id_number,
    normalise_mobile,
)

# Each verified by hand with the GB 11643 weights (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2)
# and the check codes 1 0 X 9 8 7 6 5 4 3 2 for (sum mod 11).
VALID_EXAMPLES = [
    "11010519491231002X",  # the standard's own example, ends in X
    "11010119900307803X",  # ends in X
    "11010119900307651X",  # ends in X
    "110101199003074477",
    "130503196704010016",
]


@pytest.mark.parametrize("value", [*VALID_EXAMPLES, "440524188001010014"])
def test_check_digit_matches_known_gb11643_examples(value):
    assert check_digit(value[:17]) == value[17]


@pytest.mark.parametrize("value", VALID_EXAMPLES)
def test_known_valid_id_numbers_are_accepted(value):
    assert id_number_error(value) is None


def test_an_id_number_from_before_1900_is_refused_for_its_date_not_its_check_digit():
    # 440524188001010014 is the standard's other example: right check digit, born 1880.
    assert id_number_error("440524188001010014") == "身份证号中的出生日期无效"


@pytest.mark.parametrize("value", VALID_EXAMPLES)
def test_a_wrong_check_digit_is_refused_in_chinese(value):
    wrong = "0" if value[17] != "0" else "1"
    assert id_number_error(value[:17] + wrong) == "身份证号校验位错误"


def test_swapping_two_digits_is_caught_by_the_check_digit():
    value = "110101199003074477"
    swapped = value[:15] + value[16] + value[15] + value[17:]  # 447 -> 474
    assert swapped != value
    assert id_number_error(swapped) == "身份证号校验位错误"


@pytest.mark.parametrize(
    "value",
    ["11010519491231002", "1101051949123100200", "11010519491231002Y", "X10105194912310020", ""],
)
def test_a_malformed_id_number_is_refused_with_the_expected_shape(value):
    assert id_number_error(value) == "身份证号应为18位（前17位为数字，最后一位为数字或X）"


@pytest.mark.parametrize(
    "birth",
    ["19900230", "19901301", "19900000", "18991231"],
)
def test_an_impossible_birth_date_is_refused_even_with_a_correct_check_digit(birth):
    first17 = f"110101{birth}123"
    value = first17 + check_digit(first17)
    assert id_number_error(value) == "身份证号中的出生日期无效"


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = date.today() + timedelta(days=1)
    first17 = f"110101{tomorrow:%Y%m%d}123"
    assert id_number_error(first17 + check_digit(first17)) == "身份证号中的出生日期无效"


def test_lowercase_x_and_spaces_are_normalised_before_checking():
    value = normalise_id_number(" 110105 19491231 002x ")
    assert value == "11010519491231002X"
    assert id_number_error(value) is None


def test_birth_date_and_gender_are_read_from_the_number():
    assert birth_date_from_id("11010519491231002X") == date(1949, 12, 31)
    assert gender_from_id("11010519491231002X") == "F"  # sequence 002: even
    assert gender_from_id("110101199003074477") == "M"  # sequence 447: odd


@pytest.mark.parametrize("value", ["13812348000", "19912345678", "15000000000"])
def test_mainland_mobile_numbers_are_accepted(value):
    assert mobile_error(value) is None


@pytest.mark.parametrize(
    "value", ["12812348000", "1381234800", "138123480001", "2381234800a", "", "010-12345678"]
)
def test_a_wrong_mobile_number_is_refused_in_chinese(value):
    assert mobile_error(value) == "手机号应为以1开头的11位数字"


def test_mobile_numbers_lose_country_code_spaces_and_dashes():
    assert normalise_mobile(" +86 138-1234-8000 ") == "13812348000"
    assert mobile_error(normalise_mobile("+86 138-1234-8000")) is None


@settings(max_examples=300, deadline=None)
@given(
    region=st.sampled_from(["110105", "370812", "370811", "440524", "510108"]),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date.today()),
    gender=st.sampled_from(["M", "F"]),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_generated_id_numbers_always_validate_and_carry_birth_and_gender(
    region, birth, gender, seed
):
    value = make_id_number(region, birth, gender, random.Random(seed))
    assert id_number_error(value) is None
    assert value.startswith(region)
    assert birth_date_from_id(value) == birth
    assert gender_from_id(value) == gender
