"""Typed settings of the triage package, filled by the configuration loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class DeskSettings:
    support_address: str = "support@empldocs.ru"
    support_name: str = "Техподдержка WiseAdvice"
    ticket_prefix: str = field(default="WA", metadata={"pattern": r"[A-Z]{2,6}"})
    message_id_domain: str = "empldocs.ru"
    docs_url: str = "https://padocs.empldocs.app/"
    # Signs our outgoing Message-IDs (HMAC), so that a reply whose subject lost the ticket
    # tag is still threaded, from its In-Reply-To/References alone.
    message_id_secret: str = field(default="", repr=False, metadata={"secret": True})


@dataclass(frozen=True)
class DecisionSettings:
    # Probability that the top section answers the question, needed to answer
    # automatically; -1 takes the threshold `triage fit` chose for index.target_precision.
    min_answer_probability: float = field(default=-1.0, metadata={"min": -1.0, "max": 1.0})
    max_links: int = field(default=3, metadata={"min": 1, "max": 10})
    # An answer's or a suggestion's further links score at least this share of the first
    # one's. Among the "may help" links of the labelled questions (p 0.3 to the answer
    # threshold), the second and third below it were right 8% of the time on dev and 14%
    # on test, those above it 26% and 23%.
    link_score_ratio: float = field(default=0.75, metadata={"min": 0.0, "max": 1.0})
    min_intent_confidence: float = field(default=0.5, metadata={"min": 0.0, "max": 1.0})
    # Below the answer threshold a how-to question is escalated; its acknowledgment may
    # still offer the best sections, clearly labelled as possibly helpful.
    suggest_links: bool = True
    max_suggestions: int = field(default=3, metadata={"min": 1, "max": 3})
    # ... but not below this probability: on the dev split, the three best sections held
    # a right one for 21-27% of questions under p 0.2, 46% at 0.2-0.3, 52-92% from 0.3.
    # Under it, a foreign employee asking how to reset a password was offered API pages.
    min_suggestion_probability: float = field(default=0.3, metadata={"min": 0.0, "max": 1.0})


@dataclass(frozen=True)
class PolicySettings:
    editions: tuple[str, ...] = ("Базовая", "ПРОФ", "КОРП")
    current_version: str = field(default="", metadata={"pattern": r"(\d+(\.\d+){1,2})?"})
    minimum_supported_version: str = field(default="", metadata={"pattern": r"(\d+(\.\d+){1,2})?"})


@dataclass(frozen=True)
class LifecycleSettings:
    # An automatically answered ticket nobody wrote to for this long is closed (with
    # the closure mail); 0 switches it off.
    auto_close_after_days: float = field(default=7.0, metadata={"min": 0.0})


@dataclass(frozen=True)
class LimitSettings:
    """Layered limits on automatic mail, so that no robot can keep a conversation going."""

    window_hours: float = field(default=3.0, metadata={"min": 0.1})
    per_sender_in_window: int = field(default=10, metadata={"min": 1})
    per_ticket_in_window: int = field(default=5, metadata={"min": 1})
    per_sender_daily: int = field(default=20, metadata={"min": 1})
    bounce_suppression_days: float = field(default=7.0, metadata={"min": 0.0})


@dataclass(frozen=True)
class SlaSettings:
    timezone: str = "Europe/Moscow"
    workday_start: str = field(default="09:00", metadata={"pattern": r"\d{2}:\d{2}"})
    workday_end: str = field(default="18:00", metadata={"pattern": r"\d{2}:\d{2}"})
    commercial_first_response_hours: float = field(default=4.0, metadata={"min": 0.1})
    commercial_resolution_hours: float = field(default=24.0, metadata={"min": 0.1})
    basic_first_response_hours: float = field(default=16.0, metadata={"min": 0.1})
    basic_resolution_hours: float = field(default=80.0, metadata={"min": 0.1})
    clients_file: Path = Path(__file__).resolve().parent.parent / "data/clients.csv"


@dataclass(frozen=True)
class ClassifierSettings:
    model_dir: Path = Path("var/model")
    training_set: Path = Path(__file__).resolve().parent.parent / "data/labelled/requests.jsonl"
    regularisation: float = field(default=10.0, metadata={"min": 0.0001})
    # Scale of the sentence embedding beside the TF-IDF features, per head (0 = lexical).
    semantic_weight_category: float = field(default=2.0, metadata={"min": 0.0})
    semantic_weight_intent: float = field(default=2.0, metadata={"min": 0.0})
    # The embedded part of a request in model tokens (0: its first 1,500 characters);
    # cost grows with it, and 96 kept cross-validated macro-F1 (triage/classify.py).
    semantic_tokens: int = field(default=96, metadata={"min": 0})
    # Embeddings of the training requests by content, so re-training embeds only new ones.
    embedding_cache: Path = Path("var/cache/request-embeddings")


@dataclass(frozen=True)
class StoreSettings:
    database: Path = Path("var/desk.sqlite3")
    attachments_dir: Path = Path("var/attachments")
    # Attachments over these sizes are not stored (the mail stays whole in the mailbox);
    # the ticket records which were left out.
    max_attachment_bytes: int = field(default=25 * 1024 * 1024, metadata={"min": 1})
    max_mail_attachments_bytes: int = field(default=50 * 1024 * 1024, metadata={"min": 1})
    # Fernet key that seals credentials found in mail (P9); without it they are masked
    # and not kept. Generate one with: python -c "from cryptography.fernet import
    # Fernet; print(Fernet.generate_key().decode())"
    secrets_key: str = field(default="", repr=False, metadata={"secret": True})
