"""PII masking: fixed tokens, check digits, Luhn, and property tests that generated PII never survives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.conversations.masking import (
    ADDRESS_MASK,
    CARD_MASK,
    ID_MASK,
    PHONE_MASK,
    id_check_character,
    is_valid_id_number,
    luhn_valid,
    mask_pii,
)

# Random Chinese text (any CJK ideograph, punctuation, spaces) around generated PII.
CHINESE = st.text(
    alphabet=st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), st.sampled_from("，。？！ ")),
    max_size=30,
)
# Filler without digits and without the characters an address pattern needs (for "kept" tests).
FILLER = st.text(alphabet="亲您好请问这个宝贝什么时候发货呢谢谢我想退款尺码偏大颜色很喜欢，。？！ ", max_size=20)


@st.composite
def phones(draw) -> tuple[str, str]:
    digits = "1" + draw(st.sampled_from("3456789")) + draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    sep = draw(st.sampled_from(["", " ", "-"]))
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "86-"]))
    return prefix + digits[:3] + sep + digits[3:7] + sep + digits[7:], digits


@st.composite
def id_numbers(draw) -> str:
    first17 = draw(st.sampled_from(["11", "31", "33", "44", "51"])) + draw(
        st.text(alphabet="0123456789", min_size=15, max_size=15)
    )
    return first17 + id_check_character(first17)


def _luhn_complete(body: str) -> str:
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable")


@st.composite
def cards(draw) -> tuple[str, str]:
    length = draw(st.integers(min_value=16, max_value=19))
    body = draw(st.sampled_from(["62", "4", "5"]))
    body += draw(st.text(alphabet="0123456789", min_size=length - 1 - len(body), max_size=length - 1 - len(body)))
    number = _luhn_complete(body)
    if draw(st.booleans()) and length == 16:
        sep = draw(st.sampled_from([" ", "-"]))
        return sep.join(number[i : i + 4] for i in range(0, 16, 4)), number
    return number, number


@settings(max_examples=200, deadline=None)
@given(before=CHINESE, phone=phones(), after=CHINESE)
def test_generated_phones_never_survive(before, phone, after):
    shown, digits = phone
    result = mask_pii(before + shown + after)
    assert digits not in result.text.replace(" ", "").replace("-", "")
    assert PHONE_MASK in result.text


@settings(max_examples=200, deadline=None)
@given(before=CHINESE, number=id_numbers(), after=CHINESE)
def test_generated_valid_ids_never_survive(before, number, after):
    result = mask_pii(before + number + after)
    assert number not in result.text
    assert ID_MASK in result.text


@settings(max_examples=100, deadline=None)
@given(before=FILLER, number=id_numbers(), after=FILLER)
def test_only_the_id_is_replaced(before, number, after):
    assert mask_pii(before + number + after).text == before + ID_MASK + after


@settings(max_examples=200, deadline=None)
@given(before=CHINESE, card=cards(), after=CHINESE)
def test_generated_luhn_cards_never_survive(before, card, after):
    shown, digits = card
    result = mask_pii(before + shown + after)
    assert digits not in result.text.replace(" ", "").replace("-", "")
    assert CARD_MASK in result.text or ID_MASK in result.text


ordinary_lengths = st.sampled_from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15])


@settings(max_examples=200, deadline=None)
@given(
    before=FILLER, length=ordinary_lengths, seed=st.text(alphabet="0123456789", min_size=15, max_size=15), after=FILLER
)
def test_ordinary_numbers_are_kept(before, length, seed, after):
    text = f"{before}订单{seed[:length]}{after}"
    assert mask_pii(text).text == text


@settings(max_examples=100, deadline=None)
@given(
    price=st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False),
    day=st.dates(),
)
def test_prices_and_dates_are_kept(price, day):
    text = f"这件到手价{price}元，{day.isoformat()}发货，{day:%Y年%m月%d日}前签收"
    assert mask_pii(text).text == text


def test_clean_text_is_returned_as_is():
    result = mask_pii("亲，请问有什么可以帮您？")
    assert result.text == "亲，请问有什么可以帮您？"
    assert not result.masked


def test_phone_with_hyphens_and_country_code():
    result = mask_pii("联系我 +86 138-1234-5678 好吗")
    assert result.text == f"联系我 {PHONE_MASK} 好吗"
    assert result.counts == {"phone": 1}


def test_phone_inside_longer_digit_run_is_kept():
    text = "运单号 7713812345678900"
    assert mask_pii(text).text == text


def test_id_with_wrong_check_digit_is_kept():
    assert not is_valid_id_number("110105194912310021")
    assert mask_pii("证件110105194912310021").text == "证件110105194912310021"


def test_id_with_x_check_character():
    assert is_valid_id_number("11010519491231002X")
    assert mask_pii("身份证11010519491231002x。").text == f"身份证{ID_MASK}。"


def test_card_failing_luhn_is_kept():
    assert mask_pii("卡号4111111111111112").text == "卡号4111111111111112"


def test_grouped_card_is_masked():
    assert mask_pii("卡号 4111 1111 1111 1111 尾号").text == f"卡号 {CARD_MASK} 尾号"


def test_street_address_is_masked():
    result = mask_pii("收货地址：浙江省杭州市西湖区文三路90号3栋，电话13912345678")
    assert result.text == f"收货地址：{ADDRESS_MASK}，电话{PHONE_MASK}"
    assert result.counts == {"address": 1, "phone": 1}


def test_address_after_a_verb_keeps_the_verb():
    assert mask_pii("麻烦寄到上海市浦东新区张江路88号").text == f"麻烦寄到{ADDRESS_MASK}"


def test_verification_code_is_not_masked():
    assert mask_pii("请把验证码 483920 发给我").text == "请把验证码 483920 发给我"


def test_thirteen_digit_run_starting_with_86_is_not_a_phone():
    assert mask_pii("订单8613000000000").text == "订单8613000000000"
    assert mask_pii("电话0086 13812345678").text == f"电话{PHONE_MASK}"
