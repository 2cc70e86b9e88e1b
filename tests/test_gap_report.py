"""On the bundled data, the gap report finds the topics planted in the demo traffic.

A shortened month (all hand-written gap mails, fewer ordinary ones) runs through the
real intake with the bundled documentation index; every planted topic must then be
the dominant content of a cluster whose nearest documentation section is unlikely to
answer it ("no page").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desk.clients_csv import import_clients
from desk.config import Config
from desk.services import docs_answerer, intake_service, load_models, open_store
from desk.traffic import GAP_TRENDS, TrafficSimulator, plan_month
from faq_index import DocIndex, IndexSettings, Section
from insights import build_report, render_report
from insights.gaps import DocPhrases, GapSettings


def test_clusters_recover_the_planted_gaps(indexed_config: Config, tmp_path: Path) -> None:
    config = replace(
        indexed_config,
        store=replace(
            indexed_config.store,
            database=tmp_path / "desk.sqlite3",
            attachments_dir=tmp_path / "attachments",
        ),
        smtp=replace(indexed_config.smtp, transport="directory", directory=tmp_path / "out"),
    )
    end = datetime(2026, 11, 20, 12, tzinfo=UTC)
    plan = plan_month(end, days=30, seed=7, requests=80, questions=50)
    store = open_store(config)
    try:
        import_clients(store, config.sla.clients_file)
        models = load_models(config)
        simulator = TrafficSimulator(config, store, intake_service(config, store, models))
        simulator.run(plan, end)
        report = build_report(store, end - timedelta(days=30), end, docs_answerer(models))
    finally:
        store.close()

    topic_of = simulator.ticket_topics
    found = {}
    for cluster in report.clusters:
        topics = Counter(topic_of.get(q.ticket_id, "") for q in cluster.questions)
        topic, count = topics.most_common(1)[0]
        if topic and count / cluster.size >= 0.6:
            found.setdefault(topic, cluster)
    assert sorted(found) == sorted(GAP_TRENDS)
    for topic, cluster in found.items():
        planted = sum(1 for q in report.questions if topic_of.get(q.ticket_id) == topic)
        assert cluster.size >= 5, topic
        assert sum(topic_of.get(q.ticket_id) == topic for q in cluster.questions) >= planted / 2
        assert cluster.kind == "no_page", (topic, cluster.nearest)
        assert cluster.coverage is not None
        assert cluster.coverage < GapSettings().no_page_coverage
        assert cluster.nearest is not None and cluster.nearest.section_coverage < 0.4
    page = render_report(report)
    for cluster in found.values():
        assert f'id="cluster-{cluster.number}"' in page


def test_a_page_without_the_clusters_main_phrase_does_not_cover_it() -> None:
    key = Section(
        "https://docs.example/api/", "smena-klyucha", "Смена ключа", "API", "",
        "Ключ API можно сменить в любой момент. Смена ключа не прерывает работы интеграции.",
    )  # fmt: skip
    shifts = Section(
        "https://docs.example/hr/", "grafik", "Ознакомление с графиком", "Кадры", "",
        "Отправьте сотрудникам график работы на ознакомление, как любой документ.",
    )  # fmt: skip
    phrases = [("график", 0.15), ("смен", 0.14), ("работ", 0.1)]
    alone = DocPhrases(DocIndex.build([key], IndexSettings()))
    assert alone.coverage(phrases) == 0.0
    assert alone.coverage(phrases, key.link) > 0.6  # the nearest section's own share
    both = DocPhrases(DocIndex.build([key, shifts], IndexSettings()))
    assert both.coverage(phrases) == (0.15 + 0.1) / 0.39
