"""Writes the test mail corpus: one .eml per case and manifest.json with what each must parse to.

Run from the repository root: ``.venv/bin/python tests/data/mail_corpus/generate.py``.
The output is committed; tests read the files, not this script. Expected values in
the manifest are written here by hand next to each mail, never computed by the parser.
"""

# ruff: noqa: E501  (mail headers and sample texts are kept on one line as clients write them)
from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from corpus_parts import (
    BMP,
    CRLF,
    EXE,
    GIF,
    JPEG,
    PDF,
    PNG,
    TIFF,
    b64,
    encoded_word,
    headers,
    message,
    multipart,
    part,
    qp,
    rar4_stored,
    raw_message,
    rfc2231,
    text_part,
    tnef,
    zip_cp866,
    zip_of,
)

HERE = Path(__file__).parent
SUPPORT = "support@empldocs.ru"
SUPPORT_RU = encoded_word("Техподдержка WiseAdvice")
ACK_SUBJECT = "[WA-000123] Заявка зарегистрирована"
ACK_ID = "<wa-000123.5f1c2a9e8b7d6c4a.0e1f2a3b4c5d6e7f@empldocs.ru>"
ACK_LINES = [
    "Здравствуйте!",
    "",
    "Ваше обращение зарегистрировано под номером WA-000123.",
    "Пожалуйста, сохраняйте [WA-000123] в теме письма.",
]
DATE = "Tue, 24 Nov 2026 11:42:17 +0300"

Case = tuple[str, bytes, dict[str, Any]]
CASES: list[Callable[[], Case]] = []


def case(fn: Callable[[], Case]) -> Callable[[], Case]:
    CASES.append(fn)
    return fn


def quoted(prefix: str = "> ") -> str:
    return "\n".join(f"{prefix}{line}".rstrip() for line in ACK_LINES)


def expect(**values: Any) -> dict[str, Any]:
    return values


# =========================== clients: quote headers and signatures ===========================

OUTLOOK_NEW = (
    "Добрый день!\nПосле обновления до 3.4.2 кнопка «Подписать» неактивна.\nИНН 7731386419."
)


@case
def outlook_original_message() -> Case:
    text = (
        f"{OUTLOOK_NEW}\n\nС уважением,\nИван Смирнов\nГлавный бухгалтер ООО «Северсталь-Тест»\n"
        "тел. +7 (495) 123-45-67\n\n-----Original Message-----\n"
        f"From: Техподдержка WiseAdvice <{SUPPORT}>\nSent: Tuesday, November 24, 2026 10:15 AM\n"
        f"To: Иван Смирнов <i.smirnov@sevstal-test.ru>\nSubject: {ACK_SUBJECT}\n\n"
        + "\n".join(ACK_LINES)
    )
    html = "<html><body><p>" + OUTLOOK_NEW.replace("\n", "<br>") + "</p></body></html>"
    b = "----=_NextPart_000_0012_01DB3E5A.4F2C1D30"
    head = headers(
        "From: "
        + encoded_word("Иван Смирнов", "windows-1251", "B", 100)
        + " <i.smirnov@sevstal-test.ru>",
        f"To: {SUPPORT_RU} <{SUPPORT}>",
        f"References: {ACK_ID}",
        f"In-Reply-To: {ACK_ID}",
        "Subject: " + encoded_word("RE: " + ACK_SUBJECT, "windows-1251"),
        f"Date: {DATE}",
        "Message-ID: <000301db3e5a$4f2c1d30$ed6b5790$@sevstal-test.ru>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative;{CRLF}\tboundary="{b}"',
        "X-Mailer: Microsoft Outlook 16.0",
        "Thread-Index: AQHbPlpPLB0w7WtXkO1rV5B/v3bKnQ==",
        "Content-Language: ru",
    )
    body = multipart(b, [
        text_part(text, "windows-1251", "quoted-printable"),
        text_part(html, "windows-1251", "quoted-printable", "html"),
    ], "This is a multi-part message in MIME format.\r\n")  # fmt: skip
    return "clients/01-outlook-original-message.eml", message(head, body), expect(
        client="Outlook 2016 (ru), cp1251 quoted-printable",
        sender="i.smirnov@sevstal-test.ru", name="Иван Смирнов",
        subject="RE: " + ACK_SUBJECT, tag="WA-000123",
        new_text=["кнопка «Подписать» неактивна", "ИНН 7731386419"],
        quoted=["-----Original Message-----", "зарегистрировано под номером"],
        signature=["Главный бухгалтер"],
    )  # fmt: skip


@case
def outlook_russian_header_block() -> Case:
    text = (
        "Коллеги, добрый день.\nСотрудники не видят расчётные листки за октябрь.\n\n"
        f"От: Техподдержка WiseAdvice [mailto:{SUPPORT}]\nОтправлено: 24 ноября 2026 г. 10:15\n"
        f"Кому: Мария Кузнецова <m.kuznetsova@agro-test.ru>\nТема: {ACK_SUBJECT}\n\n"
        + "\n".join(ACK_LINES)
    )
    b = "_000_VI1PR04MB5123ABCDEF0123456789VI1PR04MB5123eurp_"
    head = headers(
        "From: "
        + encoded_word("Мария Кузнецова", "koi8-r", "B", 100)
        + " <m.kuznetsova@agro-test.ru>",
        f'To: "{SUPPORT}" <{SUPPORT}>',
        "Subject: " + encoded_word("Ответ: " + ACK_SUBJECT, "koi8-r"),
        "Thread-Topic: " + encoded_word(ACK_SUBJECT, "koi8-r"),
        f"Date: {DATE}",
        "Message-ID: <VI1PR04MB5123A1B2C3D4E5F6A7B8VI1PR04MB5123@VI1PR04MB5123.eurprd04.prod.outlook.com>",
        f"In-Reply-To: {ACK_ID}",
        "Accept-Language: ru-RU, en-US",
        "Content-Language: ru-RU",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{b}"',
    )
    html = f"<html><head><style>p{{margin:0}}</style></head><body><p>{text}</p></body></html>"
    body = multipart(b, [
        text_part(text, "koi8-r", "base64"),
        text_part(html, "koi8-r", "base64", "html"),
    ])  # fmt: skip
    return "clients/02-outlook365-ot-otpravleno.eml", message(head, body), expect(
        client="Outlook 365 / Exchange Online (ru), koi8-r base64",
        sender="m.kuznetsova@agro-test.ru", name="Мария Кузнецова",
        subject="Ответ: " + ACK_SUBJECT, tag="WA-000123",
        new_text=["не видят расчётные листки"], quoted=["Отправлено: 24 ноября 2026"],
    )  # fmt: skip


@case
def outlook_ishodnoe() -> Case:
    text = (
        "Добрый день, прикладываю скриншот.\n\n-----Исходное сообщение-----\n"
        f"От: Техподдержка WiseAdvice <{SUPPORT}>\nОтправлено: Tuesday, November 24, 2026 10:15 AM\n"
        f"Тема: {ACK_SUBJECT}\n\n" + "\n".join(ACK_LINES)
    )
    b = "----=_NextPart_000_0041_01DB3E5A.9A1B2C30"
    head = headers(
        '"Alexey Volkov" <a.volkov@trans-test.ru>'.join(["From: ", ""]),
        f"To: <{SUPPORT}>",
        "Subject: RE: [WA-000123] "
        + encoded_word("Заявка зарегистрирована", "windows-1251", "B", 100),
        f"Date: {DATE}",
        "Message-ID: <004101db3e5a$9a1b2c30$ce515390$@trans-test.ru>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{b}"',
        "X-Mailer: Microsoft Outlook 14.0",
        "Content-Language: ru",
    )
    body = multipart(b, [
        text_part(text, "windows-1251", "quoted-printable"),
        part(headers(
            'Content-Type: image/png; name="' + encoded_word("Скриншот", "windows-1251", "B", 100) + '.png"',
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: attachment; filename="' + encoded_word("Скриншот", "windows-1251", "B", 100) + '.png"',
        ), b64(PNG)),
    ], "This is a multi-part message in MIME format.\r\n")  # fmt: skip
    return "clients/03-outlook2010-ishodnoe-soobshchenie.eml", message(head, body), expect(
        client="Outlook 2010 (ru), RFC 2047 filename in quotes",
        sender="a.volkov@trans-test.ru", name="Alexey Volkov",
        subject="RE: [WA-000123] Заявка зарегистрирована", tag="WA-000123",
        new_text=["прикладываю скриншот"], quoted=["-----Исходное сообщение-----"],
        attachments=[{"name": "Скриншот.png", "type": "image/png"}],
    )  # fmt: skip


@case
def outlook_english_from_sent() -> Case:
    text = (
        "Hello,\n\nThe employee still cannot sign the vacation order. The error says the "
        "certificate was not found.\n\nRegards,\nJohn Miller\n\n"
        f"From: WiseAdvice Support <{SUPPORT}>\nSent: Tuesday, November 24, 2026 10:15 AM\n"
        f"To: John Miller <j.miller@intl-test.com>\nSubject: {ACK_SUBJECT}\n\n"
        + "\n".join(ACK_LINES)
    )
    head = headers(
        "From: John Miller <j.miller@intl-test.com>",
        f"To: WiseAdvice Support <{SUPPORT}>",
        "Subject: RE: [WA-000123] Request registered",
        f"Date: {DATE}",
        "Message-ID: <DM6PR11MB4321F0E1D2C3B4A59687DM6PR11MB4321@DM6PR11MB4321.namprd11.prod.outlook.com>",
        f"References: {ACK_ID}",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="us-ascii"',
        "Content-Transfer-Encoding: 7bit",
        "X-MS-Has-Attach: ",
        "X-MS-TNEF-Correlator: ",
    )
    body = text.replace("Здравствуйте!", "Hello!").encode("ascii", "ignore").decode()
    body = "\n".join(line for line in body.splitlines() if line.isascii()).replace("\n", CRLF)
    return "clients/04-outlook-english-from-sent.eml", message(head, body), expect(
        client="Outlook (en), us-ascii 7bit",
        sender="j.miller@intl-test.com", name="John Miller",
        subject="RE: [WA-000123] Request registered", tag="WA-000123", language="en",
        new_text=["cannot sign the vacation order"], quoted=["Sent: Tuesday"],
    )  # fmt: skip


def gmail_mail(
    path: str, sender: str, name: str, subject: str, new: str, quote_header: str, client: str,
    language: str = "ru", extra_new: list[str] | None = None,
) -> Case:  # fmt: skip
    text = f"{new}\n\n{quote_header}\n\n{quoted()}\n"
    html = (
        f'<div dir="ltr">{new.replace(chr(10), "<br>")}</div><br><div class="gmail_quote">'
        f'<div dir="ltr" class="gmail_attr">{quote_header.replace("<", "&lt;").replace(">", "&gt;")}'
        '<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">'
        + "<br>".join(ACK_LINES)
        + "</blockquote></div>"
    )
    b = "000000000000f3a1b2062a7c9d41"
    head = headers(
        "MIME-Version: 1.0",
        f"References: {ACK_ID}",
        f"In-Reply-To: {ACK_ID}",
        f"From: {encoded_word(name) if not name.isascii() else name} <{sender}>",
        f"Date: {DATE}",
        "Message-ID: <CAH7x9Q3v0k2Ld4mF5=Z8e1rT6yU0wP3sA9bN2cM4dK7jE1hG@mail.gmail.com>",
        "Subject: " + encoded_word(subject),
        f"To: {SUPPORT_RU} <{SUPPORT}>",
        f'Content-Type: multipart/alternative; boundary="{b}"',
    )
    body = multipart(b, [
        text_part(text, "UTF-8", "base64"),
        text_part(html, "UTF-8", "quoted-printable", "html"),
    ])  # fmt: skip
    first = quote_header.split(",")[0]
    return path, message(head, body), expect(
        client=client, sender=sender, name=name, subject=subject, tag="WA-000123",
        language=language, new_text=extra_new or [new.splitlines()[-1]], quoted=[first],
    )  # fmt: skip


@case
def gmail_russian() -> Case:
    return gmail_mail(
        "clients/05-gmail-web-ru.eml", "olga.petrova.hr@gmail.com", "Ольга Петрова",
        "Re: " + ACK_SUBJECT, "Спасибо! Код пришёл после смены номера в профиле.",
        f"пн, 24 нояб. 2026 г. в 10:15, Техподдержка WiseAdvice <{SUPPORT}>:",
        "Gmail web (ru), base64 text + QP html",
    )  # fmt: skip


@case
def gmail_english_wrapped_header() -> Case:
    return gmail_mail(
        "clients/06-gmail-web-en-wrapped-header.eml", "tomas.herrera@gmail.com", "Tomas Herrera",
        "Re: [WA-000123] Request registered",
        "Thanks, but the reset link in the e-mail has already expired. Could you send a new one?",
        f"On Mon, Nov 24, 2026 at 10:15 AM WiseAdvice Support <\n{SUPPORT}> wrote:",
        "Gmail web (en), quote header wrapped over two lines", language="en",
        extra_new=["reset link in the e-mail has already expired"],
    )  # fmt: skip


@case
def gmail_android() -> Case:
    text = (
        "Не получается войти в мобильное приложение, пишет ошибка AUTH-017\n\n"
        f"пн, 24 нояб. 2026 г., 10:15 Техподдержка WiseAdvice <{SUPPORT}>:\n\n{quoted()}\n"
    )
    b = "0000000000008d4e7a062a7ca112"
    head = headers(
        "MIME-Version: 1.0",
        f"In-Reply-To: {ACK_ID}",
        "From: " + encoded_word("Дмитрий Орлов") + " <d.orlov.1987@gmail.com>",
        f"Date: {DATE}",
        "Message-ID: <CAPk3mN0qRsT5uVw7xYz9A1bC3dE5fG7hI9jK1lM3nO5pQ7rS9tU@mail.gmail.com>",
        "Subject: " + encoded_word("Re: " + ACK_SUBJECT),
        f"To: {SUPPORT}",
        f'Content-Type: multipart/alternative; boundary="{b}"',
    )
    body = multipart(b, [
        text_part(text, "UTF-8", "quoted-printable"),
        text_part(f'<div dir="auto">{text}</div>', "UTF-8", "quoted-printable", "html"),
    ])  # fmt: skip
    return "clients/07-gmail-android.eml", message(head, body), expect(
        client="Gmail for Android (quote header without 'в')",
        sender="d.orlov.1987@gmail.com", name="Дмитрий Орлов", subject="Re: " + ACK_SUBJECT,
        tag="WA-000123", new_text=["ошибка AUTH-017"], quoted=["пн, 24 нояб. 2026 г., 10:15"],
    )  # fmt: skip


@case
def yandex_web() -> Case:
    new = "Здравствуйте! Версия 3.4.2, редакция ПРОФ. Скриншот ниже."
    header = f'24.11.2026, 10:15, "Техподдержка WiseAdvice" <{SUPPORT}>:'
    text = f"{new}\n\n{header}\n{quoted()}\n\n-- \nС уважением, Анна\n"
    html = (
        f"<div>{new}</div><div> </div><div>{header.replace('<', '&lt;').replace('>', '&gt;')}"
        "</div><blockquote>" + "<br />".join(ACK_LINES) + "</blockquote>"
    )
    b = "----==--bound.41235.sas1-2c3d4e5f6a7b.qloud-c.yandex.net"
    head = headers(
        "X-Yandex-Spam: 1",
        "From: " + encoded_word("Анна Белова", "utf-8") + " <anna.belova@yandex.ru>",
        f"To: {SUPPORT_RU} <{SUPPORT}>",
        f"In-Reply-To: {ACK_ID}",
        f"References: {ACK_ID}",
        "Subject: " + encoded_word("Re: " + ACK_SUBJECT),
        "MIME-Version: 1.0",
        "X-Mailer: Yamail [ http://yandex.ru ] 5.0",
        f"Date: {DATE}",
        "Message-Id: <1412351732434137@mail.yandex.ru>",
        f'Content-Type: multipart/alternative; boundary="{b}"',
    )
    body = multipart(b, [
        text_part(text, "utf-8", "base64"), text_part(html, "utf-8", "base64", "html"),
    ])  # fmt: skip
    return "clients/08-yandex-web.eml", message(head, body), expect(
        client="Yandex Mail web", sender="anna.belova@yandex.ru", name="Анна Белова",
        subject="Re: " + ACK_SUBJECT, tag="WA-000123", new_text=["редакция ПРОФ"],
        quoted=['24.11.2026, 10:15, "Техподдержка WiseAdvice"'],
    )  # fmt: skip


@case
def mailru_web() -> Case:
    new = "Добрый день. Приложение не устанавливается на Android 9."
    header = f"Вторник, 24 ноября 2026, 10:15 +03:00 от Техподдержка WiseAdvice <{SUPPORT}>:"
    html = (
        f"<HTML><BODY><div>{new}</div><div><br></div><div>{header.replace('<', '&lt;')}"
        '<blockquote style="border-left:1px solid #0857A6; margin:10px; padding:0 0 0 10px;">'
        + "<br>".join(ACK_LINES)
        + "</blockquote></div></BODY></HTML>"
    )
    text = f"{new}\n\n\n{header}\n{quoted()}\n\n--\nСергей Лебедев\nОтправлено из Почты Mail.ru\n"
    b = "--ALT--c9a1B2d3E4f5A6b7C8d9E0f1A2b3C4d51732434137"
    head = headers(
        "From: " + encoded_word("Сергей Лебедев") + " <s.lebedev@mail.ru>",
        f"To: {SUPPORT_RU} <{SUPPORT}>",
        "Subject: " + encoded_word("Re: " + ACK_SUBJECT),
        "MIME-Version: 1.0",
        "X-Mailer: Mail.Ru Mailer 1.0",
        "X-SenderField-Remind: 0",
        f"Date: {DATE}",
        "Reply-To: " + encoded_word("Сергей Лебедев") + " <s.lebedev@mail.ru>",
        f"In-Reply-To: {ACK_ID}",
        "Message-ID: <1732434137.572816941@f712.i.mail.ru>",
        f'Content-Type: multipart/alternative; boundary="{b}"',
        "X-Mras: Ok",
    )
    body = multipart(b, [
        text_part(text, "UTF-8", "base64"), text_part(html, "UTF-8", "base64", "html"),
    ])  # fmt: skip
    return "clients/09-mailru-web.eml", message(head, body), expect(
        client="Mail.ru web ('Вторник, 24 ноября 2026, 10:15 +03:00 от …:')",
        sender="s.lebedev@mail.ru", name="Сергей Лебедев", subject="Re: " + ACK_SUBJECT,
        tag="WA-000123", new_text=["не устанавливается на Android 9"],
        quoted=["Вторник, 24 ноября 2026"],
    )  # fmt: skip


@case
def mailru_html_only() -> Case:
    new = "Прошу продлить лицензию, счёт оплачен 20.11."
    header = f"Вторник, 24 ноября 2026, 10:15 +03:00 от {SUPPORT}:"
    html = (
        f'<HTML><BODY><div>{new}</div><div>&nbsp;</div><div class="mail-quote-collapse">{header}'
        "<blockquote>" + "<br>".join(ACK_LINES) + "</blockquote></div></BODY></HTML>"
    )
    head = headers(
        "From: " + encoded_word("Елена", "UTF-8", "B", 100) + " <elena-buh@list.ru>",
        f"To: {SUPPORT}",
        "Subject: " + encoded_word("Re: " + ACK_SUBJECT, "UTF-8", "B", 45),
        "MIME-Version: 1.0",
        "X-Mailer: Mail.Ru Mailer 1.0",
        f"Date: {DATE}",
        "Message-ID: <1732434200.381946521@f325.i.mail.ru>",
        "Content-Type: text/html; charset=UTF-8",
        "Content-Transfer-Encoding: base64",
    )
    return "clients/10-mailru-html-only.eml", message(head, b64(html.encode())), expect(
        client="Mail.ru, HTML only", sender="elena-buh@list.ru", name="Елена",
        subject="Re: " + ACK_SUBJECT, tag="WA-000123", new_text=["продлить лицензию"],
        quoted=["Вторник, 24 ноября 2026"],
    )  # fmt: skip


@case
def thunderbird_ru() -> Case:
    text = (  # Thunderbird's default: the reply below the quote, the signature below it
        f"24.11.2026 10:15, Техподдержка WiseAdvice пишет:\n{quoted()}\n\n"
        "Добрый день!\n\nНе работает вход через ЕСИА, скриншот и лог во вложении.\n\n-- \n"
        "Павел Зайцев, системный администратор\n"
    )
    b = "------------8Bq3DzG0m2xJ5tKlW9pRc1Ye"
    head = headers(
        "Message-ID: <4f8e2c1a-7b3d-4e9f-a1c2-5d6e7f8a9b0c@it-test.ru>",
        f"Date: {DATE}",
        "MIME-Version: 1.0",
        "User-Agent: Mozilla Thunderbird",
        "Subject: " + encoded_word("Re: " + ACK_SUBJECT),
        "Content-Language: ru",
        f"To: {SUPPORT_RU} <{SUPPORT}>",
        f"References: {ACK_ID}",
        "From: " + encoded_word("Павел Зайцев") + " <p.zaitsev@it-test.ru>",
        f"In-Reply-To: {ACK_ID}",
        f'Content-Type: multipart/mixed; boundary="{b}"',
    )
    body = multipart(b, [
        text_part(text, "UTF-8", "8bit", extra="; format=flowed"),
        part(headers(
            'Content-Type: image/png; name="' + encoded_word("Ошибка ЕСИА.png", "UTF-8", "B", 100) + '"',
            "Content-Disposition: attachment;",
            " " + rfc2231("filename", "Ошибка ЕСИА.png", split=30),
            "Content-Transfer-Encoding: base64",
        ), b64(PNG)),
        part(headers(
            'Content-Type: text/plain; charset=UTF-8; name="esia.log"',
            'Content-Disposition: attachment; filename="esia.log"',
            "Content-Transfer-Encoding: base64",
        ), b64(b"2026-11-24 10:01 ESIA: invalid redirect_uri\n")),
    ], "This is a multi-part message in MIME format.")  # fmt: skip
    return "clients/11-thunderbird-ru-pishet.eml", message(head, body), expect(
        client="Thunderbird (ru), bottom-posted, 8bit format=flowed, RFC 2231 continuations",
        sender="p.zaitsev@it-test.ru", name="Павел Зайцев", subject="Re: " + ACK_SUBJECT,
        tag="WA-000123", new_text=["вход через ЕСИА"], quoted=["Техподдержка WiseAdvice пишет:"],
        signature=["системный администратор"],
        attachments=[{"name": "Ошибка ЕСИА.png", "type": "image/png"},
                     {"name": "esia.log", "type": "text/plain"}],
    )  # fmt: skip


@case
def thunderbird_en() -> Case:
    text = (
        "Hi,\n\nthe SSO login loops back to the start page after the update to 3.4.2.\n"
        "Steps: open the portal, click 'Log in with SSO', enter the password.\n\n"
        f"On 24.11.2026 10:15, WiseAdvice Support wrote:\n{quoted()}\n"
    )
    head = headers(
        "Message-ID: <b3c2a1d0-9e8f-4a7b-8c6d-5e4f3a2b1c0d@nordic-test.se>",
        f"Date: {DATE}",
        "MIME-Version: 1.0",
        "User-Agent: Mozilla Thunderbird",
        "Subject: Re: [WA-000123] Request registered",
        "Content-Language: en-US",
        f"To: {SUPPORT}",
        "From: Erik Lindqvist <erik.lindqvist@nordic-test.se>",
        f"In-Reply-To: {ACK_ID}",
        "Content-Type: text/plain; charset=UTF-8; format=flowed",
        "Content-Transfer-Encoding: 8bit",
    )
    return "clients/12-thunderbird-en-wrote.eml", message(head, text.replace("\n", CRLF)), expect(
        client="Thunderbird (en)", sender="erik.lindqvist@nordic-test.se", name="Erik Lindqvist",
        subject="Re: [WA-000123] Request registered", tag="WA-000123", language="en",
        new_text=["SSO login loops back"], quoted=["WiseAdvice Support wrote:"],
    )  # fmt: skip


@case
def iphone() -> Case:
    text = (
        "Добрый день, не приходит смс с кодом для подписания\n\nОтправлено с iPhone\n\n"
        f"> 24 нояб. 2026 г., в 10:15, Техподдержка WiseAdvice <{SUPPORT}> написал(а):\n> \n"
        f"{quoted()}\n"
    )
    b = "Apple-Mail-7E1F3A2B-4C5D-4E6F-8A9B-0C1D2E3F4A5B"
    head = headers(
        f'Content-Type: multipart/alternative; boundary="{b}"',
        "Content-Transfer-Encoding: 7bit",
        "From: " + encoded_word("Наталья Соколова") + " <n.sokolova@icloud.com>",
        "Mime-Version: 1.0 (1.0)",
        "Subject: " + encoded_word("Re: " + ACK_SUBJECT),
        f"Date: {DATE}",
        "Message-Id: <6A1B2C3D-4E5F-4A6B-9C7D-8E9F0A1B2C3D@icloud.com>",
        f"References: {ACK_ID}",
        f"In-Reply-To: {ACK_ID}",
        f"To: {SUPPORT_RU} <{SUPPORT}>",
        "X-Mailer: iPhone Mail (22B91)",
    )
    body = multipart(b, [
        text_part(text, "utf-8", "quoted-printable"),
        text_part("<html><body dir=\"auto\">" + text.replace("\n", "<br>") + "</body></html>",
                  "utf-8", "quoted-printable", "html"),
    ])  # fmt: skip
    return "clients/13-iphone-mail.eml", message(head, body), expect(
        client="iPhone Mail (iOS 18)", sender="n.sokolova@icloud.com", name="Наталья Соколова",
        subject="Re: " + ACK_SUBJECT, tag="WA-000123", new_text=["не приходит смс"],
        quoted=["написал(а):"], signature=["Отправлено с iPhone"],
    )  # fmt: skip


@case
def samsung_android() -> Case:
    text = (
        "Проблема решилась, спасибо!\n\n\n\nОтправлено с устройства Galaxy\n\n\n"
        "-------- Исходное сообщение --------\n"
        f"От: Техподдержка WiseAdvice <{SUPPORT}>\nДата: 24.11.2026 10:15 (GMT+03:00)\n"
        f"Кому: k.popov@rambler.ru\nТема: {ACK_SUBJECT}\n\n" + "\n".join(ACK_LINES) + "\n"
    )
    head = headers(
        "Message-ID: <y2k7n1m8a3b4c5d6e7f8g9h0@email.android.com>",
        f"Date: {DATE}",
        "Subject: " + encoded_word("RE: " + ACK_SUBJECT),
        "From: " + encoded_word("Кирилл Попов") + " <k.popov@rambler.ru>",
        f"To: {SUPPORT}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
    )
    return "clients/14-samsung-email-android.eml", message(head, b64(text.encode())), expect(
        client="Samsung Email (Android)", sender="k.popov@rambler.ru", name="Кирилл Попов",
        subject="RE: " + ACK_SUBJECT, tag="WA-000123", new_text=["Проблема решилась"],
        quoted=["-------- Исходное сообщение --------"], signature=["Отправлено с устройства Galaxy"],
    )  # fmt: skip


@case
def one_c_mailer_utf8() -> Case:
    text = (
        'Ошибка обмена с 1С:ЗУП 3.1.30: "Не найден сотрудник с табельным номером 00-000123".\n'
        "1. Запускаем обмен\n2. Открываем журнал обмена.\nИНН 7702070139, версия 3.4.1 КОРП.\n"
    )
    b = "----=_NextPart_1C_8_3_25_1445"
    head = headers(
        "MIME-Version: 1.0",
        f"Date: {DATE}",
        "From: "
        + encoded_word("Бухгалтерия ЗАО Терминал", "utf-8", "B", 100)
        + " <buh@term-test.ru>",
        f"To: <{SUPPORT}>",
        "Subject: " + encoded_word("Ошибка обмена с 1С", "utf-8", "B", 100),
        "X-Mailer: 1C:Enterprise 8.3",
        "Message-ID: <1C.8.3.25.1445.20261124114217.7f3a@term-test.ru>",
        f'Content-Type: multipart/mixed; boundary="{b}"',
    )
    body = multipart(b, [
        text_part(text, "utf-8", "base64"),
        part(headers(
            'Content-Type: application/octet-stream; name="' + encoded_word("Журнал обмена.jpg", "utf-8", "B", 100) + '"',
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: attachment; filename="' + encoded_word("Журнал обмена.jpg", "utf-8", "B", 100) + '"',
        ), b64(JPEG)),
    ])  # fmt: skip
    return "clients/15-1c-enterprise-utf8.eml", message(head, body), expect(
        client="1C:Enterprise 8.3 built-in mailer, utf-8 base64",
        sender="buh@term-test.ru", name="Бухгалтерия ЗАО Терминал", subject="Ошибка обмена с 1С",
        new_text=["Не найден сотрудник с табельным номером"],
        attachments=[{"name": "Журнал обмена.jpg", "type": "image/jpeg"}],
    )  # fmt: skip


@case
def one_c_mailer_cp1251_8bit() -> Case:
    head = (
        "From: Отдел кадров <ok@zavod-test.ru>\r\nTo: support@empldocs.ru\r\n"
        "Subject: Не загружаются заявления на отпуск\r\nDate: " + DATE + "\r\n"
        "Message-ID: <20261124114217.0001@zavod-test.ru>\r\nX-Mailer: 1C:Enterprise 8.2\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit"
    ).encode("cp1251")
    body = (
        "Здравствуйте. Заявления на отпуск из личного кабинета не загружаются в 1С:ЗУП,\r\n"
        'в журнале ошибка "Документ не найден". Версия 3.4.0.\r\n'
    ).encode("cp1251")
    return "clients/16-1c-enterprise-82-raw-cp1251.eml", raw_message(head, body), expect(
        client="1C:Enterprise 8.2, raw 8-bit cp1251 headers and body, no charset",
        sender="ok@zavod-test.ru", name="Отдел кадров",
        subject="Не загружаются заявления на отпуск", new_text=["Документ не найден"],
    )  # fmt: skip


@case
def outlook_winmail_dat() -> Case:
    text = "Добрый день! Во вложении скриншот и выгрузка ошибки.\n\nС уважением,\nОльга Ким"
    b = "_004_AM0PR07MB6081C1A2B3D4E5F6A7B8AM0PR07MB6081eurp_"
    winmail = tnef([
        ("SCREEN~1.PNG", "Скриншот ошибки.png", PNG),
        ("OTCHET~1.PDF", "Отчёт об ошибке.pdf", PDF),
    ])  # fmt: skip
    head = headers(
        "From: " + encoded_word("Ольга Ким", "koi8-r") + " <o.kim@retail-test.ru>",
        f"To: {SUPPORT}",
        "Subject: " + encoded_word("Ошибка при печати документов", "koi8-r"),
        f"Date: {DATE}",
        "Message-ID: <AM0PR07MB6081ABCDEF@AM0PR07MB6081.eurprd07.prod.outlook.com>",
        "Content-Language: ru-RU",
        "X-MS-Has-Attach: yes",
        "X-MS-TNEF-Correlator: <AM0PR07MB6081ABCDEF@AM0PR07MB6081.eurprd07.prod.outlook.com>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{b}"',
    )
    body = multipart(b, [
        text_part(text, "koi8-r", "base64"),
        part(headers(
            'Content-Type: application/ms-tnef; name="winmail.dat"',
            'Content-Description: winmail.dat',
            f'Content-Disposition: attachment; filename="winmail.dat"; size={len(winmail)}',
            "Content-Transfer-Encoding: base64",
        ), b64(winmail)),
    ])  # fmt: skip
    return "attachments/01-outlook-winmail-dat-tnef.eml", message(head, body), expect(
        client="Outlook with rich text (TNEF)", sender="o.kim@retail-test.ru", name="Ольга Ким",
        subject="Ошибка при печати документов", new_text=["скриншот и выгрузка ошибки"],
        signature=["Ольга Ким"],
        attachments=[{"name": "winmail.dat", "type": "application/ms-tnef",
                      "members": [["Скриншот ошибки.png", "image/png"],
                                  ["Отчёт об ошибке.pdf", "application/pdf"]]}],
    )  # fmt: skip


# =========================== charsets ===========================


def charset_case(
    path: str, charset_label: str | None, real_charset: str, cte: str, client: str,
    subject_charset: str = "utf-8",
) -> Case:  # fmt: skip
    text = (
        "Здравствуйте! Не приходит СМС с кодом подтверждения при входе в личный кабинет. "
        "Номер телефона в профиле указан верно, ИНН 7731386419."
    )
    encoded = text.encode(real_charset)
    if cte == "base64":
        body = b64(encoded)
    elif cte == "quoted-printable":
        import quopri

        body = quopri.encodestring(encoded).decode().replace("\n", CRLF)
    else:
        body = encoded.decode("latin-1")
    ct = "Content-Type: text/plain" + (f'; charset="{charset_label}"' if charset_label else "")
    head = headers(
        "From: " + encoded_word("Вера Николаева", subject_charset) + " <v.nikolaeva@corp-test.ru>",
        f"To: {SUPPORT}",
        "Subject: " + encoded_word("Не приходит СМС с кодом", subject_charset),
        f"Date: {DATE}",
        f"Message-ID: <{charset_label or 'none'}.{real_charset}.{cte}@corp-test.ru>",
        "MIME-Version: 1.0",
        ct,
        f"Content-Transfer-Encoding: {cte}",
    )
    raw = (head + CRLF + CRLF + body + CRLF).encode("latin-1")
    return path, raw, expect(
        client=client, sender="v.nikolaeva@corp-test.ru", name="Вера Николаева",
        subject="Не приходит СМС с кодом", new_text=["Не приходит СМС с кодом подтверждения"],
    )  # fmt: skip


@case
def cs_utf8_qp() -> Case:
    return charset_case(
        "charsets/01-utf8-quoted-printable.eml",
        "utf-8",
        "utf-8",
        "quoted-printable",
        "utf-8 quoted-printable",
    )


@case
def cs_koi8r() -> Case:
    return charset_case(
        "charsets/02-koi8r-8bit.eml", "koi8-r", "koi8-r", "8bit", "koi8-r 8bit (The Bat!)", "koi8-r"
    )


@case
def cs_cp1251() -> Case:
    return charset_case(
        "charsets/03-windows1251-base64.eml",
        "windows-1251",
        "cp1251",
        "base64",
        "windows-1251 base64",
        "windows-1251",
    )


@case
def cs_cp866() -> Case:
    return charset_case(
        "charsets/04-cp866-8bit.eml",
        "cp866",
        "cp866",
        "8bit",
        "cp866 8bit (DOS-era gateway)",
        "cp866",
    )


@case
def cs_iso88595() -> Case:
    return charset_case(
        "charsets/05-iso-8859-5-qp.eml",
        "iso-8859-5",
        "iso-8859-5",
        "quoted-printable",
        "iso-8859-5 quoted-printable",
        "iso-8859-5",
    )


@case
def cs_mislabelled_koi8_as_1251() -> Case:
    return charset_case(
        "charsets/06-koi8r-labelled-windows1251.eml",
        "windows-1251",
        "koi8-r",
        "8bit",
        "KOI8-R body labelled windows-1251 (misconfigured gateway)",
    )


@case
def cs_missing_charset_1251() -> Case:
    return charset_case(
        "charsets/07-windows1251-no-charset.eml",
        None,
        "cp1251",
        "8bit",
        "windows-1251 body without any charset label",
    )


@case
def cs_utf8_labelled_1251() -> Case:
    return charset_case(
        "charsets/08-utf8-labelled-windows1251.eml",
        "windows-1251",
        "utf-8",
        "base64",
        "UTF-8 body labelled windows-1251",
    )


@case
def cs_unknown_label() -> Case:
    return charset_case(
        "charsets/09-unknown-charset-label.eml",
        "x-user-defined-cyr",
        "cp1251",
        "quoted-printable",
        "unknown charset name, cp1251 bytes",
    )


@case
def cs_raw_utf8_headers() -> Case:
    head = headers(
        "From: Григорий Фомин <g.fomin@corp-test.ru>",
        f"To: Техподдержка <{SUPPORT}>",
        "Subject: Где найти расчётный листок?",
        f"Date: {DATE}",
        "Message-ID: <raw-utf8-headers@corp-test.ru>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    )
    text = "Подскажите, где в личном кабинете найти расчётный листок за ноябрь?"
    return "charsets/10-raw-utf8-headers-smtputf8.eml", message(head, text), expect(
        client="raw UTF-8 headers (SMTPUTF8 client)", sender="g.fomin@corp-test.ru",
        name="Григорий Фомин", subject="Где найти расчётный листок?",
        new_text=["найти расчётный листок"],
    )  # fmt: skip


@case
def cs_q_encoded_koi8_name() -> Case:
    head = headers(
        "From: " + encoded_word("Татьяна Морозова", "koi8-r", "Q") + " <t.morozova@corp-test.ru>",
        f"To: {SUPPORT}",
        "Subject: " + encoded_word("Вопрос по маршрутам согласования", "windows-1251", "Q", 20),
        f"Date: {DATE}",
        "Message-ID: <q-encoded@corp-test.ru>",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="koi8-r"',
        "Content-Transfer-Encoding: quoted-printable",
    )
    text = "Как настроить маршрут согласования для заявлений на отпуск?"
    return "charsets/11-q-encoded-words-mixed-charsets.eml", message(head, qp(text, "koi8-r")), expect(
        client="Q-encoded words, koi8-r name and windows-1251 subject folded",
        sender="t.morozova@corp-test.ru", name="Татьяна Морозова",
        subject="Вопрос по маршрутам согласования", new_text=["маршрут согласования"],
    )  # fmt: skip


# =========================== filenames ===========================


def attachment_mail(
    path: str, client: str, disposition_lines: list[str], ctype: str, payload: bytes,
    expected_name: str, expected_type: str, mailer: str = "X-Mailer: Microsoft Outlook 16.0",
    extra_expect: dict[str, Any] | None = None,
) -> Case:  # fmt: skip
    b = "----=_Part_1234_567890.1732434137000"
    head = headers(
        "From: " + encoded_word("Роман Егоров") + " <r.egorov@corp-test.ru>",
        f"To: {SUPPORT}",
        "Subject: " + encoded_word("Ошибка при загрузке файла"),
        f"Date: {DATE}",
        f"Message-ID: <{Path(path).stem}@corp-test.ru>",
        "MIME-Version: 1.0",
        mailer,
        f'Content-Type: multipart/mixed; boundary="{b}"',
    )
    body = multipart(b, [
        text_part("Ошибка при загрузке файла, вложение ниже.", "utf-8", "quoted-printable"),
        part(headers(ctype, "Content-Transfer-Encoding: base64", *disposition_lines), b64(payload)),
    ])  # fmt: skip
    att: dict[str, Any] = {"name": expected_name, "type": expected_type}
    att.update(extra_expect or {})
    return path, message(head, body), expect(
        client=client, sender="r.egorov@corp-test.ru", name="Роман Егоров",
        subject="Ошибка при загрузке файла", new_text=["вложение ниже"], attachments=[att],
    )  # fmt: skip


@case
def fn_rfc2231_simple() -> Case:
    name = "Скриншот ошибки.png"
    return attachment_mail(
        "filenames/01-rfc2231-utf8.eml", "RFC 2231 filename*=utf-8''…",
        ["Content-Disposition: attachment; " + rfc2231("filename", name)],
        "Content-Type: image/png", PNG, name, "image/png",
        "User-Agent: Roundcube Webmail/1.6.9",
    )  # fmt: skip


@case
def fn_rfc2231_cp1251_continuations() -> Case:
    name = "Протокол ошибки обмена с 1С ЗУП от 24.11.2026.pdf"
    return attachment_mail(
        "filenames/02-rfc2231-windows1251-continuations.eml",
        "RFC 2231 continuations in windows-1251 (The Bat!)",
        ["Content-Disposition: attachment;", " " + rfc2231("filename", name, "windows-1251", 24)],
        'Content-Type: application/pdf; name="Protokol.pdf"', PDF, name, "application/pdf",
        "X-Mailer: The Bat! (v10.5.3.6) Professional",
    )  # fmt: skip


@case
def fn_rfc2047_in_name_only() -> Case:
    name = "Заявление на отпуск.jpg"
    return attachment_mail(
        "filenames/03-rfc2047-name-parameter-only.eml",
        "RFC 2047 in Content-Type name= only (Mail.ru), no filename",
        ["Content-Disposition: attachment"],
        f'Content-Type: image/jpeg; name="{encoded_word(name)}"', JPEG, name, "image/jpeg",
        "X-Mailer: Mail.Ru Mailer 1.0",
    )  # fmt: skip


@case
def fn_rfc2047_koi8_folded() -> Case:
    name = "Очень длинное имя файла со скриншотом ошибки при подписании документа.png"
    return attachment_mail(
        "filenames/04-rfc2047-koi8r-folded-filename.eml",
        "long koi8-r RFC 2047 filename folded over lines",
        ['Content-Disposition: attachment;', f' filename="{encoded_word(name, "koi8-r", "B", 30)}"'],
        "Content-Type: application/octet-stream", PNG, name, "image/png",
    )  # fmt: skip


@case
def fn_raw_8bit_cp1251_name() -> Case:
    head = (
        "From: Kadry <kadry@factory-test.ru>\r\nTo: support@empldocs.ru\r\nSubject: Скан приказа\r\n"
        "Date: " + DATE + "\r\nMessage-ID: <raw-8bit-name@factory-test.ru>\r\n"
        "X-Mailer: 1C:Enterprise 8.2\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="1c-boundary-7f3a"'
    ).encode("cp1251")
    body = (
        (
            "--1c-boundary-7f3a\r\nContent-Type: text/plain; charset=windows-1251\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\nНаправляем скан приказа, не загружается в кабинет.\r\n"
            '--1c-boundary-7f3a\r\nContent-Type: image/tiff; name="Приказ 15-к.tif"\r\n'
            'Content-Disposition: attachment; filename="Приказ 15-к.tif"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode("cp1251")
        + b64(TIFF).encode()
        + b"\r\n--1c-boundary-7f3a--"
    )
    return "filenames/05-raw-8bit-cp1251-filename-1c.eml", raw_message(head, body), expect(
        client="1C 8.2: raw 8-bit windows-1251 filename", sender="kadry@factory-test.ru",
        name="Kadry", subject="Скан приказа", new_text=["скан приказа"],
        attachments=[{"name": "Приказ 15-к.tif", "type": "image/tiff"}],
    )  # fmt: skip


@case
def fn_path_in_name() -> Case:
    return attachment_mail(
        "filenames/06-windows-path-in-filename.eml", "an old client puts the full Windows path",
        ['Content-Disposition: attachment; filename="C:\\\\Users\\\\buh\\\\Desktop\\\\..\\\\error.png"'],
        "Content-Type: image/png", PNG, "error.png", "image/png",
        "X-Mailer: Microsoft Office Outlook, Build 11.0.5510",
    )  # fmt: skip


# =========================== structure ===========================


@case
def st_related_inline_image() -> Case:
    mixed, related, alt = "Apple-Mail=_A1B2C3D4", "Apple-Mail=_E5F6A7B8", "Apple-Mail=_C9D0E1F2"
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>'
        '<body><div>Ошибка на экране входа:</div><div><img src="cid:image001.png@01DB3E5A.4F2C1D30">'
        "</div></body></html>"
    )
    head = headers(
        "From: " + encoded_word("Илья Васильев") + " <i.vasiliev@mac-test.ru>",
        f'Content-Type: multipart/related; type="text/html"; boundary="{related}"',
        "Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.300.87.4.3\\))",
        "Subject: " + encoded_word("Ошибка на экране входа"),
        f"Date: {DATE}",
        "Message-Id: <F1E2D3C4-B5A6-4978-8A9B-C0D1E2F3A4B5@mac-test.ru>",
        f"To: {SUPPORT}",
        "X-Mailer: Apple Mail (2.3826.300.87.4.3)",
    )
    del mixed, alt
    body = multipart(related, [
        text_part(html, "utf-8", "quoted-printable", "html"),
        part(headers(
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: inline; filename="image001.png"',
            'Content-Type: image/png; name="image001.png"',
            "Content-Id: <image001.png@01DB3E5A.4F2C1D30>",
        ), b64(PNG)),
    ])  # fmt: skip
    return "structure/01-apple-mail-related-inline-image.eml", message(head, body), expect(
        client="Apple Mail: multipart/related, HTML with an inline (cid) image",
        sender="i.vasiliev@mac-test.ru", name="Илья Васильев", subject="Ошибка на экране входа",
        new_text=["Ошибка на экране входа:"],
        attachments=[{"name": "image001.png", "type": "image/png", "inline": True}],
    )  # fmt: skip


@case
def st_mixed_alt_related() -> Case:
    mixed, alt, rel = (
        "----=_NextPart_000_0001",
        "----=_NextPart_001_0002",
        "----=_NextPart_002_0003",
    )
    text = "Добрый день. Пример ошибки на картинке, выгрузка в PDF во вложении."
    html = f'<html><body><p>{text}</p><img src="cid:image002.jpg@01DB"></body></html>'
    head = headers(
        "From: "
        + encoded_word("Алексей Петров", "windows-1251", "B", 100)
        + " <a.petrov@corp-test.ru>",
        f"To: {SUPPORT}",
        "Subject: " + encoded_word("Ошибка ввода данных", "windows-1251", "B", 100),
        f"Date: {DATE}",
        "Message-ID: <000901db3e5a$11223344$55667788$@corp-test.ru>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{mixed}"',
        "X-Mailer: Microsoft Outlook 16.0",
    )
    alternative = part(f'Content-Type: multipart/alternative; boundary="{alt}"', multipart(alt, [
        text_part(text, "windows-1251", "quoted-printable"),
        part(f'Content-Type: multipart/related; boundary="{rel}"', multipart(rel, [
            text_part(html, "windows-1251", "quoted-printable", "html"),
            part(headers("Content-Type: image/jpeg; name=\"image002.jpg\"",
                         "Content-Transfer-Encoding: base64",
                         "Content-ID: <image002.jpg@01DB>"), b64(JPEG)),
        ])),
    ]))  # fmt: skip
    body = multipart(mixed, [alternative, part(headers(
        'Content-Type: application/pdf; name="vygruzka.pdf"', "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="vygruzka.pdf"'), b64(PDF))])  # fmt: skip
    return "structure/02-outlook-mixed-alternative-related.eml", message(head, body), expect(
        client="Outlook: mixed ⊃ alternative ⊃ related, inline image + PDF",
        sender="a.petrov@corp-test.ru", name="Алексей Петров", subject="Ошибка ввода данных",
        new_text=["Пример ошибки на картинке"],
        attachments=[{"name": "image002.jpg", "type": "image/jpeg", "inline": True},
                     {"name": "vygruzka.pdf", "type": "application/pdf"}],
    )  # fmt: skip


@case
def st_html_only_outlook_css_script() -> Case:
    html = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        '<style><!-- p.MsoNormal {margin:0cm; font-family:"Calibri",sans-serif;} --></style>'
        "<script>alert('x')</script></head><body lang=RU>"
        "<p class=MsoNormal>Добрый день!<o:p></o:p></p>"
        '<p class=MsoNormal>Инструкция по ссылке <a href="https://padocs.empldocs.app/employees/sms-code/">'
        "не помогла</a>, код так и не приходит.<o:p></o:p></p></body></html>"
    )
    head = headers(
        "From: "
        + encoded_word("Михаил Ковалев", "windows-1251", "B", 100)
        + " <m.kovalev@corp-test.ru>",
        f"To: {SUPPORT}",
        "Subject: " + encoded_word("Код не приходит", "windows-1251", "B", 100),
        f"Date: {DATE}",
        "Message-ID: <000a01db3e5a$aabbccdd$eeff0011$@corp-test.ru>",
        "MIME-Version: 1.0",
        'Content-Type: text/html; charset="windows-1251"',
        "Content-Transfer-Encoding: quoted-printable",
        "X-Mailer: Microsoft Outlook 16.0",
    )
    return "structure/03-outlook-html-only-css-script.eml", message(head, qp(html, "cp1251")), expect(
        client="Outlook HTML-only with Word CSS and a script",
        sender="m.kovalev@corp-test.ru", name="Михаил Ковалев", subject="Код не приходит",
        new_text=["не помогла (https://padocs.empldocs.app/employees/sms-code/)",
                  "код так и не приходит"],
        text_excludes=["MsoNormal", "alert(", "Calibri"],
    )  # fmt: skip


@case
def st_forward_as_attachment() -> Case:
    inner = (
        "From: " + encoded_word("Сотрудник Ирина") + " <irina@corp-test.ru>\r\n"
        "To: hr@corp-test.ru\r\nSubject: " + encoded_word("Не вижу расчётный листок") + "\r\n"
        f"Date: {DATE}\r\nMessage-ID: <inner-forwarded@corp-test.ru>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64("В личном кабинете не отображается расчётный листок за октябрь.".encode())
        + "\r\n"
    )
    b = "------------Fw9xK2mQ4rT7uV1wY3zA5bC7"
    head = headers(
        "Message-ID: <fwd-as-attachment@corp-test.ru>",
        f"Date: {DATE}",
        "MIME-Version: 1.0",
        "User-Agent: Mozilla Thunderbird",
        "From: " + encoded_word("Отдел кадров") + " <hr@corp-test.ru>",
        f"To: {SUPPORT}",
        "Subject: " + encoded_word("Fwd: Не вижу расчётный листок"),
        f'Content-Type: multipart/mixed; boundary="{b}"',
    )
    body = multipart(b, [
        text_part("Пересылаю обращение сотрудницы, помогите разобраться.", "UTF-8", "8bit"),
        part(headers('Content-Type: message/rfc822; name="Forwarded Message.eml"',
                     'Content-Disposition: attachment; filename="Forwarded Message.eml"'), inner),
    ])  # fmt: skip
    return "structure/04-thunderbird-forward-as-attachment-rfc822.eml", message(head, body), expect(
        client="Thunderbird: forwarded as attachment (message/rfc822)",
        sender="hr@corp-test.ru", name="Отдел кадров", subject="Fwd: Не вижу расчётный листок",
        new_text=["Пересылаю обращение сотрудницы"],
        quoted=["Forwarded message", "From: Сотрудник Ирина <irina@corp-test.ru>",
                "не отображается расчётный листок за октябрь"],
        attachments=[{"name": "Forwarded Message.eml", "type": "message/rfc822"}],
    )  # fmt: skip


@case
def st_gmail_inline_forward() -> Case:
    text = (
        "Коллеги, пересылаю жалобу сотрудника.\n\n---------- Forwarded message ---------\n"
        "От: Петр Сидоров <p.sidorov@corp-test.ru>\nDate: пн, 23 нояб. 2026 г. в 18:02\n"
        "Subject: Не могу подписать\nTo: <hr@corp-test.ru>\n\n"
        "Не могу подписать заявление, кнопка серая.\n"
    )
    head = headers(
        "MIME-Version: 1.0",
        "From: " + encoded_word("Кадры Корп") + " <kadry.corp.test@gmail.com>",
        f"Date: {DATE}",
        "Message-ID: <CAJfw1d2Xq3Y4z5A6b7C8d9E0f1G2h3I4j5K6l7M8n9O0p@mail.gmail.com>",
        "Subject: " + encoded_word("Fwd: Не могу подписать"),
        f"To: {SUPPORT}",
        'Content-Type: text/plain; charset="UTF-8"',
        "Content-Transfer-Encoding: quoted-printable",
    )
    return "structure/05-gmail-inline-forward.eml", message(head, qp(text, "utf-8")), expect(
        client="Gmail: inline forward", sender="kadry.corp.test@gmail.com", name="Кадры Корп",
        subject="Fwd: Не могу подписать", new_text=["пересылаю жалобу сотрудника"],
        quoted=["---------- Forwarded message ---------", "кнопка серая"],
    )  # fmt: skip


@case
def st_yandex_forward() -> Case:
    text = (
        '\n\n-------- Пересылаемое сообщение --------\n24.11.2026, 09:12, "Инна" <inna@corp-test.ru>:\n\n'
        "Не приходит приглашение в личный кабинет.\n\n-------- Конец пересылаемого сообщения --------\n"
    )
    head = headers(
        "From: " + encoded_word("Максим") + " <maxim.it@yandex.ru>",
        f"To: {SUPPORT}",
        "Subject: " + encoded_word("Fwd: Приглашение"),
        "MIME-Version: 1.0",
        "X-Mailer: Yamail [ http://yandex.ru ] 5.0",
        f"Date: {DATE}",
        "Message-Id: <9182731732434137@mail.yandex.ru>",
        "Content-Transfer-Encoding: base64",
        "Content-Type: text/plain; charset=utf-8",
    )
    return "structure/06-yandex-forward-without-comment.eml", message(head, b64(text.encode())), expect(
        client="Yandex: forward with no own text", sender="maxim.it@yandex.ru", name="Максим",
        subject="Fwd: Приглашение", new_text=["Не приходит приглашение"], forward_only=True,
        text_contains=["Пересылаемое сообщение"],
    )  # fmt: skip


@case
def st_alternative_plain_preferred() -> Case:
    b = "=_alt_7d3f"
    head = headers(
        "From: Roundcube User <user@hosting-test.ru>",
        f"To: {SUPPORT}",
        "Subject: " + encoded_word("Импорт сотрудников из Excel"),
        f"Date: {DATE}",
        "Message-ID: <a7b3c1d9e5f24a6b8c0d2e4f6a8b0c2d@hosting-test.ru>",
        "User-Agent: Roundcube Webmail/1.6.9",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{b}"',
    )
    body = multipart(b, [
        text_part("Импорт сотрудников из Excel: ошибка в столбце СНИЛС.", "UTF-8", "quoted-printable"),
        text_part("<p>HTML версия: <b>Импорт</b></p>", "UTF-8", "quoted-printable", "html"),
    ])  # fmt: skip
    return "structure/07-roundcube-alternative.eml", message(head, body), expect(
        client="Roundcube: multipart/alternative", sender="user@hosting-test.ru",
        name="Roundcube User", subject="Импорт сотрудников из Excel",
        new_text=["ошибка в столбце СНИЛС"], text_excludes=["HTML версия"],
    )  # fmt: skip


# =========================== attachments ===========================


@case
def at_zip_with_bmp() -> Case:
    archive = zip_of({"Скрин ошибки.bmp": BMP, "описание.txt": "Ошибка при импорте".encode()})
    return attachment_mail(
        "attachments/02-zip-with-bmp-screenshot.eml", "ZIP (UTF-8 names) with a BMP screenshot",
        ['Content-Disposition: attachment; filename="screens.zip"'],
        "Content-Type: application/x-zip-compressed", archive, "screens.zip", "application/zip",
        extra_expect={"members": [["Скрин ошибки.bmp", "image/bmp"],
                                  ["описание.txt", "application/octet-stream"]]},
    )  # fmt: skip


@case
def at_zip_cp866() -> Case:
    archive = zip_cp866({"Скриншот1.png": PNG, "Ошибка.jpg": JPEG})
    return attachment_mail(
        "attachments/03-zip-windows-explorer-cp866-names.eml",
        "ZIP from Windows Explorer: cp866 names without the UTF-8 flag",
        ['Content-Disposition: attachment; filename="' + encoded_word("Скриншоты.zip") + '"'],
        "Content-Type: application/x-zip-compressed", archive, "Скриншоты.zip", "application/zip",
        extra_expect={"members": [["Скриншот1.png", "image/png"], ["Ошибка.jpg", "image/jpeg"]]},
    )  # fmt: skip


@case
def at_zip_bomb() -> Case:
    archive = zip_of({"zeros.bin": b"\x00" * 5_000_000})
    return attachment_mail(
        "attachments/04-zip-compression-ratio-too-high.eml", "ZIP bomb-like ratio (1000:1)",
        ['Content-Disposition: attachment; filename="logs.zip"'],
        "Content-Type: application/zip", archive, "logs.zip", "application/zip",
        extra_expect={"members": [], "archive_problem": "compression ratio too high"},
    )  # fmt: skip


@case
def at_rar() -> Case:
    archive = rar4_stored({"screen1.png": PNG, "logs/exchange.log": b"ERROR 1C exchange\n"})
    return attachment_mail(
        "attachments/05-rar-archive.eml", "RAR 4 archive (WinRAR)",
        ['Content-Disposition: attachment; filename="' + encoded_word("Скрины.rar") + '"'],
        "Content-Type: application/x-rar-compressed", archive, "Скрины.rar", "application/vnd.rar",
        extra_expect={"members": [["screen1.png", "image/png"],
                                  ["logs/exchange.log", "application/octet-stream"]]},
    )  # fmt: skip


@case
def at_png_named_jpg() -> Case:
    return attachment_mail(
        "attachments/06-png-named-jpg.eml", "PNG content named .jpg, declared image/jpeg",
        ['Content-Disposition: attachment; filename="photo.jpg"'], "Content-Type: image/jpeg",
        PNG, "photo.jpg", "image/png",
    )  # fmt: skip


@case
def at_gif_octet() -> Case:
    return attachment_mail(
        "attachments/07-gif-as-octet-stream.eml", "GIF sent as application/octet-stream",
        ['Content-Disposition: attachment; filename="screen.gif"'],
        "Content-Type: application/octet-stream", GIF, "screen.gif", "image/gif",
    )  # fmt: skip


@case
def at_docx() -> Case:
    docx = zip_of(
        {"[Content_Types].xml": b"<?xml version='1.0'?><Types/>", "word/document.xml": b"<w/>"}
    )
    return attachment_mail(
        "attachments/08-docx-is-a-zip.eml", "a .docx (really a ZIP container)",
        ['Content-Disposition: attachment; filename="' + encoded_word("Заявление.docx") + '"'],
        "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx, "Заявление.docx", "application/zip",
        extra_expect={"members": [["[Content_Types].xml", "application/octet-stream"],
                                  ["word/document.xml", "application/octet-stream"]]},
    )  # fmt: skip


@case
def at_no_filename_image() -> Case:
    return attachment_mail(
        "attachments/09-unnamed-inline-image-android.eml",
        "Android client: an image part without any name",
        ["Content-Disposition: inline"], "Content-Type: image/jpeg", JPEG,
        "attachment-2.jpg", "image/jpeg", "User-Agent: K-9 Mail for Android",
        extra_expect={"inline": True},
    )  # fmt: skip


# =========================== automatic mail ===========================


def auto_mail(
    path: str, client: str, extra_headers: list[str], expected: str,
    sender: str = "i.ivanov@client-test.ru", name: str = "Иван Иванов",
    subject: str = "Автоматический ответ: " + ACK_SUBJECT,
    text: str = "Я в отпуске до 1 декабря. По срочным вопросам: 8 (495) 000-00-00.",
    message_id: str | None = None,
) -> Case:  # fmt: skip
    head = headers(
        f"From: {encoded_word(name)} <{sender}>",
        f"To: {SUPPORT}",
        "Subject: " + encoded_word(subject),
        f"Date: {DATE}",
        f"Message-ID: {message_id or f'<{Path(path).stem}@client-test.ru>'}",
        *extra_headers,
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: base64",
    )
    from triage.ticket_tags import find_ticket_number

    return path, message(head, b64(text.encode())), expect(
        client=client, sender=sender, name=name, subject=subject, automatic=expected,
        tag=find_ticket_number(subject, "WA"), new_text=[text.split(".")[0]],
    )  # fmt: skip


AUTO = [
    ("01-exchange-oof-auto-submitted", "Exchange out-of-office (RFC 3834)",
     ["Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All",
      "X-MS-Exchange-Inbox-Rules-Loop: i.ivanov@client-test.ru"], "Auto-Submitted: auto-replied"),
    ("02-auto-submitted-auto-generated", "ticket system notice", ["Auto-Submitted: auto-generated"],
     "Auto-Submitted: auto-generated"),
    ("03-precedence-bulk", "newsletter", ["Precedence: bulk"], "Precedence: bulk"),
    ("04-precedence-junk", "old vacation(1)", ["Precedence: junk"], "Precedence: junk"),
    ("05-precedence-list", "mailing list", ["Precedence: list"], "Precedence: list"),
    ("06-precedence-auto-reply", "Zimbra auto-reply", ["Precedence: auto_reply"],
     "Precedence: auto_reply"),
    ("07-x-precedence-bulk", "X-Precedence", ["X-Precedence: bulk"], "X-Precedence: bulk"),
    ("08-yandex-x-autoreply", "Yandex vacation reply", ["X-Autoreply: yes"], "X-Autoreply present"),
    ("09-x-autorespond", "cPanel autoresponder", ["X-Autorespond: yes"], "X-Autorespond present"),
    ("10-x-autoreply-from", "Mail.ru autoresponder (X-AutoReply-From)",
     ["X-AutoReply-From: i.ivanov@client-test.ru"], "X-AutoReply-From present"),
    ("11-x-mail-autoreply", "X-Mail-Autoreply", ["X-Mail-Autoreply: yes"],
     "X-Mail-Autoreply present"),
    ("12-x-autogenerated-reply", "Lotus Notes / Domino", ["X-Autogenerated: Reply"],
     "X-Autogenerated: Reply"),
    ("13-x-auto-response-suppress-dr", "Exchange read receipt", ["X-Auto-Response-Suppress: DR, RN, NRN, OOF"],
     "X-Auto-Response-Suppress"),
    ("14-x-auto-response-suppress-autoreply", "Exchange rule reply",
     ["X-Auto-Response-Suppress: AutoReply"], "X-Auto-Response-Suppress"),
    ("15-x-loop-foreign", "another help desk's loop header", ["X-Loop: helpdesk@client-test.ru"],
     "X-Loop: helpdesk@client-test.ru"),
    ("16-x-loop-ours", "our own loop marker came back", [f"X-Loop: {SUPPORT}"],
     "carries our own X-Loop marker"),
    ("17-x-no-loop", "X-No-Loop", ["X-No-Loop: yes"], "X-No-Loop present"),
    ("18-list-id", "mailing list (List-Id)", ["List-Id: <hr-news.client-test.ru>"], "List-Id present"),
    ("19-list-unsubscribe", "marketing mail", ["List-Unsubscribe: <mailto:unsub@client-test.ru>",
                                               "List-Unsubscribe-Post: List-Unsubscribe=One-Click"],
     "List-Unsubscribe present"),
    ("20-null-return-path", "null envelope sender", ["Return-Path: <>"], "null Return-Path"),
    ("21-x-failed-recipients", "bounce without a report", ["X-Failed-Recipients: nobody@client-test.ru"],
     "X-Failed-Recipients present"),
    ("22-exchange-inbox-rules-loop", "Exchange forwarding rule",
     ["X-MS-Exchange-Inbox-Rules-Loop: i.ivanov@client-test.ru"], "X-MS-Exchange-Inbox-Rules-Loop"),
]  # fmt: skip

for _stem, _client, _headers, _reason in AUTO:

    def _make(stem: str = _stem, client: str = _client, hs: list[str] = _headers,
              reason: str = _reason) -> Case:  # fmt: skip
        return auto_mail(f"automatic/{stem}.eml", client, hs, reason)

    case(_make)


@case
def auto_noreply_sender() -> Case:
    return auto_mail(
        "automatic/23-noreply-sender.eml", "a service's no-reply address", [], "is a mail robot",
        sender="no-reply@service-test.ru", name="Сервис уведомлений",
        subject="Уведомление о входе в систему", text="Выполнен вход в учётную запись. Это письмо отправлено автоматически.",
    )  # fmt: skip


@case
def auto_postmaster() -> Case:
    return auto_mail(
        "automatic/24-postmaster-sender.eml", "postmaster notice", [], "is a mail robot",
        sender="postmaster@client-test.ru", name="Postmaster", subject="Undeliverable: Уведомление",
        text="Your message could not be delivered. Ваше письмо не доставлено.",
    )  # fmt: skip


@case
def auto_own_message_id() -> Case:
    return auto_mail(
        "automatic/25-own-message-id-domain.eml", "our own mail reflected back by a gateway", [],
        "Message-ID of our own domain", message_id="<wa-000123.reflected@empldocs.ru>",
        subject=ACK_SUBJECT, text="Ваше обращение зарегистрировано. Пожалуйста, сохраняйте номер.",
    )  # fmt: skip


@case
def auto_person_control() -> Case:
    return auto_mail(
        "automatic/26-person-auto-submitted-no.eml", "a person: Auto-Submitted: no, Precedence: normal",
        ["Auto-Submitted: no", "Precedence: normal"], "",
        subject="Re: " + ACK_SUBJECT, text="Спасибо, всё заработало после перезагрузки.",
    )  # fmt: skip


# =========================== bounces (DSN) ===========================


def dsn_mail(path: str, client: str, reporter: str, status: str, recipient: str,
             diagnostic: str, human: str, original_headers_type: str = "text/rfc822-headers",
             language: str = "en") -> Case:  # fmt: skip
    b = "7E2A31C0A5.1732434137/mx.empldocs.ru"
    head = headers(
        "Return-Path: <>",
        f"From: {reporter}",
        f"To: {SUPPORT}",
        "Subject: Undelivered Mail Returned to Sender",
        f"Date: {DATE}",
        f"Message-Id: <{Path(path).stem}@mx.empldocs.ru>",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status;{CRLF}\tboundary="{b}"',
    )
    body = multipart(b, [
        part(headers("Content-Description: Notification",
                     "Content-Type: text/plain; charset=utf-8"), human.replace("\n", CRLF)),
        part(headers("Content-Description: Delivery report", "Content-Type: message/delivery-status"),
             CRLF.join(["Reporting-MTA: dns; mx.empldocs.ru", "", f"Final-Recipient: rfc822; {recipient}",
                        f"Original-Recipient: rfc822;{recipient}",
                        f"Action: {'failed' if status.startswith('5') else 'delayed'}",
                        f"Status: {status}", f"Diagnostic-Code: smtp; {diagnostic}", ""])),
        part(headers("Content-Description: Undelivered Message Headers",
                     f"Content-Type: {original_headers_type}"),
             CRLF.join([f"From: Техподдержка WiseAdvice <{SUPPORT}>", f"To: {recipient}",
                        f"Subject: {ACK_SUBJECT}", f"Message-ID: {ACK_ID}", ""])),
    ], "This is a MIME-encapsulated message.")  # fmt: skip
    return path, message(head, body), expect(
        client=client, sender=reporter.split()[0].lower(), language=language,
        subject="Undelivered Mail Returned to Sender",
        automatic="Auto-Submitted: auto-replied",
        bounce={"status": status, "recipient": recipient, "original": ACK_ID},
        text_contains=[human.split("\n")[0]],
    )  # fmt: skip


@case
def dsn_postfix_user_unknown() -> Case:
    return dsn_mail(
        "bounces/01-postfix-5.1.1-user-unknown.eml", "Postfix DSN, user unknown",
        "MAILER-DAEMON@mx.empldocs.ru (Mail Delivery System)", "5.1.1", "o.petrova-old@stlogistic.ru",
        "550 5.1.1 <o.petrova-old@stlogistic.ru>: Recipient address rejected: User unknown",
        "I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.",
    )  # fmt: skip


@case
def dsn_yandex_mailbox_full() -> Case:
    return dsn_mail(
        "bounces/02-yandex-5.2.2-mailbox-full.eml", "Yandex DSN, mailbox full",
        "mailer-daemon@yandex.ru", "5.2.2", "full.box@yandex.ru",
        "552 5.2.2 Mailbox size limit exceeded",
        "Сообщение не доставлено.\nПочтовый ящик получателя переполнен.", language="ru",
    )  # fmt: skip


@case
def dsn_exchange_rfc822() -> Case:
    return dsn_mail(
        "bounces/03-exchange-ndr-message-rfc822-headers.eml", "Exchange NDR",
        "postmaster@corp-test.onmicrosoft.com", "5.4.1", "left.company@corp-test.ru",
        "550 5.4.1 Recipient address rejected: Access denied",
        "Delivery has failed to these recipients or groups:\nleft.company@corp-test.ru",
        "message/rfc822-headers",
    )  # fmt: skip


@case
def dsn_delayed() -> Case:
    return dsn_mail(
        "bounces/04-postfix-4.4.1-delayed.eml", "Postfix delay notice (temporary)",
        "MAILER-DAEMON@mx.empldocs.ru (Mail Delivery System)", "4.4.1", "slow@slow-test.ru",
        "connect to mx.slow-test.ru[203.0.113.5]:25: Connection timed out",
        "This is the mail system at host mx.empldocs.ru.\n\n####################################",
    )  # fmt: skip


# =========================== spam ===========================


def spam_mail(path: str, client: str, extra: list[str], spam: bool, subject: str, text: str,
              sender: str = "offer@promo-test.ru") -> Case:  # fmt: skip
    head = headers(
        f"Return-Path: <{sender}>",
        *extra,
        f"From: {sender}",
        f"To: {SUPPORT}",
        "Subject: " + encoded_word(subject),
        f"Date: {DATE}",
        f"Message-ID: <{Path(path).stem}@promo-test.ru>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    )
    return path, message(head, text), expect(
        client=client, sender=sender, name="", subject=subject, spam=spam, new_text=[text[:30]],
    )  # fmt: skip


@case
def spam_spamassassin_flag() -> Case:
    return spam_mail(
        "spam/01-spamassassin-x-spam-flag.eml",
        "SpamAssassin verdict",
        ["X-Spam-Flag: YES", "X-Spam-Status: Yes, score=12.3 required=5.0 tests=BAYES_99"],
        True,
        "Предложение для бизнеса",
        "Уникальное предложение для вашей компании!",
    )


@case
def spam_rspamd() -> Case:
    return spam_mail(
        "spam/02-rspamd-action-add-header.eml",
        "Rspamd verdict",
        ["X-Rspamd-Action: add header", "X-Rspamd-Score: 9.80", "X-Spam: Yes"],
        True,
        "Партнёрская программа",
        "Станьте нашим партнёром уже сегодня.",
    )


@case
def spam_dmarc_fail_phrases() -> Case:
    return spam_mail(
        "spam/03-dmarc-fail-and-spam-phrases.eml",
        "DMARC fail plus our own phrases",
        [
            "Authentication-Results: mx.empldocs.ru; dkim=fail; spf=softfail; "
            "dmarc=fail (p=none) header.from=promo-test.ru"
        ],
        True,
        "Вы выиграли приз",
        "Поздравляем, вы выиграли! Казино ждёт вас.",
    )


@case
def spam_own_score_only() -> Case:
    return spam_mail(
        "spam/04-own-score-phrases.eml",
        "no upstream verdict, our own score",
        [],
        True,
        "Кредит без отказа",
        "Кредит без справок! Казино онлайн, выигрыш гарантирован, lottery winner.",
    )


@case
def spam_clean_upstream_no() -> Case:
    return spam_mail(
        "spam/05-spamassassin-no-person.eml",
        "SpamAssassin says No: a person",
        [
            "X-Spam-Flag: NO",
            "X-Spam-Status: No, score=0.4 required=5.0",
            "Authentication-Results: mx.empldocs.ru; dkim=pass; spf=pass; dmarc=pass",
        ],
        False,
        "Вопрос по отпуску",
        "Как подать заявление на отпуск через кабинет?",
        sender="worker@corp-test.ru",
    )


@case
def spam_exe_renamed() -> Case:
    head = headers(
        "From: invoice@bill-test.ru",
        f"To: {SUPPORT}",
        "Subject: Счёт на оплату",
        f"Date: {DATE}",
        "Message-ID: <exe-renamed@bill-test.ru>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b1"',
    )
    body = multipart("b1", [
        text_part("Счёт во вложении.", "utf-8", "8bit"),
        part(headers('Content-Type: application/pdf; name="schet.pdf"',
                     'Content-Disposition: attachment; filename="schet.pdf"',
                     "Content-Transfer-Encoding: base64"), b64(EXE)),
    ])  # fmt: skip
    return "spam/06-executable-named-pdf.eml", message(head, body), expect(
        client="an executable disguised as a PDF", sender="invoice@bill-test.ru", name="",
        subject="Счёт на оплату", spam=True, new_text=["Счёт во вложении"],
        attachments=[{"name": "schet.pdf", "type": "application/x-msdownload"}],
    )  # fmt: skip


# =========================== subjects: prefix chains ===========================

SUBJECTS = [
    ("01-re", "Re: [WA-000123] Заявка зарегистрирована", "WA-000123"),
    ("02-re-bracket-count", "RE[2]: [WA-000123] Заявка зарегистрирована", "WA-000123"),
    ("03-fwd-re", "Fwd: Re: [WA-000123] Заявка зарегистрирована", "WA-000123"),
    ("04-otvet", "Ответ: [WA-000123] Заявка зарегистрирована", "WA-000123"),
    ("05-peresl", "Пересл.: [WA-000045] Не приходит SMS", "WA-000045"),
    ("06-otv-re-fw", "Отв: RE: FW: [WA-000777] Импорт сотрудников", "WA-000777"),
    ("07-tag-at-end", "Ответ на обращение по импорту [WA-001234]", "WA-001234"),
    ("08-mangled-tag", "Re: [ wa 42 ] вопрос", "WA-000042"),
    ("09-mailru-re-count", "Re[3]: [WA-000123] Заявка зарегистрирована", "WA-000123"),
    ("10-aw-wg-german-outlook", "AW: WG: [WA-000321] Login", "WA-000321"),
    ("11-no-tag", "Re: Заявка зарегистрирована", None),
]  # fmt: skip

for _stem, _subject, _tag in SUBJECTS:

    def _make_subject(stem: str = _stem, subject: str = _subject, tag: str | None = _tag) -> Case:
        head = headers(
            "From: " + encoded_word("Светлана Орлова") + " <s.orlova@corp-test.ru>",
            f"To: {SUPPORT}",
            "Subject: " + encoded_word(subject, "utf-8", "B", 18),
            f"Date: {DATE}",
            f"Message-ID: <subject-{stem}@corp-test.ru>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        )
        text = "Дополняю обращение: ошибка повторилась сегодня утром."
        return f"subjects/{stem}.eml", message(head, qp(text, "utf-8")), expect(
            client="subject prefix chain (encoded words split mid-tag)",
            sender="s.orlova@corp-test.ru", name="Светлана Орлова", subject=subject, tag=tag,
            new_text=["ошибка повторилась"],
        )  # fmt: skip

    case(_make_subject)


# ============================================================================================


def main() -> None:
    manifest = []
    for build in CASES:
        path, raw, expected = build()
        target = HERE / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
        manifest.append({"file": path, "category": path.split("/")[0], **expected})
    manifest.sort(key=lambda entry: entry["file"])
    (HERE / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    counts = Counter(entry["category"] for entry in manifest)
    (HERE / "README.md").write_text(readme(manifest, counts), encoding="utf-8")
    print(f"{len(manifest)} mails:", dict(sorted(counts.items())))


CATEGORY_NOTES = {
    "clients": "replies from Outlook (ru/en, 2010/2016/365), Gmail web and Android, Yandex, "
    "Mail.ru (web and HTML-only), Thunderbird (ru bottom-posted, en), iPhone, Samsung, "
    "1C:Enterprise 8.2/8.3: each client's quote header, signature and phone footer",
    "charsets": "utf-8, koi8-r, windows-1251, cp866, iso-8859-5 in 8bit/QP/base64; KOI8-R "
    "labelled windows-1251, no charset, UTF-8 labelled windows-1251, unknown label, raw UTF-8 "
    "headers, Q-encoded words in two charsets",
    "filenames": "RFC 2231 (utf-8; windows-1251 continuations), RFC 2047 in name= only, long "
    "folded koi8-r RFC 2047, raw 8-bit windows-1251 (1C), a Windows path",
    "structure": "multipart/related with a cid image, mixed ⊃ alternative ⊃ related, HTML-only "
    "with CSS and script, forward as message/rfc822, Gmail and Yandex inline forwards, alternative",
    "attachments": "winmail.dat (TNEF) listed, ZIP with a BMP, ZIP with cp866 names, ZIP bomb "
    "ratio, RAR listed, PNG named .jpg, GIF as octet-stream, .docx, an unnamed inline image",
    "automatic": "every auto-reply header family of the issue, daemon senders, our own "
    "Message-ID domain, and a person's mail with Auto-Submitted: no",
    "bounces": "multipart/report DSNs: Postfix 5.1.1, Yandex 5.2.2, Exchange 5.4.1, delay 4.4.1",
    "spam": "SpamAssassin, Rspamd, DMARC fail, our own score, an executable named .pdf, and a "
    "clean mail with upstream 'No'",
    "subjects": "ticket tag behind Re:, RE[2]:, Fwd: Re:, Ответ:, Пересл.:, Отв: RE: FW:, "
    "Re[3]:, AW: WG:, at the end, mangled, and none; encoded words split mid-tag",
}


def readme(manifest: list[dict[str, Any]], counts: Counter[str]) -> str:
    rows = "\n".join(
        f"| `{category}/` | {counts[category]} | {CATEGORY_NOTES[category]} |"
        for category in sorted(counts)
    )
    return f"""# Test mail corpus

{len(manifest)} mails written the way the named clients write them: their headers
(X-Mailer/User-Agent, Message-ID forms, boundaries), transfer encodings (quoted-printable,
base64, 8bit), RFC 2047 words and RFC 2231 parameters, quote headers and signatures.
`manifest.json` states by hand what each mail must parse to: sender and name, subject,
decoded attachment names with their real types (and archive members), the new text
against the quote and signature, the automatic/bounce/spam verdicts, the ticket tag and
the reply language. `tests/test_mail_corpus.py` checks every entry.

The files are generated by `generate.py` (byte-level helpers in `corpus_parts.py`, which
do not use Python's email generator); the output is committed. Regenerate with
`.venv/bin/python tests/data/mail_corpus/generate.py` after editing a case.

| category | mails | what |
|---|---|---|
{rows}
| **total** | **{len(manifest)}** | |
"""


if __name__ == "__main__":
    main()
