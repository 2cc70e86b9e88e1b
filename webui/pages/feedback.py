"""The customer's one-click verdict on an automatic answer (no login: the signed,
expiring link is the credential).

GET shows a small page whose form our own script submits at once: a person's click
counts, while mail scanners that fetch every link (and run no script) change nothing.
Without script the customer presses the one button.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from desk.feedback import VIA_LINK, FeedbackClaim, FeedbackLinkError, FeedbackSigner, apply_feedback
from triage import TicketNotFoundError, TriageError
from webui import labels
from webui.web import render, state_of

_REPLY_INSTEAD = "Ответьте, пожалуйста, на письмо поддержки: мы прочитаем ваш ответ."
RESULTS = {
    "recorded": "Спасибо! Ваш ответ учтён.",
    "repeated": "Спасибо! Ваш ответ уже был учтён ранее.",
    "recorded_only": "Спасибо! Ваш ответ учтён; заявкой уже занимается специалист.",
}


def _page(
    request: Request, message: str, status: int, claim: FeedbackClaim | None = None
) -> Response:
    context = {"title": "Оценка ответа", "message": message, "done": status == 200, "claim": claim}
    return render(request, None, "feedback.html", context, status)


def _verify(request: Request) -> FeedbackClaim | Response:
    """The link's claim, or the page that says why the link is refused."""
    try:
        return FeedbackSigner(state_of(request).secret_key).verify(request.path_params["token"])
    except FeedbackLinkError as exc:
        if "expired" in str(exc):
            return _page(request, "Срок действия ссылки истёк. " + _REPLY_INSTEAD, 410)
        return _page(request, "Ссылка недействительна. " + _REPLY_INSTEAD, 400)


async def feedback_form(request: Request) -> Response:
    claim = _verify(request)
    if isinstance(claim, Response):
        return claim
    choice = labels.FEEDBACK.get((claim.verdict, claim.reason), "")
    context = {"title": "Оценка ответа", "claim": claim, "choice": choice, "done": False}
    return render(request, None, "feedback.html", context)


async def feedback_submit(request: Request) -> Response:
    claim = _verify(request)
    if isinstance(claim, Response):
        return claim
    store = state_of(request).store
    try:
        result = apply_feedback(store, claim.ticket_number, claim.verdict, claim.reason, VIA_LINK)
    except TicketNotFoundError:
        return _page(request, "Заявка не найдена.", 404)
    except TriageError:
        return _page(request, "По этой заявке не было автоматического ответа.", 400)
    return _page(request, RESULTS[result], 200, claim)
