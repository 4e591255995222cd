"""Promotion banners (Pillow) for units' websites and social media: the contest name, the
round dates, the unit's QR code and short link, in a font that covers Vietnamese."""

from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageDraw

from core.fonts import font_load

from .qrcodes import qr_image

BANNER_SIZES = {"wide": (1200, 300), "square": (1080, 1080)}
BACKGROUND_TOP = (11, 87, 164)
BACKGROUND_BOTTOM = (6, 52, 99)
ACCENT = (255, 204, 0)


@dataclass(frozen=True)
class BannerText:
    title: str
    dates: tuple[str, ...]
    url: str
    unit_name: str
    call_to_action: str


def _background(size: tuple[int, int]) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size, BACKGROUND_TOP)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        share = y / max(height - 1, 1)
        colour = tuple(
            round(top + (bottom - top) * share)
            for top, bottom in zip(BACKGROUND_TOP, BACKGROUND_BOTTOM, strict=True)
        )
        draw.line([(0, y), (width, y)], fill=colour)
    return image


def _qr_tile(url: str, side: int) -> Image.Image:
    tile = Image.new("RGB", (side, side), "white")
    code = qr_image(url=url, width=side).convert("RGB")
    code = code.resize((side, side), Image.NEAREST) if code.width > side else code
    tile.paste(code, ((side - code.width) // 2, (side - code.height) // 2))
    return tile


def _wrap(
    text: str, font, max_width: int, max_lines: int, pieces: list[str] | None = None, glue=" "
) -> list[str]:
    """Greedy wrap of words (or given pieces) measured in pixels with the real font; '…'
    when cut short."""
    lines: list[str] = []
    for word in pieces if pieces is not None else text.split():
        if lines and font.getlength(f"{lines[-1]}{glue}{word}") <= max_width:
            lines[-1] = f"{lines[-1]}{glue}{word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" ,.·") + "…"
    return lines


def banner_render(*, kind: str, text: BannerText) -> bytes:
    """A PNG banner: 'wide' (1200×300, for a website's header or sidebar) or 'square'
    (1080×1080, for Facebook/Zalo posts)."""
    size = BANNER_SIZES[kind]
    image = _background(size)
    draw = ImageDraw.Draw(image)
    width, height = size
    if kind == "wide":
        qr_side = height - 40
        image.paste(_qr_tile(text.url, qr_side), (width - qr_side - 20, 20))
        text_width = width - qr_side - 80
        title_font = font_load(size=32, bold=True)
        small = font_load(size=20)
        y = 22
        for line in _wrap(text.title, title_font, text_width, 2):
            draw.text((30, y), line, font=title_font, fill="white")
            y += 40
        draw.rectangle([30, y + 4, 130, y + 8], fill=ACCENT)
        y += 20
        for line in _wrap("", small, text_width, 3, pieces=list(text.dates), glue="  ·  "):
            draw.text((30, y), line, font=small, fill="white")
            y += 26
        footer = f"{text.call_to_action}: {text.url}"
        draw.text((30, height - 44), footer, font=font_load(size=22, bold=True), fill=ACCENT)
    else:
        title_font = font_load(size=50, bold=True)
        y = 60
        for line in _wrap(text.title, title_font, width - 120, 3):
            draw.text((width // 2, y), line, font=title_font, fill="white", anchor="ma")
            y += 62
        y += 10
        draw.rectangle([width // 2 - 80, y, width // 2 + 80, y + 6], fill=ACCENT)
        y += 26
        small = font_load(size=28)
        for line in text.dates[:4]:
            draw.text((width // 2, y), line, font=small, fill="white", anchor="ma")
            y += 38
        qr_side = min(440, height - y - 170)
        image.paste(_qr_tile(text.url, qr_side), ((width - qr_side) // 2, y + 16))
        y += qr_side + 36
        unit_font = font_load(size=32, bold=True)
        for line in _wrap(text.unit_name, unit_font, width - 120, 1):
            draw.text((width // 2, y), line, font=unit_font, fill="white", anchor="ma")
            y += 44
        draw.text(
            (width // 2, y), text.url, font=font_load(size=30, bold=True), fill=ACCENT, anchor="ma"
        )
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
