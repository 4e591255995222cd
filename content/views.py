from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from rounds.models import Contest
from rounds.selectors import contest_current, contest_rounds

from .models import Announcement, StudyMaterial
from .selectors import announcements_published, contest_rules, materials_by_topic


def rules(request, slug: str | None = None):
    contest = get_object_or_404(Contest, slug=slug, is_active=True) if slug else contest_current()
    context = {
        "contest": contest,
        "rules": contest_rules(contest=contest) if contest else None,
        "rounds": contest_rounds(contest=contest) if contest else [],
    }
    return render(request, "content/rules.html", context)


def material_list(request):
    return render(request, "content/material_list.html", {"groups": materials_by_topic()})


def material_detail(request, slug: str):
    material = get_object_or_404(StudyMaterial, slug=slug, is_published=True)
    return render(request, "content/material_detail.html", {"material": material})


def announcement_list(request):
    page = Paginator(announcements_published(), 20).get_page(request.GET.get("trang"))
    return render(request, "content/announcement_list.html", {"page": page})


def announcement_detail(request, slug: str):
    announcement = get_object_or_404(Announcement, slug=slug, is_published=True)
    return render(request, "content/announcement_detail.html", {"announcement": announcement})
