"""The reader's display choices (larger text, high contrast), kept in cookies by
static/js/site-tools.js so that the server renders the page in them from the first paint."""

from django.http import HttpRequest


def page_classes(cookies) -> str:
    """The <html> element's classes for these cookies."""
    classes = []
    if cookies.get("a11y_text") == "large":
        classes.append("text-large")
    if cookies.get("a11y_contrast") == "high":
        classes.append("high-contrast")
    return " ".join(classes)


def accessibility(request: HttpRequest) -> dict:
    """Context processor: `a11y_classes` for base.html."""
    return {"a11y_classes": page_classes(request.COOKIES)}
