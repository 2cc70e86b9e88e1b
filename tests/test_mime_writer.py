"""Our hand-written outgoing MIME, read back by the email package's strict parser."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from hypothesis import given, settings
from hypothesis import strategies as st

from mailer import Address
from mailer.compose import OutgoingMail

SUPPORT = Address("support@empldocs.ru", "Техподдержка WiseAdvice")


def _mail(subject: str, text: str, name: str = "Ольга Петрова", refs: int = 2) -> OutgoingMail:
    references = tuple(f"<CAF{n:04d}qwertyuiopasdfgh{n}@mail.gmail.com>" for n in range(refs))
    return OutgoingMail(
        sender=SUPPORT,
        recipient=Address("o.petrova@stlogistic.ru", name),
        subject=subject,
        text=text,
        message_id="<wa-000123.0123456789abcdef.fedcba9876543210@empldocs.ru>",
        in_reply_to=references[-1] if references else None,
        references=references,
        loop_marker="support@empldocs.ru",
    )


def _parse(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=email.policy.strict)
    assert isinstance(msg, EmailMessage)
    return msg


def _lines(raw: bytes) -> list[bytes]:
    assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF in the mail"
    return raw.split(b"\r\n")


def test_a_reply_reads_back_whole() -> None:
    text = (
        "Здравствуйте, Ольга!\n\nВаше обращение зарегистрировано под номером WA-000123.  \n"
        "Ссылка: https://padocs.empldocs.app/employees/sms-code/#что-проверить\n" + "x" * 300 + "\n"
    )
    subject = "Re: [WA-000123] Не приходит SMS с кодом для входа в личный кабинет сотрудника"
    mail = _mail(subject, text, refs=6)
    raw = mail.to_bytes()
    msg = _parse(raw)
    assert msg["Subject"] == subject
    assert str(msg["From"]) == "Техподдержка WiseAdvice <support@empldocs.ru>"
    assert msg["To"].addresses[0].display_name == "Ольга Петрова"
    assert msg["Message-ID"] == mail.message_id
    assert msg["References"].split() == list(mail.references)
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content().replace("\r\n", "\n") == text
    assert "WA-000123" in html.get_content()
    assert all(not part.defects for part in msg.walk())
    assert max(len(line) for line in _lines(raw)) <= 78
    assert b"Subject: Re: [WA-000123]" in raw  # the tag stays readable


def test_ascii_names_with_specials_are_quoted() -> None:
    msg = _parse(_mail("Question", "Hi\n", name='Smith, John "JS"').to_bytes())
    assert msg["To"].addresses[0].display_name == 'Smith, John "JS"'
    assert msg["To"].addresses[0].addr_spec == "o.petrova@stlogistic.ru"
    assert msg["Subject"] == "Question"


_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
    min_size=1,
    max_size=200,
)


@settings(max_examples=150, deadline=None)
@given(subject=_text, name=_text, body=_text)
def test_any_text_survives(subject: str, name: str, body: str) -> None:
    mail = _mail(subject, body + "\n", name=name, refs=1)
    raw = mail.to_bytes()
    msg = _parse(raw)
    assert msg["Subject"] == " ".join(subject.split())
    assert msg["To"].addresses[0].addr_spec == "o.petrova@stlogistic.ru"
    if name.strip() and name.isascii() is False:
        assert msg["To"].addresses[0].display_name == " ".join(name.split())
    plain = msg.get_body(("plain",))
    assert plain is not None
    assert plain.get_content().replace("\r\n", "\n") == body + "\n"
    assert max(len(line) for line in _lines(raw)) <= 998
