"""The load test's helpers (contest_site/bench.py) exist only when BENCH_ENDPOINTS is on."""

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import RequestFactory

from contest_site.bench import QueryCountMiddleware


def test_the_empty_view_is_not_served_by_default(client, db):
    assert client.get("/bench/empty/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_query_count_header_counts_the_statements_of_a_request():
    from django.db import transaction

    def view(request):
        with transaction.atomic():
            get_user_model().objects.count()
            get_user_model().objects.exists()
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    # BEGIN and COMMIT are the driver's, not statements: counted in neither header.
    assert response["X-Bench-Queries"] == "2"
    assert response["X-Bench-Transaction"] == "0"


def test_the_response_names_the_worker_that_served_it():
    import os

    response = QueryCountMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().get("/"))

    assert response["X-Bench-Worker"] == str(os.getpid())
