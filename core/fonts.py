"""The bundled DejaVu fonts (static/fonts/, they cover Vietnamese), found through the static
files finders so that QR captions, banners and certificates draw the same letters."""

import functools

from django.contrib.staticfiles import finders
from PIL import ImageFont

FONT_REGULAR = "fonts/DejaVuSans.ttf"
FONT_BOLD = "fonts/DejaVuSans-Bold.ttf"


@functools.cache
def font_path(name: str = FONT_REGULAR) -> str:
    path = finders.find(name)
    if not path:
        raise FileNotFoundError(name)
    return path


def font_load(*, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(FONT_BOLD if bold else FONT_REGULAR), size)
