"""Vietnamese unless the person chose another language with the switch on every page."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware without the browser's Accept-Language: many participants' phones
    (and Zalo's in-app browser) announce English while the contest is Vietnamese, so only the
    language cookie set by the switch (django.views.i18n.set_language) changes the language."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class JsonLocaleMiddleware(VietnameseFirstLocaleMiddleware):
    """The same choice of language for the JSON autosave (core.lean), its messages included,
    without LocaleMiddleware's response headers (Content-Language, and Vary: Accept-Language,
    a header this site never reads): nothing caches or shows a save's answer."""

    def process_response(self, request, response):
        return response
