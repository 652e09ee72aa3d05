"""gunicorn's settings for a county server (docs/deploy.md: `gunicorn -c gunicorn.conf.py wsgi:app`).

One worker per core: the requests are mostly Python, more processes than cores only queue; the
threads cover the waits on PostgreSQL. The keep-alive outlasts the pauses of clients that reuse
connections."""
import multiprocessing

bind = "127.0.0.1:8000"
workers = multiprocessing.cpu_count()
threads = 8
keepalive = 30
timeout = 60

# The access log names the path, never the query string or the Referer: a search such as
# GET /api/v1/workers?q=<an ID number> must not leave the number in a log file.
accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
