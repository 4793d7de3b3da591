"""Media in S3-compatible object storage: a picture uploaded through the admin lands in the
bucket with its renditions, and the page's <img> points there.

The bucket is moto's S3 server, started on 127.0.0.1 for this module (no network). The storage
entry comes from `settings.s3_media_storage`, the same function that reads DJANGO_S3_* in
production.
"""

import json
import os
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from PIL import Image

from engagierte_stadt.settings import s3_media_storage
from quartiere.models import ProjectImage
from tests.factories import ProjectFactory, QuartierFactory, login_staff
from tests.picture_files import gps_jpeg
from tests.quartiere.test_uploads import project_form

BUCKET = "portal-media"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 in server mode on a free local port, with fake credentials."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {
        "DJANGO_S3_BUCKET": BUCKET,
        "DJANGO_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "DJANGO_S3_REGION": "eu-central-1",
        "DJANGO_S3_ACCESS_KEY_ID": "testing",
        "DJANGO_S3_SECRET_ACCESS_KEY": "testing",
        "DJANGO_S3_URL_PROTOCOL": "http:",
        "DJANGO_S3_DEFAULT_ACL": "public-read",
    }
    yield env
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    """An empty bucket as the portal's media storage; MEDIA_ROOT must stay empty."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_server["DJANGO_S3_ENDPOINT_URL"],
        region_name="eu-central-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {**settings.STORAGES, "default": s3_media_storage(s3_server)}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def bucket_keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def image_urls(html: str, alt: str) -> list[str]:
    tag = re.search(rf'<img[^>]*alt="{re.escape(alt)}"[^>]*>', html).group(0)
    src = re.search(r'\ssrc="([^"]+)"', tag).group(1)
    srcset = re.search(r'\ssrcset="([^"]+)"', tag).group(1)
    return [src] + [part.strip().split(" ")[0] for part in srcset.split(",")]


@pytest.mark.django_db
def test_admin_upload_goes_to_the_bucket_and_the_page_serves_renditions_from_it(
    bucket, s3_server, client, tmp_path
):
    staff = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    login_staff(client, staff)
    welper = QuartierFactory(name="Welper", slug="welper")
    project = ProjectFactory(quartier=welper, slug="repair-cafe")
    upload = SimpleUploadedFile("Fahrrad.jpg", gps_jpeg((1800, 1200)), "image/jpeg")

    response = client.post(
        f"/admin/quartiere/project/{project.pk}/change/",
        project_form(welper, upload, project=project),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    picture = ProjectImage.objects.get(project=project)
    keys = bucket_keys(bucket)
    # The original and its renditions (card 400/800, detail 800/1600, each in AVIF, WebP and
    # JPEG), nothing on disk.
    assert picture.image.name in keys
    renditions = [key for key in keys if key.startswith("renditions/")]
    assert (
        sorted(key.rsplit(".", 1)[1] for key in renditions)
        == ["avif"] * 4 + ["jpg"] * 4 + ["webp"] * 4
    )
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.*"))

    page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    urls = image_urls(page.content.decode(), "Menschen reparieren ein Fahrrad")
    bucket_url = f"{s3_server['DJANGO_S3_ENDPOINT_URL']}/{BUCKET}/"
    assert urls and all(url.startswith(bucket_url + "renditions/") for url in urls)
    for url in set(urls):
        assert url.removeprefix(bucket_url) in keys
        with urllib.request.urlopen(url, timeout=10) as served:  # noqa: S310 - local moto
            assert served.status == 200
            assert "max-age=31536000" in served.headers["Cache-Control"]
            with Image.open(served) as rendition:
                assert rendition.format == "JPEG"


def production_settings(**environ) -> dict:
    """STORAGES, SERVE_MEDIA and the CSP's img-src of the production settings with `environ`."""
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.STORAGES['default']['BACKEND'], s.SERVE_MEDIA, "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(DJANGO_SETTINGS_MODULE="engagierte_stadt.settings", DJANGO_SECRET_KEY="x", **environ)
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_bucket_from_the_environment_is_the_media_storage_and_allowed_by_the_csp():
    backend, serve_media, img_src = production_settings(
        DJANGO_S3_BUCKET=BUCKET, DJANGO_S3_ENDPOINT_URL="https://s3.example.net"
    )
    assert backend == "engagierte_stadt.media_storage.BucketMediaStorage"
    assert serve_media is False
    assert img_src == ["'self'", "data:", "https://s3.example.net"]


def test_without_a_bucket_media_stays_on_disk_and_the_csp_allows_only_the_portal():
    backend, serve_media, img_src = production_settings()
    assert backend == "django.core.files.storage.FileSystemStorage"
    assert serve_media is True
    assert img_src == ["'self'", "data:"]


@pytest.mark.parametrize(
    "environ",
    [
        {"DJANGO_S3_ENDPOINT_URL": "https://s3.example.net"},
        {
            "DJANGO_S3_ENDPOINT_URL": "https://s3.example.net",
            "DJANGO_S3_ADDRESSING_STYLE": "virtual",
        },
        {"DJANGO_S3_REGION": "eu-central-1"},
    ],
    ids=["path-style", "virtual-host", "aws"],
)
def test_bucket_urls_are_the_ones_botocore_would_build(environ):
    """The storage joins strings instead of asking botocore for every URL; same result."""
    from django.utils.module_loading import import_string
    from storages.backends.s3 import S3Storage

    config = s3_media_storage({"DJANGO_S3_BUCKET": BUCKET, **environ})
    storage = import_string(config["BACKEND"])(**config["OPTIONS"])
    for name in (
        "projekte/0123456789abcdef0123456789abcdef.jpg",
        "renditions/projekte/0123456789abcdef/fedcba9876543210.jpg",
        "konferenzen/protokolle/Protokoll März 2026.pdf",
    ):
        assert storage.url(name) == S3Storage.url(storage, name)
