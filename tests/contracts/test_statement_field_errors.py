"""A statement page's refusal names the field in the user's words once, never by its code name
(found in the browser walk: a payment of 'abc' said '金额：amount 不是数字。')."""

from __future__ import annotations

import re

import pytest

from tests.contracts.test_statements import statement  # noqa: F401  (the issued statement fixture)


def _messages(response) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", m).strip()
        for m in re.findall(r'<li class="error">(.*?)</li>', response.content.decode())
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"action": "payment", "amount": "abc", "received_on": "2026-12-01"}, "金额：不是数字。"),
        ({"action": "payment", "amount": "10.005", "received_on": "2026-12-01"}, "金额：最多两位小数。"),
        ({"action": "payment", "amount": "10.00", "received_on": "12/01/2026"}, "到账日期：不是日期（格式 YYYY-MM-DD）。"),
        (
            {"action": "fapiao", "number": "12345678", "issued_on": "2026-12-02", "amount": "1", "tax": "x",
             "vat_rate": "0.06"},
            "税额：不是数字。",
        ),
    ],
)  # fmt: skip
def test_a_bad_figure_is_named_by_its_label_only(client, statement, account_manager, data, said):  # noqa: F811
    client.force_login(account_manager)
    response = client.post(
        f"/billing/statements/{statement.pk}/act/", data, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    messages = _messages(response)
    assert messages == [said]
    assert not re.search(r"[a-z_]{4,}", messages[0]), messages
