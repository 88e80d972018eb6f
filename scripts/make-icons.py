#!/usr/bin/env python3
"""Draws the app icons (public/icons/*.png) with the standard library only.

The mark: a white pass card with QR finder patterns on BorderPass green. The maskable icon
keeps the card inside the central safe zone (a circle of 80% of the width). Run it again after
changing the design; the PNGs are committed.
"""
import struct
import zlib
from pathlib import Path

GREEN = (15, 92, 74)
WHITE = (255, 255, 255)
INK = (17, 24, 22)


def draw(size, card_fraction):
    px = [[GREEN] * size for _ in range(size)]
    card = int(size * card_fraction)
    x0 = y0 = (size - card) // 2
    radius = card // 8

    def inside_round_rect(x, y):
        cx = min(max(x, x0 + radius), x0 + card - 1 - radius)
        cy = min(max(y, y0 + radius), y0 + card - 1 - radius)
        return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2

    for y in range(y0, y0 + card):
        for x in range(x0, x0 + card):
            if inside_round_rect(x, y):
                px[y][x] = WHITE
    # A 9x9 module grid inside the card: three finder patterns and a few data modules.
    margin = card // 8
    module = (card - 2 * margin) // 9
    gx, gy = x0 + margin, y0 + margin

    def fill(mx, my, w, h, colour):
        for y in range(gy + my * module, gy + (my + h) * module):
            for x in range(gx + mx * module, gx + (mx + w) * module):
                px[y][x] = colour

    for fx, fy in ((0, 0), (6, 0), (0, 6)):
        fill(fx, fy, 3, 3, INK)
        fill(fx + 1, fy + 1, 1, 1, WHITE)
    for mx, my in ((4, 0), (4, 2), (3, 4), (5, 4), (7, 4), (4, 5), (6, 6), (8, 6), (7, 7), (4, 8), (6, 8), (8, 8)):
        fill(mx, my, 1, 1, INK)
    return px


def write_png(path, px):
    size = len(px)
    raw = b"".join(b"\x00" + bytes(c for p in row for c in p) for row in px)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    path.write_bytes(png)


def main():
    out = Path(__file__).resolve().parent.parent / "public" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    write_png(out / "icon-192.png", draw(192, 0.72))
    write_png(out / "icon-512.png", draw(512, 0.72))
    write_png(out / "maskable-512.png", draw(512, 0.5))
    write_png(out / "maskable-192.png", draw(192, 0.5))


if __name__ == "__main__":
    main()
