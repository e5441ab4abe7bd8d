"""axes' lockout backend, letting the test client's request-less `login()` through."""

from axes.backends import AxesStandaloneBackend


class RequestOptionalAxesBackend(AxesStandaloneBackend):
    """Production uses AxesStandaloneBackend itself, which fails closed without a request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:  # the test client's login(): no client, nothing to count
            return None
        return super().authenticate(request, username, password, **kwargs)
