"""Vietnamese text for machines: slugs (URLs, file names) and the order of names.

Django's slugify drops the letters it cannot decompose ("Đỗ Văn Nam" → "o-van-nam"): đ/Đ have
no accent to strip. `slugify_vi` folds them first; static/js/admin_slug_vi.js does the same for
the admin's prepopulated slug fields."""

import unicodedata

from django.utils.text import slugify

_D_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def fold_vietnamese(text: str) -> str:
    """The text without accents: "Đỗ Văn Nam" → "Do Van Nam"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def slugify_vi(text: str, *, max_length: int | None = None) -> str:
    """A URL slug of Vietnamese text: "Cuộc thi trực tuyến" → "cuoc-thi-truc-tuyen"."""
    slug = slugify(fold_vietnamese(str(text)))
    if max_length is not None:
        slug = slug[:max_length].rstrip("-")
    return slug


def vietnamese_sort_key(text: str) -> tuple[str, str]:
    """A sort key close to the Vietnamese alphabet where no ICU collation exists (SQLite):
    letters by their base ("Đỗ" among the D's, before "Vũ"), then accents and case."""
    return (fold_vietnamese(text).casefold(), text.casefold())
