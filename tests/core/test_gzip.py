"""core.gzip: Django's GZipMiddleware contract at level 1, with random padding per response."""

import gzip

from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from core.gzip import GZipMiddleware, compressed

HTML = ("<p>Câu hỏi số 1: Chuyển đổi số là gì?</p>\n" * 400).encode()


def _middleware(response):
    return GZipMiddleware(lambda request: response)


def _get(accept="gzip, deflate, br"):
    return RequestFactory().get("/", headers={"Accept-Encoding": accept})


def test_compressed_page_decompresses_to_the_same_bytes_with_varying_padding():
    sizes = set()
    for _ in range(30):
        response = _middleware(HttpResponse(HTML))(_get())
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert int(response["Content-Length"]) == len(response.content)
        assert gzip.decompress(response.content) == HTML
        sizes.add(len(response.content))
    assert len(sizes) > 5  # the padding's length changes from response to response


def test_what_django_leaves_alone_stays_alone():
    short = _middleware(HttpResponse(b"ok"))(_get())
    assert "Content-Encoding" not in short
    no_gzip = _middleware(HttpResponse(HTML))(_get(accept="identity"))
    assert no_gzip.content == HTML and "Content-Encoding" not in no_gzip
    encoded = HttpResponse(HTML, headers={"Content-Encoding": "br"})
    assert _middleware(encoded)(_get()).content == HTML


def test_weak_etag_and_streaming_as_django():
    tagged = _middleware(HttpResponse(HTML, headers={"ETag": '"v1"'}))(_get())
    assert tagged["ETag"] == 'W/"v1"'
    streamed = _middleware(StreamingHttpResponse(iter([HTML, HTML])))(_get())
    assert gzip.decompress(b"".join(streamed.streaming_content)) == HTML * 2


def test_padding_is_a_file_name_of_1_to_100_characters():
    for _ in range(50):
        data = compressed(HTML, max_random_bytes=100)
        assert data[3] & gzip.FNAME
        name = data[10 : data.index(b"\x00", 10)]
        assert 1 <= len(name) <= 100 and name.isascii()
