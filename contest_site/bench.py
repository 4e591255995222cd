"""Only with BENCH_ENDPOINTS on (the load-test harness in bench/ sets it; never in production):
an empty view, the reference the hot paths are measured against, and a middleware that tells
the client how many SQL statements each request ran (response header X-Bench-Queries) and
which worker process served it (X-Bench-Worker: the harness refuses a run where one worker
served most requests)."""

import os

from django.db import connections
from django.http import HttpResponse

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def empty(request):
    """The cheapest Django response: the whole middleware stack and nothing else."""
    return HttpResponse(b"ok", content_type="text/plain")


class QueryCountMiddleware:
    """Outermost middleware: counts every SQL statement of the request (session, account,
    view) in every database connection. BEGIN and COMMIT are the driver's (psycopg2) and pass
    no execute wrapper; savepoints are counted apart (X-Bench-Transaction)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counts = {"queries": 0, "transaction": 0}

        def count(execute, sql, params, many, context):
            kind = (
                "transaction" if sql.lstrip().upper().startswith(TRANSACTION_CONTROL) else "queries"
            )
            counts[kind] += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(count) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Bench-Queries"] = str(counts["queries"])
        response["X-Bench-Transaction"] = str(counts["transaction"])
        response["X-Bench-Worker"] = str(os.getpid())
        return response
