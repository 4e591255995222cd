"""Django's GZipMiddleware at compression level 1, with the same random padding against BREACH.

Every HTML page is compressed by the web process. Django's middleware compresses at level 6
and draws its padding (a random file name in the gzip header, "Heal The Breach") one
`secrets.choice` call per byte. On the quiz page (27.6 kB of HTML), measured on the 2-core
machine (2,000 runs each):

    Django's compress_string (level 6 + padding)   210 µs, 4,308 bytes
    level 1 + padding drawn from one urandom call    80 µs, ≈ 4,770 bytes

a tenth of the quiz page's CPU for 10 % more bytes on the wire (bench/, issue 18). Streaming
responses (exports) keep Django's own path."""

import gzip
import os

from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers

COMPRESS_LEVEL = 1


def compressed(content: bytes, *, max_random_bytes: int) -> bytes:
    """gzip at COMPRESS_LEVEL with a file name of 1..max_random_bytes random hex characters,
    as django.utils.text.compress_string pads it."""
    data = gzip.compress(content, compresslevel=COMPRESS_LEVEL, mtime=0)
    noise = os.urandom(1 + max_random_bytes // 2)
    length = noise[0] % max_random_bytes + 1
    name = noise[1:].hex()[:length].encode() + b"\x00"
    header = bytearray(data[:10])
    header[3] = gzip.FNAME
    return bytes(header) + name + data[10:]


class GZipMiddleware(DjangoGZipMiddleware):
    def process_response(self, request, response):
        if response.streaming:
            return super().process_response(request, response)
        # Django's checks, in Django's order (django.middleware.gzip).
        if len(response.content) < 200 or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        content = compressed(response.content, max_random_bytes=self.max_random_bytes)
        if len(content) >= len(response.content):
            return response
        response.content = content
        response.headers["Content-Length"] = str(len(content))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response
