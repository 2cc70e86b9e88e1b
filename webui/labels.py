"""Russian labels for what the store keeps in English codes."""

from __future__ import annotations

STATUSES = {
    "new": "новая",
    "open": "в работе у поддержки",
    "answered_automatically": "отвечено автоматически",
    "awaiting_clarification": "ждёт уточнения",
    "waiting_for_customer": "ждёт ответа клиента",
    "resolved": "решена",
    "deferred": "отложена",
    "rejected": "отклонена",
    "closed": "закрыта",
    "merged": "объединена",
}
OUTCOMES = {
    "answer": "ответ из документации",
    "clarify": "запрос уточнения",
    "escalate": "передано специалисту",
    "follow_up": "продолжение переписки",
    "record": "записано без ответа",
    "ignore": "автоматическое письмо",
}
CATEGORIES = {
    "access_login": "вход и доступ",
    "e_signature": "электронная подпись",
    "documents_routes": "документы и маршруты",
    "integration_1c": "интеграция с 1С",
    "install_update": "установка и обновление",
    "licensing": "лицензирование",
    "mobile_app": "мобильное приложение",
    "other": "другое",
}
INTENTS = {
    "how_to": "вопрос «как сделать»",
    "problem": "сообщение о проблеме",
    "feature_request": "пожелание",
    "other": "другое",
}
DEFERRAL_REASONS = {
    "cannot_reproduce": "не удаётся воспроизвести",
    "not_enough_information": "недостаточно информации",
    "needs_development": "требуется доработка продукта",
    "requirements_violated": "нарушены требования к заявке",
    "out_of_scope": "вне рамок поддержки",
    "not_constructive": "неконструктивное обращение",
}
REJECTION_REASONS = {"etiquette": "нарушение этики общения", "misuse": "нецелевое использование"}
SLA_PLANS = {"commercial": "коммерческий", "basic": "базовый"}
ROLES = {"agent": "специалист", "doc-team": "команда документации", "admin": "администратор"}
MAIL_KINDS = {
    "acknowledgment": "подтверждение",
    "answer": "автоматический ответ",
    "clarification": "запрос уточнения",
    "accepted": "принята в работу",
    "reply": "ответ специалиста",
    "deferral": "отложена",
    "rejection": "отказ",
    "closure": "закрытие",
    "oversized": "слишком большое письмо",
}
DELIVERY = {"pending": "в очереди", "sent": "отправлено", "failed": "не доставлено"}
FEEDBACK = {
    ("solved", None): "клиент: вопрос решён",
    ("not_helpful", "unrelated"): "клиент: не помогло — не о том",
    ("not_helpful", "not_answered"): "клиент: не помогло — не ответил",
    ("not_helpful", None): "клиент: не помогло",
}
REPLY_TEMPLATES = {
    "": "— без шаблона —",
    "steps": "Пожалуйста, выполните следующие шаги:",
    "fixed": "Мы исправили проблему, проверьте, пожалуйста, ещё раз.",
    "release": "Исправление войдёт в ближайший выпуск продукта; мы сообщим, когда он выйдет.",
    "docs": "Подробная инструкция есть в документации продукта:",
}


def label(table: dict[str, str], code: str | None) -> str:
    if not code:
        return "—"
    return table.get(code, code)
