from __future__ import annotations

import pytest

from triage import find_ticket_number


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("[WA-000123] Заявка зарегистрирована: ошибка", "WA-000123"),
        ("RE: [WA-000123] Заявка зарегистрирована", "WA-000123"),
        ("Ответ: Re[2]: Fwd: [wa-123] вопрос", "WA-000123"),
        ("Re: [ WA 45 ] вопрос", "WA-000045"),
        ("Ошибка при входе", None),
        ("WA-000123 без скобок", None),
        ("[WB-000123] чужой тег", None),
    ],
)
def test_ticket_tag_is_found_behind_any_prefix(subject: str, expected: str | None) -> None:
    assert find_ticket_number(subject, "WA") == expected
