from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .selectors import health_report


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: 200 while the database answers (even with the cache
    or broker down: "degraded"), 503 when it does not."""
    report = health_report()
    status = 503 if report["status"] == "down" else 200
    return JsonResponse(report, status=status, json_dumps_params={"ensure_ascii": False})
