"""Генерирует docs/downloads/wiseadvice-admin-guide-3.4.pdf (выдержка из руководства администратора).

Запуск: /work/venv-docs/bin/python tools/make_admin_pdf.py
Требуется fpdf2 и шрифты DejaVu (/usr/share/fonts/truetype/dejavu).
"""
from pathlib import Path
from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
OUT = Path(__file__).resolve().parent.parent / "docs" / "downloads" / "wiseadvice-admin-guide-3.4.pdf"

TITLE = "WiseAdvice: Личный кабинет сотрудника"
SUBTITLE = "Руководство администратора. Версия 3.4 (выдержка)"

# Структура: ("h1"|"h2"|"p"|"li"|"code"|"table"|"note", данные)
CONTENT = [
    ("h1", "1. Общие сведения"),
    ("p", "Настоящий документ содержит выдержку из руководства администратора сервиса кадрового электронного "
          "документооборота WiseAdvice: Личный кабинет сотрудника версии 3.4. Документ предназначен для "
          "администраторов сервиса и ИТ-специалистов организаций, использующих облачную редакцию или установку "
          "на собственных серверах (on-premise, редакция «КОРП»)."),
    ("p", "Правообладатель: ООО \"ОБЛАЧНАЯ ПЛАТФОРМА АУТСОРСИНГА\", ИНН 7731386419. Текущая версия сервиса — 3.4.2 "
          "от 14.10.2026. Минимальная поддерживаемая версия — 3.2.0. Актуальная электронная документация "
          "опубликована по адресу https://padocs.empldocs.app/."),
    ("h2", "1.1. Редакции"),
    ("table", [["Параметр", "Базовая", "ПРОФ", "КОРП"],
               ["Сотрудников", "до 250", "до 3 000", "по лицензии"],
               ["Юридических лиц", "1", "до 10", "без ограничений"],
               ["Размещение", "облако", "облако", "облако / on-premise"],
               ["МЧД", "—", "да", "да"],
               ["LDAP / AD", "—", "вход", "вход и синхронизация"],
               ["SSO (SAML, OIDC)", "—", "—", "да"],
               ["REST API", "—", "120 запр./мин", "600 запр./мин"]]),
    ("h1", "2. Требования к системе"),
    ("h2", "2.1. Серверная часть (on-premise)"),
    ("li", "Операционная система: Astra Linux SE 1.7.x, РЕД ОС 7.3 и новее, Ubuntu Server 22.04/24.04 LTS, Debian 12."),
    ("li", "Docker Engine 24.0 и новее, плагин Docker Compose v2.20 и новее."),
    ("li", "PostgreSQL 14, 15 или 16; Postgres Pro Standard 15 и 16."),
    ("li", "nginx 1.22 и новее (входит в поставку как контейнер wa-nginx)."),
    ("li", "Опционально: S3-совместимое объектное хранилище (MinIO, Ceph RGW)."),
    ("table", [["Сотрудников", "Сервер приложений", "Сервер СУБД", "Хранилище"],
               ["до 1 000", "4 vCPU, 8 ГБ ОЗУ", "на том же сервере", "100 ГБ"],
               ["до 5 000", "8 vCPU, 16 ГБ ОЗУ", "4 vCPU, 16 ГБ ОЗУ", "500 ГБ"],
               ["до 20 000", "2 × (8 vCPU, 16 ГБ)", "8 vCPU, 32 ГБ ОЗУ", "2 ТБ"]]),
    ("h2", "2.2. Сетевой доступ"),
    ("p", "Серверу требуется исходящий доступ по HTTPS (порт 443) к адресам license.empldocs.app (лицензирование), "
          "updates.empldocs.app (обновления), ca.empldocs.app (выпуск УНЭП), goskey-gw.empldocs.app (Госключ), "
          "push.empldocs.app (push-уведомления), а также к серверам OCSP/CRL удостоверяющих центров. При отсутствии "
          "доступа лицензия активируется офлайн, а обновления устанавливаются из файла."),
    ("h2", "2.3. Рабочие места"),
    ("p", "Поддерживаются Яндекс Браузер 23+, Google Chrome 110+, Chromium-Gost 110+, Mozilla Firefox 115 ESR+, "
          "Microsoft Edge 110+, Safari 16+. Для подписания УКЭП необходимы КриптоПро CSP 5.0 R2 и новее и "
          "КриптоПро ЭЦП Browser plug-in 2.0.15000 и новее либо ViPNet CSP 4.4.4 и новее."),
    ("h1", "3. Установка on-premise"),
    ("p", "Поставка включает архив wiseadvice-3.4.2.tar.gz с Docker-образами, установщиком wa-installer и утилитой "
          "управления wactl. Установка выполняется от имени root."),
    ("code", "tar -xzf wiseadvice-3.4.2.tar.gz\ncd wiseadvice-3.4.2\nsudo ./wa-installer install --target /opt/wiseadvice\nsudo wactl up\nsudo wactl status"),
    ("p", "После запуска все контейнеры (wa-web, wa-api, wa-worker, wa-scheduler, wa-signer, wa-nginx) должны находиться "
          "в состоянии healthy. Первый администратор создаётся командой:"),
    ("code", "sudo wactl admin create --email admin@example.ru --phone +79161234567"),
    ("h2", "3.1. Основные параметры файла /opt/wiseadvice/.env"),
    ("table", [["Параметр", "По умолчанию", "Описание"],
               ["WA_DOMAIN", "—", "Доменное имя сервиса"],
               ["WA_DB_HOST", "wa-postgres", "Адрес PostgreSQL"],
               ["WA_DB_SSLMODE", "prefer", "Режим TLS для СУБД"],
               ["WA_STORAGE_TYPE", "local", "local или s3"],
               ["WA_HTTP_PROXY", "—", "Прокси для исходящих запросов"],
               ["WA_SESSION_TIMEOUT", "30", "Бездействие до выхода, мин"],
               ["WA_SECRET_KEY", "генерируется", "Ключ шифрования, не менять"]]),
    ("note", "Внимание. Храните значение WA_SECRET_KEY вместе с резервными копиями в защищённом месте. Без него "
             "невозможно восстановить ключи обмена 1С, ключи API и настройки SSO."),
    ("p", "Проверка установки выполняется командой sudo wactl doctor. Результат проверки прикладывается к обращению "
          "в техническую поддержку, если установка завершилась ошибкой."),
    ("h1", "4. Обновление"),
    ("p", "Поддерживаются версии 3.2.x, 3.3.x и 3.4.x. Версии ниже 3.2.0 не поддерживаются: исправления для них не "
          "выпускаются, обращения принимаются только по вопросам обновления."),
    ("table", [["Текущая версия", "Порядок обновления"],
               ["3.2.x – 3.4.1", "сразу до 3.4.2"],
               ["3.0.x, 3.1.x", "до 3.2.2, затем до 3.4.2"],
               ["2.9.x", "до 3.0.3, затем 3.2.2, затем 3.4.2"]]),
    ("code", "sudo wactl backup create --comment \"перед обновлением на 3.4.2\"\nsudo wactl update apply --file /tmp/wiseadvice-3.4.2.tar.gz\nsudo wactl doctor"),
    ("p", "Обновление минорной версии занимает от 10 до 40 минут. На время обновления пользователи видят страницу "
          "«Ведутся технические работы». После обновления сервера обновите расширение 1С:ЗУП до версии 3.4.x."),
    ("h1", "5. Интеграция с 1С:ЗУП"),
    ("p", "Обмен выполняется через расширение WiseAdvice_KEDO для конфигурации 1С:Зарплата и управление персоналом 3.1 "
          "(версия 3.1.28 и новее, платформа 8.3.22 и новее). Инициатором обмена является 1С: регламентное задание "
          "«WiseAdvice: обмен данными» каждые 10 минут передаёт изменения по HTTPS. Входящий доступ к серверу 1С не требуется."),
    ("li", "Установите расширение: Администрирование → Печатные формы, отчёты и обработки → Расширения → Добавить из файла."),
    ("li", "Снимите у расширения флажки «Безопасный режим» и «Защита от опасных действий», перезапустите 1С."),
    ("li", "Создайте ключ обмена в WiseAdvice: Настройки → Интеграции → 1С:ЗУП → Создать ключ обмена."),
    ("li", "В 1С откройте Кадровый ЭДО (WiseAdvice) → Настройки обмена, укажите адрес https://<домен>/exchange/1c/ и ключ."),
    ("li", "Сопоставьте организации по ИНН и КПП и выполните первую выгрузку сотрудников."),
    ("h2", "5.1. Частые ошибки обмена"),
    ("table", [["Сообщение", "Действие"],
               ["Ошибка авторизации: неверный ключ обмена (401)", "Создать новый ключ и указать его в 1С"],
               ["Не найден сотрудник с табельным номером …", "Выгрузить сотрудника из карточки в 1С"],
               ["Организация с ИНН … не найдена в личном кабинете", "Добавить организацию, проверить КПП"],
               ["Превышено время ожидания ответа сервера", "Уменьшить размер пакета, увеличить таймаут"],
               ["Превышено количество сотрудников по лицензии", "Расширить лицензию"]]),
    ("h1", "6. Лицензирование"),
    ("p", "Лицензия определяет редакцию, срок действия и количество сотрудников. Ключ имеет формат "
          "WA-XXX-XXXXX-XXXXX-XXXXX-XXXXX и активируется в разделе Настройки → Лицензия. Для закрытого контура "
          "используется офлайн-активация: файл запроса activation-request.warq отправляется на support@empldocs.ru, "
          "полученный файл .walic загружается в интерфейсе или командой sudo wactl license import."),
    ("p", "Место в лицензии занимают сотрудники в статусах «Приглашён», «Подключён», «Готов к подписанию» и «Доступ "
          "ограничен». После окончания срока лицензии действует льготный период 15 дней, затем сервис переходит в "
          "режим только для чтения с сообщением «Лицензия истекла. Отправка документов на подпись недоступна. "
          "Обратитесь к администратору». После продления все функции восстанавливаются без потери данных."),
    ("h1", "7. Резервное копирование"),
    ("p", "Резервная копия включает дамп PostgreSQL, документы из локального хранилища, файл .env, TLS-сертификаты и "
          "файл лицензии. Копии сохраняются в /var/backups/wiseadvice/ в формате tar.zst."),
    ("code", "sudo wactl backup create\nsudo wactl backup list\nsudo wactl backup verify --id 20261012-0200\nsudo wactl down\nsudo wactl backup restore --id 20261012-0200\nsudo wactl up"),
    ("note", "Резервная копия восстанавливается только в ту же версию сервиса, в которой она создана. Для переноса копии "
             "на более новую версию восстановите её на исходной версии, затем выполните обновление."),
    ("p", "Рекомендуемое расписание: ежедневно в 02:00, хранить 14 копий, копировать во внешнее хранилище. Проверяйте "
          "восстановимость копий командой wactl backup verify не реже одного раза в месяц."),
    ("h1", "8. Техническая поддержка"),
    ("p", "Обращения принимаются по электронной почте support@empldocs.ru по рабочим дням с 09:00 до 18:00 МСК. "
          "Телефон и мессенджеры для обращений не используются. В письме укажите описание проблемы и шаги "
          "воспроизведения, ИНН организации, версию и редакцию сервиса, время возникновения ошибки. Снимки экрана "
          "принимаются в форматах JPG, GIF, PNG и TIFF; файлы BMP — только в архиве ZIP или RAR. Номер обращения "
          "вида [WA-000123] сохраняйте в теме письма при дальнейшей переписке. Для on-premise приложите архив, "
          "сформированный командой sudo wactl support-bundle --since 24h."),
]


class Guide(FPDF):
    def header(self):
        if self.page_no() == 1:
            return
        self.set_font("DejaVu", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, f"{TITLE} — {SUBTITLE}", align="L")
        self.ln(8)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, f"© ООО \"ОБЛАЧНАЯ ПЛАТФОРМА АУТСОРСИНГА\", 2026    Стр. {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def build():
    pdf = Guide(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVuMono", "", str(FONT_DIR / "DejaVuSansMono.ttf"))
    pdf.set_title(SUBTITLE)
    pdf.set_author('ООО "ОБЛАЧНАЯ ПЛАТФОРМА АУТСОРСИНГА"')
    pdf.set_creation_date(__import__("datetime").datetime(2026, 10, 14, 10, 0, tzinfo=__import__("datetime").timezone.utc))

    # Титульный лист
    pdf.add_page()
    pdf.ln(60)
    pdf.set_font("DejaVu", "B", 22)
    pdf.multi_cell(0, 11, TITLE, align="C")
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 14)
    pdf.multi_cell(0, 8, SUBTITLE, align="C")
    pdf.ln(30)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 6, "Редакция документа от 14.10.2026\nДля версий сервиса 3.4.0 – 3.4.2\n"
                         "https://padocs.empldocs.app/\nsupport@empldocs.ru", align="C")

    pdf.add_page()
    w = pdf.epw
    for kind, data in CONTENT:
        if kind == "h1":
            if pdf.get_y() > 200:
                pdf.add_page()
            pdf.ln(4)
            pdf.set_font("DejaVu", "B", 15)
            pdf.multi_cell(w, 8, data)
            pdf.ln(2)
        elif kind == "h2":
            pdf.ln(2)
            pdf.set_font("DejaVu", "B", 12)
            pdf.multi_cell(w, 7, data)
            pdf.ln(1)
        elif kind == "p":
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(w, 5.5, data, align="J")
            pdf.ln(2)
        elif kind == "li":
            pdf.set_font("DejaVu", "", 10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(w - 4, 5.5, "• " + data)
            pdf.ln(0.5)
        elif kind == "code":
            pdf.set_font("DejaVuMono", "", 8.5)
            pdf.set_fill_color(242, 242, 242)
            pdf.multi_cell(w, 4.8, data, fill=True, border=0)
            pdf.ln(2)
        elif kind == "note":
            pdf.set_font("DejaVu", "", 9.5)
            pdf.set_fill_color(255, 244, 229)
            pdf.multi_cell(w, 5.2, data, fill=True, border="L")
            pdf.ln(2)
        elif kind == "table":
            pdf.set_font("DejaVu", "", 9)
            with pdf.table(text_align="LEFT", line_height=5, first_row_as_headings=True,
                           headings_style=__import__("fpdf").FontFace(emphasis="BOLD", fill_color=(230, 236, 245))) as t:
                for row in data:
                    r = t.row()
                    for cell in row:
                        r.cell(cell)
            pdf.ln(3)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(OUT))
    print(OUT, pdf.page_no(), "pages")


if __name__ == "__main__":
    build()
