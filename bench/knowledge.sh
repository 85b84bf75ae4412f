#!/usr/bin/env bash
# Knowledge-base figures (docs/perf.md), on SQLite and on PostgreSQL: search over 50,000
# articles in three languages (150,000 published texts) — p50/p95/p99 of the API's search and
# of the cabinet's help page under load (wrk, 16 connections, 10 s), for a word, two words, an
# unfinished word, a Persian word and a sentence (the any-word fallback), as a customer.
# Usage: bench/knowledge.sh [sqlite|postgres|both]  (KABINET_BIN=… measures a built binary)
#        bench/knowledge.sh generate DATABASE_URL   (only loads the demo and the generated data)
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out
# shellcheck source=bench/lib.sh
source bench/lib.sh

# 50,000 articles in the demo's categories, each in Russian, English and Persian: a title of
# three words and a text of sixty, words drawn with a Zipf-like skew from vocabularies of
# 4,000 made-up words per language (syllables of each script), plus a few real words
# ("роутер", "router", "فیلتر") in a known share of the articles, so that common and rare
# words both have realistic posting lists. Imported through `kabinet knowledge import`, which
# makes each text's terms as the product does.
generate() {
  local url=$1 file="$out/knowledge.jsonl" t0
  t0=$(now_ms)
  python3 - "$file" <<'PY'
import json, random, sys
random.seed(17)
syllables = {
    "ru": ["ка", "ро", "ми", "ту", "ле", "на", "во", "зе", "пи", "ст", "ор", "ан", "ве", "ду", "ль", "ны"],
    "en": ["ka", "ro", "mi", "tu", "le", "na", "vo", "ze", "pi", "st", "or", "an", "ve", "du", "el", "ny"],
    "fa": ["کا", "رو", "می", "تو", "له", "نا", "وو", "زه", "پی", "ست", "ور", "ان", "وه", "دو", "ال", "نی"],
}
real = {"ru": "роутер", "en": "router", "fa": "فیلتر"}
vocab = {}
for lang, syl in syllables.items():
    words = set()
    while len(words) < 4000:
        words.add("".join(random.choice(syl) for _ in range(random.randint(2, 4))))
    vocab[lang] = sorted(words)
weights = [1 / (i + 1) for i in range(4000)]
def words(lang, n):
    return random.choices(vocab[lang], weights=weights, k=n)
categories = ["cabinet", "hotspot", "equipment"]
with open(sys.argv[1], "w") as out:
    for i in range(50000):
        texts = []
        for lang in ("ru", "en", "fa"):
            title = words(lang, 3)
            body = words(lang, 60)
            if i % 50 == 0:
                body.append(real[lang])
            texts.append({"language": lang, "title": " ".join(title) + f" {i}", "body": " ".join(body), "tags": ""})
        out.write(json.dumps({"category": categories[i % 3], "texts": texts}, ensure_ascii=False) + "\n")
PY
  DATABASE_URL="$url" "$bin" knowledge import "$file"
  if [[ $url != sqlite* ]]; then sql "$url" <<<"ANALYZE kb_texts; ANALYZE kb_articles;"; fi
  echo "generated and imported 50,000 articles (150,000 texts) in $(( $(now_ms) - t0 )) ms"
}

q() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

bench_db() {
  local label=$1 url=$2 customer common
  load_and_start "$label" "$url"
  customer=$(session /login vector.coord)
  common=$(sql "$url" <<<"SELECT substr(title, 1, instr(title, ' ') - 1) FROM kb_texts WHERE language = 'ru' AND title LIKE '% 100' LIMIT 1;")
  page "[$label] search, one rare word (API)" "/api/v1/help/search?q=$(q роутеры)" "$customer" '"article_id"'
  page "[$label] search, one common word (API)" "/api/v1/help/search?q=$(q "$common")" "$customer" '"article_id"'
  page "[$label] search, two words (API)" "/api/v1/help/search?q=$(q "роутер $common")" "$customer" '"article_id"'
  page "[$label] search, an unfinished word (API)" "/api/v1/help/search?q=$(q роут)" "$customer" '"article_id"'
  page "[$label] search, Persian (API)" "/api/v1/help/search?q=$(q فیلترها)" "$customer" '"article_id"'
  page "[$label] search, a sentence (API)" "/api/v1/help/search?q=$(q "не работает роутер дома")" "$customer" '"article_id"'
  page "[$label] help page with results" "/help?q=$(q роутеры)" "$customer" 'help-results'
  stop
}

run_benches "$@" # one database, both, or only the generated data
