"""Two runs of benchmarks/run.py side by side: before, after and after/before.

    .venv/bin/python benchmarks/run.py --json > before.json   # on the old commit
    .venv/bin/python benchmarks/run.py --json > after.json
    .venv/bin/python benchmarks/compare.py before.json after.json

Run both under the same conditions (ideally at the same time on the same machine):
throughput on a shared machine moves with its load.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROWS = [
    ("pipeline mails/s, lexical", "pipeline_lexical_mails_per_s"),
    ("pipeline mails/s, fused", "pipeline_fused_mails_per_s"),
    ("bare email-package parse mails/s", "bare_parse_mails_per_s"),
    ("ask p50 ms, lexical, bundled", "lexical_p50_ms_bundled"),
    ("ask p99 ms, lexical, bundled", "lexical_p99_ms_bundled"),
    ("ask p50 ms, fused, bundled", "fused_p50_ms_bundled"),
    ("ask p99 ms, fused, bundled", "fused_p99_ms_bundled"),
    ("ask p99 ms, lexical, 10k sections", "lexical_p99_ms_10k"),
    ("ask p99 ms, fused, 10k sections", "fused_p99_ms_10k"),
    ("crawl s, first", "crawl_first_s"),
    ("index build s, first", "index_first_s"),
    ("peak RSS MB", "peak_rss_mb"),
]


def table(before: dict[str, float], after: dict[str, float]) -> str:
    lines = [f"{'measure':36} {'before':>10} {'after':>10} {'after/before':>13}"]
    for label, key in ROWS:
        if key in before and key in after:
            ratio = after[key] / before[key] if before[key] else float("nan")
            lines.append(f"{label:36} {before[key]:10.2f} {after[key]:10.2f} {ratio:13.2f}")
    for name, figures in (("before", before), ("after", after)):
        bare = figures["bare_parse_mails_per_s"]
        lexical = figures["pipeline_lexical_mails_per_s"] / bare
        fused = figures["pipeline_fused_mails_per_s"] / bare
        lines.append(f"pipeline / bare parse ({name}): lexical {lexical:.3f}, fused {fused:.3f}")
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    before, after = (json.loads(Path(p).read_text()) for p in sys.argv[1:])
    print(table(before, after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
