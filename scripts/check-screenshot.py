#!/usr/bin/env python3
"""Checks a browser screenshot of a polis report page: it must not be blank
and must show the charts.

Usage: check-screenshot.py SCREENSHOT.png [MIN_LINE_COLOURS]

Decodes the PNG with the standard library only (zlib and the five PNG row
filters; 8-bit RGB or RGBA, not interlaced, which is what Chromium writes),
then requires
  - at least 2% of the pixels to be not white (something was drawn),
  - at least 100 distinct colours (text, axes, lines, bands, maps),
  - at least 300 pixels near the line colours of the charts
    (src/plot/charts.rs, PALETTE), and at least 20 near each of
    MIN_LINE_COLOURS (default 1) of them (lines overlap, so no more): the
    charts' lines were drawn, not just the text of the page.
Prints what it measured; exits with 1 when a check fails.
"""

import struct
import sys
import zlib

# The first line colours of the charts (Tableau 10), as in PALETTE.
LINE_COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44)]


def decode_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError(
            f"unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})"
        )
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        kind = raw[i]
        line = bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def main():
    path = sys.argv[1]
    wanted = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    width, height, bpp, rows = decode_png(path)
    colours, not_white = set(), 0
    near = [0] * len(LINE_COLOURS)
    for line in rows:
        for x in range(0, width * bpp, bpp):
            rgb = (line[x], line[x + 1], line[x + 2])
            colours.add(rgb)
            if min(rgb) < 245:
                not_white += 1
            for k, (r, g, b) in enumerate(LINE_COLOURS):
                if abs(rgb[0] - r) < 32 and abs(rgb[1] - g) < 32 and abs(rgb[2] - b) < 32:
                    near[k] += 1
    total = width * height
    share = not_white / total
    print(
        f"{path}: {width}x{height}, {len(colours)} colours, "
        f"{100 * share:.1f}% not white, line-colour pixels {near}"
    )
    failures = []
    if share < 0.02:
        failures.append(f"only {100 * share:.2f}% of the page is not white: blank?")
    if len(colours) < 100:
        failures.append(f"only {len(colours)} distinct colours: no charts?")
    if sum(near) < 300:
        failures.append(f"only {sum(near)} pixels of the line colours: charts not drawn?")
    shown = sum(1 for n in near if n >= 20)
    if shown < wanted:
        failures.append(
            f"only {shown} of the line colours {LINE_COLOURS[:wanted]} show: lines missing?"
        )
    for f in failures:
        print(f"FAIL: {f}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
