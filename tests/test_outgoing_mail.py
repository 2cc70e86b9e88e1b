"""Outgoing mail: one template gives the text and the escaped HTML part; DKIM signatures verify."""

from __future__ import annotations

import base64
import email
import email.policy
from dataclasses import replace
from email.message import EmailMessage
from html import escape
from pathlib import Path
from urllib.parse import quote

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from desk import services
from desk.config import load_config
from desk.services import with_work_dir
from mailer import (
    Address,
    MailerError,
    OutgoingMail,
    SmtpSettings,
    TemplateRenderer,
    make_transport,
)
from mailer.compose import SAMPLE_CONTEXT
from mailer.html_body import text_to_html
from tests.servers import SmtpSink


def outgoing(text: str, language: str = "ru") -> OutgoingMail:
    return OutgoingMail(
        sender=Address("support@empldocs.ru", "Техподдержка WiseAdvice"),
        recipient=Address("o.petrova@stlogistic.ru", "Ольга Петрова"),
        subject="[WA-000123] Заявка зарегистрирована",
        text=text,
        message_id="<wa-000123.abc@empldocs.ru>",
        in_reply_to="<first@stlogistic.ru>",
        references=("<first@stlogistic.ru>",),
        loop_marker="support@empldocs.ru",
        language=language,
    )


def parts(raw: bytes) -> tuple[EmailMessage, str, str]:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    plain = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    return msg, plain.get_content(), html.get_content()


def test_text_and_html_parts_come_from_the_same_rendering() -> None:
    context = {**SAMPLE_CONTEXT, "suggestions": SAMPLE_CONTEXT["links"]}
    rendered = TemplateRenderer().render("acknowledgment", context)
    msg, plain, html = parts(outgoing(rendered.text).to_bytes())
    assert msg.get_content_type() == "multipart/alternative"
    assert plain.replace("\r\n", "\n").strip() == rendered.text.strip()
    url = "https://padocs.empldocs.app/employees/sms-code/#что-проверить"
    assert f'<a href="{quote(url, safe=":/#")}">{url}</a>' in html
    for line in rendered.text.splitlines():  # every line of the text is in the HTML
        if line.strip() and "http" not in line:
            assert escape(line.strip()) in html, line


def test_customer_data_is_escaped_in_the_html_part(tmp_path: Path) -> None:
    config = with_work_dir(load_config(environ={}), tmp_path)
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    msg = EmailMessage()
    msg["From"] = '"<b>Boss</b>" <boss@client.ru>'
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = "<script>alert(1)</script> & «кавычки»"
    msg["Message-ID"] = "<xss-1@client.ru>"
    msg.set_content("Здравствуйте, не открывается личный кабинет, что делать?")
    intake.process(msg.as_bytes(), "k1")
    [mail] = store.outbox()
    _, plain, html = parts(mail.raw)
    assert "<script>alert(1)</script>" in plain, "the text part is plain text, unescaped"
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; «кавычки»" in html


def test_links_are_clickable_without_swallowing_punctuation() -> None:
    html = text_to_html('См. https://padocs.empldocs.app/a?x=1&y="2". Далее <i>текст</i>')
    assert '<a href="https://padocs.empldocs.app/a?x=1&amp;y=">' in html
    assert "&lt;i&gt;текст&lt;/i&gt;" in html
    assert html.count("<a ") == 1


def test_a_cyrillic_anchor_is_percent_encoded_in_the_link_and_readable_in_the_text() -> None:
    link = "https://padocs.empldocs.app/employees/login/#вход-по-паролю"
    html = text_to_html(f"Ответ: {link}")
    assert (
        '<a href="https://padocs.empldocs.app/employees/login/'
        '#%D0%B2%D1%85%D0%BE%D0%B4-%D0%BF%D0%BE-%D0%BF%D0%B0%D1%80%D0%BE%D0%BB%D1%8E">'
        f"{link}</a>"
    ) in html
    # A link that is percent-encoded already (a scroll-to-text link) is left as it is.
    fragment = "https://d.test/p/#:~:text=Вход%20по%20паролю,-Введите%20пароль"
    assert 'href="https://d.test/p/#:~:text=%D0%92%D1%85%D0%BE%D0%B4%20' in text_to_html(fragment)


@pytest.fixture(scope="module")
def rsa_key() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def dns_for(public: bytes, name: bytes = b"desk2026._domainkey.empldocs.ru.") -> object:
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def lookup(query: bytes, timeout: int = 5) -> bytes | None:
        return record if query == name else None

    return lookup


def test_dkim_signed_mail_verifies_after_real_smtp_delivery(
    rsa_key: tuple[bytes, bytes], smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    private, public = rsa_key
    key_file = tmp_path / "dkim.pem"
    key_file.write_bytes(private)
    settings = SmtpSettings(
        host="127.0.0.1", port=smtp_sink.port, security="plain",
        dkim_domain="empldocs.ru", dkim_selector="desk2026", dkim_private_key_file=str(key_file),
    )  # fmt: skip
    raw = outgoing("Здравствуйте! Ваше обращение зарегистрировано.").to_bytes()
    make_transport(settings).deliver(raw, "support@empldocs.ru", ["o.petrova@stlogistic.ru"], "1")
    [received] = smtp_sink.received
    assert received.data.startswith(b"DKIM-Signature:")
    assert dkim.verify(received.data, dnsfunc=dns_for(public))
    tampered = received.data.replace(b"Subject: [WA-000123]", b"Subject: [WA-000999]")
    assert not dkim.verify(tampered, dnsfunc=dns_for(public))


def test_dkim_key_from_the_environment_only(rsa_key: tuple[bytes, bytes], tmp_path: Path) -> None:
    private, public = rsa_key
    env = {
        "TRIAGE_SMTP_TRANSPORT": "directory",
        "TRIAGE_SMTP_DIRECTORY": str(tmp_path / "out"),
        "TRIAGE_SMTP_DKIM_DOMAIN": "empldocs.ru",
        "TRIAGE_SMTP_DKIM_SELECTOR": "desk2026",
        "TRIAGE_SMTP_DKIM_PRIVATE_KEY": private.decode(),
    }
    config = load_config(environ=env)
    make_transport(config.smtp).deliver(outgoing("Текст").to_bytes(), "a@b", ["c@d"], "m1")
    signed = (tmp_path / "out" / "m1.eml").read_bytes()
    assert dkim.verify(signed, dnsfunc=dns_for(public))
    toml = tmp_path / "c.toml"
    toml.write_text('[smtp]\ndkim_private_key = "x"\n')
    with pytest.raises(Exception, match="secret"):
        load_config(toml, environ={})


def test_dkim_misconfiguration_is_a_clear_error(tmp_path: Path) -> None:
    base = SmtpSettings(transport="directory", directory=tmp_path, dkim_domain="empldocs.ru")
    with pytest.raises(MailerError, match="dkim_selector"):
        make_transport(base)
    with pytest.raises(MailerError, match="no key"):
        make_transport(replace(base, dkim_selector="s1"))
    with pytest.raises(MailerError, match="unusable"):
        make_transport(replace(base, dkim_selector="s1", dkim_private_key="not a key"))
    unsigned = make_transport(SmtpSettings(transport="directory", directory=tmp_path))
    unsigned.deliver(outgoing("Текст").to_bytes(), "a@b", ["c@d"], "plain")
    assert not (tmp_path / "plain.eml").read_bytes().startswith(b"DKIM-Signature")
