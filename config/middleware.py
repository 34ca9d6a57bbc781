"""Language: Simplified Chinese for everyone unless they chose English (SPEC: Chinese by default).

Django's LocaleMiddleware would follow the browser's Accept-Language, so a clerk on an
English-language browser would get an English admin; only an explicit choice (the language
cookie, set by /i18n/setlang/) switches here.
"""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
