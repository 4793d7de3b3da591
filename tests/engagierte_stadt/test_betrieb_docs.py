"""The production guide's samples stay true to the code."""

import io
import re
from pathlib import Path

from django.core.management import call_command

from engagierte_stadt.urlwords import prefixes_before

DOCS = Path(__file__).resolve().parents[2] / "docs"


def generated_map() -> str:
    out = io.StringIO()
    call_command("nginx_log_map", stdout=out)
    return out.getvalue()


def test_nginx_sample_masks_every_personal_link_of_the_urlconf():
    sample = (DOCS / "nginx" / "portal.conf").read_text()
    assert generated_map() in sample, "docs/nginx/portal.conf: paste `manage.py nginx_log_map`"
    for prefix in prefixes_before("token"):
        assert prefix.strip("/") in generated_map()


def test_nginx_map_regex_masks_tokens_and_keeps_other_paths():
    # nginx uses PCRE; (?<name>…) is the same in Python's re as (?P<name>…).
    line = next(line for line in generated_map().splitlines() if line.strip().startswith('"~'))
    pattern = re.compile(line.split('"')[1][1:].replace("(?<", "(?P<"))
    found = pattern.match("/meine-daten/Geheim7Token/daten.json")
    assert found and found["portal_prefix"] + "<token>" + found["portal_rest"] == (
        "/meine-daten/<token>/daten.json"
    )
    assert pattern.match("/en/mitmachen/anmeldung/abc/bestaetigen/")
    assert not pattern.match("/mitmachen/beete-giessen/")


def test_nginx_access_log_uses_the_masked_path_without_query_string():
    sample = (DOCS / "nginx" / "portal.conf").read_text()
    log_format = sample.split("log_format portal", 1)[1].split(";", 1)[0]
    assert "$portal_log_uri" in log_format
    for leaky in ("$request ", "$request_uri", "$args", "$query_string", "$http_referer", "$uri"):
        assert leaky not in log_format
    assert "access_log /var/log/nginx/portal.access.log portal;" in sample
    assert "client_max_body_size 12m;" in sample
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in sample
