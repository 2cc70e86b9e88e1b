#!/usr/bin/env bash
# Rebuilds data/docs_snapshot from data/docs_source. Run from anywhere.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
SNAP="$(cd "$SRC/.." && pwd)/docs_snapshot"
VENV=/work/venv-docs
SITE=/tmp/docs_site

"$VENV/bin/python" "$SRC/tools/make_admin_pdf.py"
cd "$SRC"
NO_MKDOCS_2_WARNING=1 "$VENV/bin/mkdocs" build --strict -d "$SITE"

rm -rf "$SNAP"; mkdir -p "$SNAP"
cd "$SITE"
find . \( -name '*.html' -o -name 'sitemap.xml' -o -name '*.pdf' \) | while read -r f; do
  mkdir -p "$SNAP/$(dirname "$f")"; cp "$f" "$SNAP/$f"
done
mkdir -p "$SNAP/assets/stylesheets"
cp assets/stylesheets/main.*.min.css assets/stylesheets/palette.*.min.css "$SNAP/assets/stylesheets/"
printf 'User-agent: *\nDisallow: /internal/\n\nSitemap: https://padocs.empldocs.app/sitemap.xml\n' > "$SNAP/robots.txt"
du -sh "$SNAP"
