#!/usr/bin/env bash
# Open reports in headless Chromium: check each page renders with content,
# and that each prints to A4 in few enough pages.
#
#   scripts/check-report.sh [--max-pages N] [REPORT.html]
#
# With a report, checks it (at most N printed pages, default 15). Without
# one, builds polsim and checks three reports written into a temporary
# directory: scenarios/examples/coin-flips.toml (2,000 runs, at most 5
# pages), the bundled Palmyra baseline (its own 10,000 runs; it prints to
# 14 pages, at most 15 allowed) and a comparison of the baseline with two
# Palmyra variants (it prints to 9, at most 10 allowed): one page of
# headroom each. The screenshot of the last report checked is kept at
# $SHOT, and each PDF at $PDF_DIR/NAME.pdf, when those are set.
#
# Pages are counted in the PDF Chromium prints (`--print-to-pdf`), as the
# number of `/Type /Page` objects. Exits 0 with "skipped: chromium not
# installed" when there is no Chromium, 1 when a page renders blank or a
# report prints to too many pages, 2 on a usage error. Chromium is started
# with networking features off and a throw-away profile; the report itself
# must not need the network (tests/it/charts.rs checks it refers to nothing
# outside).
set -euo pipefail

cd "$(dirname "$0")/.."

max_pages=15
report=""
while [ $# -gt 0 ]; do
  case "$1" in
    --max-pages)
      [ $# -ge 2 ] || { echo "error: --max-pages needs a number" >&2; exit 2; }
      max_pages="$2"
      shift 2
      ;;
    -*) echo "error: unknown option $1 (usage: scripts/check-report.sh [--max-pages N] [REPORT.html])" >&2; exit 2 ;;
    *) report="$1"; shift ;;
  esac
done
case "$max_pages" in
  ''|*[!0-9]*) echo "error: --max-pages takes a whole number, got '$max_pages'" >&2; exit 2 ;;
esac

browser=""
for name in chromium chromium-browser google-chrome; do
  if command -v "$name" >/dev/null 2>&1; then
    browser="$name"
    break
  fi
done
if [ -z "$browser" ]; then
  echo "skipped: chromium not installed"
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "skipped: python3 not installed (needed to read the screenshot)"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

chrome() {
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update --disable-sync \
    --no-first-run --hide-scrollbars --user-data-dir="$work/profile" "$@" \
    >"$work/chromium.log" 2>&1 || true
}

# check REPORT.html MAX_PAGES: renders with content, prints to at most MAX_PAGES.
check() {
  local page shot pdf pages
  page="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  shot="${SHOT:-$work/report.png}"
  pdf="$work/$(basename "$(dirname "$page")").pdf"
  rm -f "$shot" "$pdf"
  chrome --screenshot="$shot" --window-size=1200,2000 "file://$page"
  if [ ! -s "$shot" ]; then
    echo "error: Chromium wrote no screenshot of $1; its log:" >&2
    cat "$work/chromium.log" >&2
    exit 1
  fi
  python3 "$work/blank.py" "$shot" "$1"
  chrome --no-pdf-header-footer --print-to-pdf="$pdf" "file://$page"
  if [ ! -s "$pdf" ]; then
    echo "error: Chromium printed no PDF of $1; its log:" >&2
    cat "$work/chromium.log" >&2
    exit 1
  fi
  if [ -n "${PDF_DIR:-}" ]; then
    mkdir -p "$PDF_DIR"
    cp "$pdf" "$PDF_DIR/"
  fi
  pages="$(python3 -c 'import re, sys; print(len(re.findall(rb"/Type\s*/Page(?![s\w])", open(sys.argv[1], "rb").read())))' "$pdf")"
  if [ "$pages" -gt "$2" ]; then
    echo "error: $1 prints to $pages A4 pages, more than $2" >&2
    exit 1
  fi
  echo "ok: $1 prints to $pages A4 pages (at most $2)"
}

# Decode the PNG with the standard library only and count what is on it.
cat >"$work/blank.py" <<'PY'
import itertools, struct, sys, zlib

def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and colour in (2, 6), f"unexpected PNG format {depth}/{colour}"
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    high = int.from_bytes(b"\x80" * stride, "big")
    low = int.from_bytes(b"\x7f" * stride, "big")

    def add(x, y):
        # Bytewise (x + y) mod 256 over a whole row at once.
        a, b = int.from_bytes(x, "big"), int.from_bytes(y, "big")
        return bytearray((((a & low) + (b & low)) ^ ((a ^ b) & high)).to_bytes(stride, "big"))

    prev, rows, i = bytearray(stride), [], 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if kind == 1:
            for c in range(bpp):
                line[c::bpp] = bytes(itertools.accumulate(line[c::bpp], lambda s, v: (s + v) & 255))
        elif kind == 2:
            line = add(line, prev)
        elif kind in (3, 4):
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b, c = prev[x], prev[x - bpp] if x >= bpp else 0
                if kind == 3:
                    line[x] = (line[x] + (a + b) // 2) & 255
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, bpp, rows

width, height, bpp, rows = pixels(sys.argv[1])
colours, inked = set(), 0
for line in rows:
    channels = [line[c::bpp] for c in range(3)]
    for rgb in zip(*channels):
        colours.add(rgb)
        if rgb[0] + rgb[1] + rgb[2] < 600:
            inked += 1
share = inked / (width * height)
print(f"screenshot {width}x{height}: {len(colours)} distinct colours, {share:.1%} of pixels inked")
if len(colours) < 50 or share < 0.02:
    print("error: the report renders as a blank page", file=sys.stderr)
    sys.exit(1)
print(f"ok: {sys.argv[2]} renders with content")
PY

if [ -n "$report" ]; then
  [ -f "$report" ] || { echo "error: no such file: $report" >&2; exit 2; }
  check "$report" "$max_pages"
  exit 0
fi

cargo build --release --quiet
polsim=target/release/polsim
"$polsim" run scenarios/examples/coin-flips.toml --runs 2000 --quiet --out "$work/coin-flips"
check "$work/coin-flips/report.html" 5
"$polsim" run palmyra/baseline --quiet --out "$work/palmyra-baseline"
check "$work/palmyra-baseline/report.html" 15
"$polsim" compare palmyra/baseline palmyra/second_attack palmyra/defence_early \
  --quiet --out "$work/palmyra-compare"
check "$work/palmyra-compare/compare.html" 10
