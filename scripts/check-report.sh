#!/usr/bin/env bash
# Open a run's report.html in headless Chromium and check the page is not blank.
#
#   scripts/check-report.sh [REPORT.html]
#
# Without an argument, runs scenarios/examples/coin-flips.toml (2,000 runs)
# into a temporary directory and checks its report. The screenshot is kept
# at $SHOT if that is set (look at it with any image viewer).
#
# Exits 0 with "skipped: chromium not installed" when there is no Chromium,
# 1 when the page renders blank, 2 on a usage error. Chromium is started with
# networking features off and a throw-away profile; the report itself must
# not need the network (tests/it/charts.rs checks it refers to nothing outside).
set -euo pipefail

cd "$(dirname "$0")/.."

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

if [ $# -ge 1 ]; then
  report="$1"
  [ -f "$report" ] || { echo "error: no such file: $report" >&2; exit 2; }
else
  cargo run --release --quiet -- run scenarios/examples/coin-flips.toml \
    --runs 2000 --quiet --out "$work/run"
  report="$work/run/report.html"
fi
report="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
shot="${SHOT:-$work/report.png}"

timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
  --disable-background-networking --disable-component-update --disable-sync \
  --no-first-run --hide-scrollbars --user-data-dir="$work/profile" \
  --screenshot="$shot" --window-size=1200,2000 "file://$report" \
  >"$work/chromium.log" 2>&1 || true

if [ ! -s "$shot" ]; then
  echo "error: Chromium wrote no screenshot; its log:" >&2
  cat "$work/chromium.log" >&2
  exit 1
fi

# Decode the PNG with the standard library only and count what is on it.
python3 - "$shot" <<'PY'
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
print("ok: report.html renders with content")
PY
