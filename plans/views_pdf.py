"""PDF downloads: the plan page's visibility rules; cached by ETag per plan and reader."""

from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import condition

from .models import Plan
from .pdf import fingerprint, plan_pdf, report_audience
from .views import visible_plan


def _etag(report: bool):
    def etag(request: HttpRequest, pk: int):
        plan = (
            Plan.objects.visible_to(request.user)
            .select_related("organisation")
            .filter(pk=pk)
            .first()
        )
        if plan is None:
            return None
        return fingerprint(plan, report, report_audience(request.user, plan))

    return etag


def _download(request: HttpRequest, pk: int, *, report: bool) -> HttpResponse:
    plan = visible_plan(request, pk)
    body, etag = plan_pdf(plan, report=report, audience=report_audience(request.user, plan))
    name = slugify(f"{plan.organisation.slug} {plan.title}{' rapport' if report else ''}")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["ETag"] = f'"{etag}"'
    response["Cache-Control"] = "private, no-cache"
    return response


@condition(etag_func=_etag(report=False))
def plan_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, report=False)


@condition(etag_func=_etag(report=True))
def report_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, report=True)
