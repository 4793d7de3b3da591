"""Media in S3-compatible object storage (see README, "Several app servers")."""

from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class BucketMediaStorage(S3Storage):
    """django-storages' S3 storage whose URLs are built by joining strings.

    The pictures are public, so their URLs carry no signature; django-storages still asks
    botocore to build each one (about 0.2 ms: 8 ms for a page of 40 renditions). The bucket's
    base URL is asked for once, and every file's URL is that base plus the file's name.
    """

    _base_url = None

    def url(self, name, parameters=None, expire=None, http_method=None):
        if self.querystring_auth or self.custom_domain or parameters or http_method:
            return super().url(name, parameters, expire, http_method)
        if self._base_url is None:
            probe = "probe"
            self._base_url = super().url(probe).removesuffix(probe)
        return self._base_url + filepath_to_uri(self._normalize_name(clean_name(name)))
