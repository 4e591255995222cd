"""QR codes (qrcode + Pillow) for the contest and for each unit's link, as a print-quality PNG
or an SVG, with a caption (the unit's name) under the code in a font that covers Vietnamese."""

import hashlib
import textwrap
from io import BytesIO
from xml.sax.saxutils import escape

import qrcode
from django.core.cache import cache
from PIL import Image, ImageDraw

from core.fonts import font_load

# 300 dpi, about 8 cm wide: sharp on a printed poster, and phones read it from afar.
PRINT_DPI = 300
PRINT_WIDTH_PX = 960
QUIET_ZONE_MODULES = 4


def qr_matrix(*, url: str) -> list[list[bool]]:
    """The QR modules for the URL (error correction Q: survives a logo-sized smudge)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def qr_image(*, url: str, width: int) -> Image.Image:
    """The bare QR code (with its quiet zone) as a black-on-white image about `width` wide."""
    matrix = qr_matrix(url=url)
    modules = len(matrix) + 2 * QUIET_ZONE_MODULES
    box = max(width // modules, 1)
    image = Image.new("1", (modules * box, modules * box), 1)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                left = (x + QUIET_ZONE_MODULES) * box
                top = (y + QUIET_ZONE_MODULES) * box
                draw.rectangle([left, top, left + box - 1, top + box - 1], fill=0)
    return image


def caption_lines(caption: str, *, width_chars: int = 30) -> list[str]:
    return textwrap.wrap(caption, width=width_chars) if caption else []


def qr_png_render(*, url: str, caption: str = "") -> bytes:
    """A print-quality PNG: the code, then the caption centred under it."""
    code = qr_image(url=url, width=PRINT_WIDTH_PX).convert("RGB")
    font = font_load(size=40, bold=True)
    lines = caption_lines(caption)
    line_height = 52
    canvas = Image.new("RGB", (code.width, code.height + line_height * len(lines) + 30), "white")
    canvas.paste(code, (0, 0))
    draw = ImageDraw.Draw(canvas)
    for index, line in enumerate(lines):
        draw.text(
            (code.width // 2, code.height + index * line_height),
            line,
            font=font,
            fill="black",
            anchor="ma",
        )
    buffer = BytesIO()
    canvas.save(buffer, format="PNG", dpi=(PRINT_DPI, PRINT_DPI), optimize=True)
    return buffer.getvalue()


def qr_svg_render(*, url: str, caption: str = "") -> str:
    """A scalable SVG: one path for the dark modules, the caption as text underneath."""
    matrix = qr_matrix(url=url)
    size = len(matrix) + 2 * QUIET_ZONE_MODULES
    lines = caption_lines(caption)
    line_height = 2.2
    height = size + line_height * len(lines) + (1 if lines else 0)
    path = "".join(
        f"M{x + QUIET_ZONE_MODULES},{y + QUIET_ZONE_MODULES}h1v1h-1z"
        for y, row in enumerate(matrix)
        for x, dark in enumerate(row)
        if dark
    )
    texts = "".join(
        f'<text x="{size / 2}" y="{size + line_height * (index + 0.6):.2f}" '
        f'text-anchor="middle" font-size="1.6" font-weight="bold" '
        f'font-family="DejaVu Sans, Noto Sans, Arial, sans-serif">{escape(line)}</text>'
        for index, line in enumerate(lines)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {height:.2f}" '
        f'width="{size * 10}" height="{height * 10:.0f}" shape-rendering="crispEdges">'
        f'<rect width="100%" height="100%" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/>{texts}</svg>'
    )


QR_RENDER_CACHE_SECONDS = 24 * 3600


def qr_render_cached(*, url: str, caption: str, fmt: str) -> bytes:
    """The PNG or SVG of a QR code, rendered once and kept in the cache (a PNG costs tens of
    milliseconds). Callers pass only the server's own data (a unit's name, the site's
    address): the key is built from what is drawn, so a renamed unit gets a new image."""
    digest = hashlib.sha256(f"{fmt}\n{url}\n{caption}".encode()).hexdigest()
    key = f"qr:{digest}"
    content = cache.get(key)
    if content is None:
        if fmt == "png":
            content = qr_png_render(url=url, caption=caption)
        else:
            content = qr_svg_render(url=url, caption=caption).encode()
        cache.set(key, content, QR_RENDER_CACHE_SECONDS)
    return content
