"""Security headers on every answer: a CSP allowing only our own origin, no sniffing, no framing,
nothing personal in any cache, HSTS over HTTPS; and requests no handler should ever see refused."""
import json

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


HSTS = "max-age=31536000; includeSubDomains"
NESTING = 64  # brackets a JSON body may open in all before its nesting is checked


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "static":
        # Pages, answers and exports carry personal data: kept by no cache, the browser's included.
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def refuse_nul_bytes():
    """A NUL byte in a path or query is never meant; PostgreSQL cannot even compare with it."""
    if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
        abort(400)


def refuse_deep_json():
    """A JSON body nested thousands deep makes the parser recurse past Python's limit (a 500):
    400 instead. Only a body with many brackets can be that deep, so most are not parsed here."""
    if not request.is_json:
        return
    body = request.get_data(cache=True)
    if body.count(b"[") + body.count(b"{") <= NESTING:
        return
    try:
        json.loads(body)
    except RecursionError:
        abort(400)
    except ValueError:
        pass  # malformed: the API's own parser says so


def register_security(app) -> None:
    app.before_request(refuse_nul_bytes)
    app.before_request(refuse_deep_json)
    app.after_request(set_security_headers)
