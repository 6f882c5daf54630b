"""Draws the app icons (a green tile with a white tick) with Pillow. Run from the repository root:
`.venv/bin/python pwa/make_icons.py`."""
from PIL import Image, ImageDraw

GREEN = (27, 110, 60, 255)


def icon(size: int, maskable: bool) -> Image.Image:
    img = Image.new("RGBA", (size, size), GREEN if maskable else (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    # Maskable icons keep their artwork inside the central 80% safe zone.
    pad = int(size * (0.22 if maskable else 0.06))
    if not maskable:
        d.rounded_rectangle([pad, pad, size - pad, size - pad], radius=size // 6, fill=GREEN)
    s = size - 2 * pad
    w = max(2, size // 14)
    pts = [(pad + s * 0.27, pad + s * 0.52), (pad + s * 0.44, pad + s * 0.69), (pad + s * 0.75, pad + s * 0.34)]
    d.line(pts, fill="white", width=w, joint="curve")
    return img


icon(192, False).save("pwa/icons/icon-192.png", optimize=True)
icon(512, False).save("pwa/icons/icon-512.png", optimize=True)
icon(512, True).save("pwa/icons/icon-maskable-512.png", optimize=True)
