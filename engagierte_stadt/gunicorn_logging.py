"""gunicorn's access log without personal links: the path with tokens masked, no query string.

`gunicorn.conf.py` sets `logger_class` to `AccessLogWithoutTokens`. The request line (`%(r)s`),
the path (`%(U)s`) and the query string (`%(q)s`) are rewritten; the referrer (`%(f)s`), which
may be a personal link, is dropped. The masking is the one of the portal's own logs
(`engagierte_stadt.logs.mask_path`), read from the URLconf once the worker has loaded Django.
"""

from gunicorn.glogging import Logger

from engagierte_stadt.logs import mask_path


class AccessLogWithoutTokens(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = mask_path(environ.get("PATH_INFO") or "/")
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        atoms["U"] = path
        atoms["q"] = ""
        atoms["f"] = "-"
        atoms["{referer}i"] = "-"
        for key in ("{raw_uri}e", "{query_string}e", "{path_info}e", "{http_referer}e"):
            atoms.pop(key, None)
        return atoms
