"""Security headers on every answer: a CSP allowing only our own origin, no sniffing, no framing."""

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


def register_security(app) -> None:
    app.after_request(set_security_headers)
