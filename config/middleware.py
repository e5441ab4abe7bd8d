from csp.middleware import CSPMiddleware
from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class LanguageMiddleware:
    """Chinese unless the user picked another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; the officials who
    use Xietong work in Chinese whatever their browser says, so only the explicit choice
    (the language cookie set by the switch) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class PrivatePagesMiddleware:
    """Signed-in pages are never stored by a browser or a proxy.

    They carry case files, names and ID numbers: `Cache-Control: private, no-store` keeps
    them out of shared caches and out of the browser's disk cache, so the back button on a
    shared office computer after logging out shows nothing. Static files (served before this
    runs, by WhiteNoise) and responses that set their own Cache-Control are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and "Cache-Control" not in response
            and response.get("Content-Type", "").startswith("text/html")
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


class PageSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) on HTML pages.

    Every script and style comes from our own static files; the one inline style element
    (Turbo's progress bar) carries the request's nonce. PDFs, files and .ics downloads are
    not pages and get no policy (a policy on a PDF can stop the browser's own viewer) — unless
    their view sets one with django-csp's decorators (the statistics' SVG charts: an SVG opened
    on its own is a document).
    """

    OWN_POLICY = ("_csp_config", "_csp_update", "_csp_replace")

    def process_response(self, request, response):
        own = any(hasattr(response, name) for name in self.OWN_POLICY)
        if not own and not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
