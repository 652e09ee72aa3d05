"""Security headers on every answer: a CSP allowing only our own origin, no sniffing, no framing."""
from flask import abort, request

CSP = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if response.mimetype in ("application/json", "text/html"):
        # Pages and answers carry personal data: keep them out of shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def refuse_nul_bytes():
    """A NUL byte in a path or query is never meant; PostgreSQL cannot even compare with it."""
    if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
        abort(400)


def register_security(app) -> None:
    app.before_request(refuse_nul_bytes)
    app.after_request(set_security_headers)
