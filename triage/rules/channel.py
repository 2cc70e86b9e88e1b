"""P12: support works by e-mail only; a call or a messenger chat is not a request.

A customer who asks to be phoned back, for the support line's number or to be written
to in a messenger is told, in the mail the desk sends anyway, that the answer comes by
e-mail. A notice, never a reason to send a request back. Messengers as a product
feature ("уведомления в Telegram") are not a contact request.
"""

from __future__ import annotations

import re

from triage.rules._base import Finding, PolicySettingsView, RequestContent
from triage.rules._text import matches

_MESSENGER = (
    r"(?:телеграм\w*|телеграмм\w*|telegram|whats\s?app|ватсап\w*|вотсап\w*|viber|вайбер\w*)"
)
_ASKS_FOR_CALL_OR_CHAT = re.compile(
    r"\b(?:перезвон\w*|позвон\w*\s+(?:мне|нам|пожалуйста)|созвон\w*|дозвон\w*|"
    r"можно\s+(?:вам\s+)?позвонить|"
    r"(?:номер|телефон)\w*\s+(?:вашей\s+|службы\s+)?(?:тех\w*\s*)?поддержк\w*|"
    r"(?:горяч\w+|телефонн\w+)\s+лини\w*|"
    r"свяж\w+\s+(?:со\s+мной|с\s+нами)\s+по\s+телефону|"
    rf"(?:напишите|ответьте|пишите|связаться|свяжитесь|чат\w*|бот\w*)\s+(?:\w+\s+){{0,3}}"
    rf"(?:в\s+)?{_MESSENGER}|поддержк\w*\s+(?:в\s+)?{_MESSENGER}|"
    r"call\s+me|call\s+(?:us\s+)?back|support\s+(?:phone|hotline)|phone\s+number\s+(?:of|for)\s+"
    r"(?:the\s+)?support)",
    re.IGNORECASE,
)

# What the customer is told, in the mail the desk sends anyway.
_NOTICE = (
    "техническая поддержка работает только по электронной почте: консультации по телефону "
    "и в мессенджерах регламентом не предусмотрены, ответ по заявке придёт письмом"
)


class ChannelRule:
    name = "email_only"
    description = "the mail does not ask for a call or a messenger chat"

    def check(self, request: RequestContent, policy: PolicySettingsView) -> list[Finding]:
        asked = matches(_ASKS_FOR_CALL_OR_CHAT, [request.subject, *request.texts])
        if not asked:
            return [Finding(self.name, True, "no call or messenger asked for", blocking=False)]
        return [
            Finding(
                self.name,
                False,
                f"asks for a call or a messenger ({'; '.join(asked[:3])}): e-mail only (P12)",
                _NOTICE,
                {"asked": asked},
                blocking=False,
            )
        ]
