"""gunicorn settings for production. Every value can be overridden by an environment variable.

Start with: gunicorn -c gunicorn.conf.py engagierte_stadt.wsgi
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: (2 × cores) + 1 is gunicorn's rule of thumb; capped so a big host does not
# open more database connections than PostgreSQL allows.
workers = int(os.environ.get("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 12)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "sync"

# A request that takes longer than this is killed; uploads and PDF generation stay below it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Recycle workers now and then so slow leaks never grow; jitter keeps them from restarting
# all at once. A fresh worker makes its first pages slowly (templates, connections), so not
# too often: at 1 000 the benchmark's p99 was 200-600 ms from recycling alone, 5-7 ms without.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "1000"))

# Load Django once in the master and fork the workers from it: a recycled worker starts in
# milliseconds instead of importing everything again (the benchmark saw p99 spikes of a second
# at every recycle), and the workers share the loaded code's memory. Nothing opens a database
# or cache connection while the app loads; each worker opens its own on its first request.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes", "on")

# Behind a reverse proxy (nginx, Apache) on the same host: trust its X-Forwarded-* headers.
# Set GUNICORN_FORWARDED_ALLOW_IPS to the proxy's address if it runs elsewhere.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# No runtime control socket: nothing needs it, and two instances would fight over it.
control_socket_disable = True

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# The access log line without the referrer and the query string, with the tokens of personal
# links masked (engagierte_stadt.gunicorn_logging), and the request id that the portal's own
# log lines carry too.
logger_class = "engagierte_stadt.gunicorn_logging.AccessLogWithoutTokens"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" %({x-request-id}o)s'


def pre_fork(server, worker):
    """Before each fork: move everything the master loaded (the whole warmed-up portal) out
    of the garbage collector's reach. A forked worker shares those pages with the master;
    without this, its first collections touch every object and the kernel copies the pages,
    which made the first requests of a recycled worker take hundreds of milliseconds."""
    import gc

    gc.freeze()


def post_fork(server, worker):
    """In each new worker, before its first request: its own database and cache connections
    (engagierte_stadt.warmup.connect_worker), so no visitor waits for them after a recycle."""
    from engagierte_stadt.warmup import connect_worker

    connect_worker()
