"""The floor `vangnet bench` compares against: a view that does nothing, behind the same
middleware and login as the real pages. Only routed when VANGNET_BENCH=1."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
