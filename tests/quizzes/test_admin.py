"""The organisers' question-bank pages in admin, driven as a "Ban Tổ chức" user."""

import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from core.models import AuditLogEntry
from quizzes.bank import COLUMNS
from quizzes.models import (
    Attempt,
    AttemptAnswer,
    Difficulty,
    DrawRule,
    Question,
    question_bank_default_id,
)
from rounds.models import Round
from tests.factories import (
    AnsweredLaterAttemptFactory,
    ContestFactory,
    QuestionFactory,
    RoundFactory,
    TopicFactory,
    UserFactory,
)

HEADERS = [label for _key, label, _aliases in COLUMNS]


def _upload(rows, name="cau-hoi.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.name = name
    buffer.seek(0)
    return buffer


def _row(text, correct="A", topic="chu-de-a"):
    return [topic, "Dễ", "một đáp án", text, "Đúng", "Sai", "", "", "", "", correct, "", ""]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- import ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_changelist_links_to_import_template_and_export(organiser_client):
    page = organiser_client.get(reverse("admin:quizzes_question_changelist")).content.decode()
    assert reverse("admin:quizzes_question_import") in page
    assert reverse("admin:quizzes_question_import_template") in page
    assert reverse("admin:quizzes_question_export") in page


@pytest.mark.django_db
def test_import_upload_preview_confirm(organiser_client):
    TopicFactory(name="Chủ đề A", slug="chu-de-a")
    url = reverse("admin:quizzes_question_import")
    assert organiser_client.get(url).status_code == 200

    response = organiser_client.post(
        url, {"file": _upload([_row("Câu một?"), _row("Câu hai?", correct="B")])}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sẽ tạo 2 câu hỏi" in page
    assert "Câu hai?" in page
    assert not Question.objects.exists()  # only a preview

    token = response.context["token"]
    confirm = reverse("admin:quizzes_question_import_confirm")
    response = organiser_client.post(confirm, {"token": token})
    assert response.status_code == 302
    assert sorted(Question.objects.values_list("text", flat=True)) == ["Câu hai?", "Câu một?"]
    assert "Đã nhập 2 câu hỏi vào ngân hàng." in _messages(response)

    # The same preview cannot be imported twice.
    response = organiser_client.post(confirm, {"token": token})
    assert response.status_code == 302
    assert "hết hạn" in _messages(response)[-1]
    assert Question.objects.count() == 2


@pytest.mark.django_db
def test_import_into_a_new_bank_as_inactive_leaves_the_running_round_alone(organiser_client):
    TopicFactory(name="Chủ đề A", slug="chu-de-a")
    RoundFactory()  # running, draws from the default bank
    response = organiser_client.post(
        reverse("admin:quizzes_question_import"),
        {
            "file": _upload([_row("Câu năm sau?")]),
            "new_bank_name": "Ngân hàng câu hỏi năm 2027",
            "as_inactive": "on",
        },
    )
    assert "live_rounds" in response.context and not response.context["live_rounds"]
    response = organiser_client.post(
        reverse("admin:quizzes_question_import_confirm"), {"token": response.context["token"]}
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.bank.name == "Ngân hàng câu hỏi năm 2027"
    assert question.bank.slug == "ngan-hang-cau-hoi-nam-2027"
    assert not question.is_active
    assert not question.bank.contests.exists()


@pytest.mark.django_db
def test_active_import_into_a_running_rounds_bank_needs_its_confirmation(organiser_client):
    TopicFactory(name="Chủ đề A", slug="chu-de-a")
    running = RoundFactory()
    response = organiser_client.post(
        reverse("admin:quizzes_question_import"), {"file": _upload([_row("Câu mới?")])}
    )
    page = response.content.decode()
    assert f"Tôi xác nhận thay đổi câu hỏi được rút của “{running}” đang diễn ra" in page
    confirm = reverse("admin:quizzes_question_import_confirm")
    response = organiser_client.post(confirm, {"token": response.context["token"]})
    assert response.status_code == 409
    assert not Question.objects.exists()
    response = organiser_client.post(
        confirm, {"token": response.context["token"], "confirm_round": [running.pk]}
    )
    assert response.status_code == 302
    assert Question.objects.get().is_active


@pytest.mark.django_db
def test_the_preview_is_kept_out_of_the_session_and_only_its_uploader_confirms_it(
    organiser_client, organiser
):
    """The file waits in the shared cache for the account that uploaded it; the session, which
    every later request of the organiser carries, holds none of it."""
    TopicFactory(name="Chủ đề A", slug="chu-de-a")
    response = organiser_client.post(
        reverse("admin:quizzes_question_import"), {"file": _upload([_row("Câu một?")])}
    )
    token = response.context["token"]
    session = organiser_client.session
    stored = dict(session.items())
    assert not any("import" in key for key in stored)
    assert "Câu một?" not in str(stored)

    other = UserFactory(is_staff=True)
    other.groups.set(organiser.groups.all())
    colleague = Client()
    colleague.force_login(other)
    refused = colleague.post(reverse("admin:quizzes_question_import_confirm"), {"token": token})
    assert "hết hạn" in _messages(refused)[-1]
    assert not Question.objects.exists()
    accepted = organiser_client.post(
        reverse("admin:quizzes_question_import_confirm"), {"token": token}
    )
    assert accepted.status_code == 302
    assert list(Question.objects.values_list("text", flat=True)) == ["Câu một?"]


@pytest.mark.django_db
def test_import_of_a_bad_file_lists_each_row_and_writes_nothing(organiser_client):
    TopicFactory(name="Chủ đề A", slug="chu-de-a")
    rows = [_row("Câu tốt?"), _row("Câu thiếu đáp án?", correct=""), _row("", correct="A")]
    response = organiser_client.post(
        reverse("admin:quizzes_question_import"), {"file": _upload(rows)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tệp có 2 lỗi" in page
    assert "<td>3</td><td>Câu hỏi chưa có phương án đúng.</td>" in page
    assert "<td>4</td><td>Thiếu nội dung câu hỏi.</td>" in page
    assert "Xác nhận nhập" not in page
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_import_of_a_broken_file_is_refused_with_a_message(organiser_client):
    upload = io.BytesIO(b"this is not a spreadsheet")
    upload.name = "cau-hoi.xlsx"
    response = organiser_client.post(reverse("admin:quizzes_question_import"), {"file": upload})
    assert response.status_code == 400
    assert "Tệp không phải bảng tính Excel (.xlsx) hợp lệ." in response.content.decode()


@pytest.mark.django_db
def test_the_template_downloads(organiser_client):
    response = organiser_client.get(reverse("admin:quizzes_question_import_template"))
    assert response.status_code == 200
    assert "mau-nhap-cau-hoi.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["Câu hỏi"]
    assert list(next(sheet.iter_rows(values_only=True))) == HEADERS


@pytest.mark.django_db
def test_export_follows_the_changelist_filters_and_the_action(organiser_client):
    wanted = TopicFactory(name="Được xuất", slug="duoc-xuat")
    QuestionFactory.create_batch(2, topic=wanted)
    other = QuestionFactory(topic=TopicFactory(name="Khác", slug="khac"))
    response = organiser_client.get(
        reverse("admin:quizzes_question_export") + f"?topic__id__exact={wanted.pk}"
    )
    rows = list(load_workbook(io.BytesIO(response.content))["Câu hỏi"].values)
    assert [row[0] for row in rows[1:]] == ["Được xuất", "Được xuất"]

    response = organiser_client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "export_selected", "_selected_action": [other.pk]},
    )
    rows = list(load_workbook(io.BytesIO(response.content))["Câu hỏi"].values)
    assert [row[3] for row in rows[1:]] == [other.text]


# --- editing safety --------------------------------------------------------------------------


@pytest.fixture
def used_question(db, question_bank):
    question = question_bank[0]
    attempt = AnsweredLaterAttemptFactory(round=RoundFactory(state=Round.State.RANKED), score=1)
    choices = list(question.choices.all())
    AttemptAnswer.objects.create(
        attempt=attempt,
        question=question,
        position=1,
        choice_order=[c.pk for c in choices],
        selected=[choices[0].pk],
        is_correct=True,
    )
    return question


@pytest.mark.django_db
def test_deleting_a_used_question_is_refused_and_deactivation_offered(
    organiser_client, used_question
):
    url = reverse("admin:quizzes_question_delete", args=[used_question.pk])
    for response in (organiser_client.get(url), organiser_client.post(url, {"post": "yes"})):
        assert response.status_code == 409
        page = response.content.decode()
        assert "Không thể xóa câu hỏi này vì đã được rút vào bài thi" in page
        assert "Ngừng sử dụng câu hỏi" in page
    assert Question.objects.filter(pk=used_question.pk, is_active=True).exists()

    url = reverse("admin:quizzes_question_deactivate", args=[used_question.pk])
    response = organiser_client.post(url)
    assert response.status_code == 200  # what will happen, first
    assert "1 câu hỏi sẽ không còn được rút vào lượt thi mới" in response.content.decode()
    assert Question.objects.get(pk=used_question.pk).is_active
    response = organiser_client.post(url, {"apply": "1"})
    assert response.status_code == 302
    assert not Question.objects.get(pk=used_question.pk).is_active


@pytest.mark.django_db
def test_an_unused_question_can_still_be_deleted(organiser_client, question_bank):
    question = question_bank[1]
    url = reverse("admin:quizzes_question_delete", args=[question.pk])
    assert organiser_client.post(url, {"post": "yes"}).status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


@pytest.mark.django_db
def test_bulk_delete_refuses_used_questions_and_bulk_deactivate_works(
    organiser_client, used_question, question_bank
):
    changelist = reverse("admin:quizzes_question_changelist")
    selected = [used_question.pk, question_bank[1].pk]
    response = organiser_client.post(
        changelist,
        {"action": "delete_unused_selected", "_selected_action": selected, "post": "yes"},
    )
    assert response.status_code == 302
    assert "Không thể xóa: 1 câu hỏi" in _messages(response)[0]
    assert Question.objects.filter(pk__in=selected).count() == 2

    response = organiser_client.post(
        changelist, {"action": "deactivate_selected", "_selected_action": selected}
    )
    assert "2 câu hỏi sẽ không còn được rút" in response.content.decode()
    assert Question.objects.filter(pk__in=selected, is_active=True).count() == 2
    response = organiser_client.post(
        changelist,
        {"action": "deactivate_selected", "_selected_action": selected, "apply": "1"},
    )
    assert Question.objects.filter(pk__in=selected, is_active=True).count() == 0


@pytest.mark.django_db
def test_bulk_deactivation_of_a_running_rounds_pool_needs_its_confirmation(organiser_client, pool):
    running = RoundFactory(contest=ContestFactory(questions_per_attempt=5))
    DrawRule.objects.create(round=running, topic=pool, difficulty=Difficulty.EASY, count=3)
    DrawRule.objects.create(round=running, topic=pool, difficulty=Difficulty.HARD, count=2)
    bystanders = QuestionFactory.create_batch(30, topic=pool, difficulty=Difficulty.MEDIUM)
    easy = list(Question.objects.filter(topic=pool, difficulty=Difficulty.EASY))
    changelist = reverse("admin:quizzes_question_changelist")
    chosen = {"action": "deactivate_selected", "_selected_action": [easy[0].pk]}
    page = organiser_client.post(changelist, chosen).content.decode()
    assert f"Tôi xác nhận thay đổi câu hỏi được rút của “{running}” đang diễn ra" in page
    assert "Quy tắc “Chính phủ số · Dễ” cần 3 câu nhưng ngân hàng thi chính thức chỉ có 2" in page
    response = organiser_client.post(changelist, chosen | {"apply": "1"}, follow=True)
    assert "Hãy xác nhận từng đợt thi" in response.content.decode()
    assert Question.objects.get(pk=easy[0].pk).is_active
    organiser_client.post(changelist, chosen | {"apply": "1", "confirm_round": [running.pk]})
    assert not Question.objects.get(pk=easy[0].pk).is_active
    assert Question.objects.filter(pk__in=[q.pk for q in bystanders], is_active=True).count() == 30
    entry = AuditLogEntry.objects.get(action="questions_deactivate")
    assert entry.details["confirmed_round_ids"] == [running.pk]


def _question_form(question: Question, correct_index: int) -> dict:
    choices = list(question.choices.all())
    data = {
        "bank": question.bank_id,
        "topic": question.topic_id,
        "difficulty": question.difficulty,
        "kind": question.kind,
        "text": question.text,
        "explanation": question.explanation,
        "source_reference": question.source_reference,
        "is_active": "on",
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": len(choices),
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for index, choice in enumerate(choices):
        data |= {
            f"choices-{index}-id": choice.pk,
            f"choices-{index}-question": question.pk,
            f"choices-{index}-sort_order": choice.sort_order,
            f"choices-{index}-text": choice.text,
        }
        if index == correct_index:
            data[f"choices-{index}-is_correct"] = "on"
    return data


@pytest.mark.django_db
def test_changing_the_key_of_a_used_question_warns_and_offers_a_rescore(
    organiser_client, used_question, django_capture_on_commit_callbacks
):
    url = reverse("admin:quizzes_question_change", args=[used_question.pk])
    response = organiser_client.post(url, _question_form(used_question, correct_index=1))
    assert response.status_code == 302
    warning = _messages(response)[0]
    assert "Bạn vừa đổi đáp án đúng của một câu hỏi đã được rút vào bài thi." in warning
    rescore_url = reverse("admin:quizzes_question_rescore", args=[used_question.pk])
    assert rescore_url in warning
    assert used_question.choices.get(is_correct=True).sort_order == 1

    page = organiser_client.get(rescore_url)
    assert "1 bài thi đã nộp được chấm khác với đáp án hiện tại." in page.content.decode()
    assert "sẽ được xếp hạng lại" in page.content.decode()

    with django_capture_on_commit_callbacks() as callbacks:
        response = organiser_client.post(rescore_url)
    assert response.status_code == 302
    assert len(callbacks) == 1
    attempt = Attempt.objects.get(answers__question=used_question)
    assert attempt.score == 0


@pytest.mark.django_db
def test_saving_a_question_without_a_key_change_does_not_warn(organiser_client, used_question):
    url = reverse("admin:quizzes_question_change", args=[used_question.pk])
    response = organiser_client.post(url, _question_form(used_question, correct_index=0))
    assert response.status_code == 302
    assert not any("đổi đáp án" in m for m in _messages(response))


# --- rounds: draw rules, draw preview, statistics --------------------------------------------


def _round_form(round: Round, rules, *, confirm_live: bool = True) -> dict:
    starts = timezone.localtime(round.starts_at)
    ends = timezone.localtime(round.ends_at)
    data = {
        "contest": round.contest_id,
        "number": round.number,
        "name": round.name,
        "starts_at_0": starts.strftime("%Y-%m-%d"),
        "starts_at_1": starts.strftime("%H:%M:%S"),
        "ends_at_0": ends.strftime("%Y-%m-%d"),
        "ends_at_1": ends.strftime("%H:%M:%S"),
        "prize_tiers-TOTAL_FORMS": 0,
        "prize_tiers-INITIAL_FORMS": 0,
        "prize_tiers-MIN_NUM_FORMS": 0,
        "prize_tiers-MAX_NUM_FORMS": 1000,
        "draw_rules-TOTAL_FORMS": len(rules),
        "draw_rules-INITIAL_FORMS": 0,
        "draw_rules-MIN_NUM_FORMS": 0,
        "draw_rules-MAX_NUM_FORMS": 1000,
    }
    if confirm_live:
        data["confirm_live_change"] = "on"
    for index, (topic, difficulty, count) in enumerate(rules):
        data |= {
            f"draw_rules-{index}-topic": topic.pk if topic else "",
            f"draw_rules-{index}-difficulty": difficulty,
            f"draw_rules-{index}-count": count,
        }
    return data


@pytest.fixture
def pool(db):
    topic = TopicFactory(name="Chính phủ số", slug="chinh-phu-so")
    QuestionFactory.create_batch(3, topic=topic, difficulty=Difficulty.EASY)
    QuestionFactory.create_batch(2, topic=topic, difficulty=Difficulty.HARD)
    return topic


@pytest.mark.django_db
def test_round_with_unsatisfiable_draw_rules_is_not_saved(organiser_client, pool):
    round = RoundFactory(contest=ContestFactory(questions_per_attempt=5))
    url = reverse("admin:rounds_round_change", args=[round.pk])
    response = organiser_client.post(
        url, _round_form(round, [(pool, Difficulty.EASY, 4), (pool, Difficulty.HARD, 1)])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Quy tắc “Chính phủ số · Dễ” cần 4 câu nhưng ngân hàng thi chính thức chỉ có 3 câu" in page
    )
    assert not DrawRule.objects.exists()

    response = organiser_client.post(url, _round_form(round, [(pool, Difficulty.EASY, 3)]))
    assert response.status_code == 200
    assert "phải bằng số câu hỏi mỗi lượt của cuộc thi (5)" in response.content.decode()
    assert not DrawRule.objects.exists()

    response = organiser_client.post(
        url, _round_form(round, [(pool, Difficulty.EASY, 3), (pool, Difficulty.HARD, 2)])
    )
    assert response.status_code == 302
    assert DrawRule.objects.filter(round=round).count() == 2


@pytest.mark.django_db
def test_preview_a_draw_shows_one_draw_by_the_rules(organiser_client, pool):
    round = RoundFactory(contest=ContestFactory(questions_per_attempt=3))
    DrawRule.objects.create(round=round, topic=pool, difficulty=Difficulty.HARD, count=2)
    DrawRule.objects.create(round=round, topic=pool, difficulty=Difficulty.EASY, count=1)
    response = organiser_client.post(
        reverse("admin:rounds_round_changelist"),
        {"action": "preview_draw", "_selected_action": [round.pk]},
    )
    assert response.status_code == 200
    drawn = response.context["questions"]
    assert sorted(q.difficulty for q in drawn) == [1, 3, 3]
    assert "Xem thử một lần rút câu hỏi" in response.content.decode()


@pytest.mark.django_db
def test_preview_a_draw_of_a_pool_too_small_says_so(organiser_client, pool):
    round = RoundFactory(contest=ContestFactory(questions_per_attempt=50))
    response = organiser_client.post(
        reverse("admin:rounds_round_changelist"),
        {"action": "preview_draw", "_selected_action": [round.pk]},
        follow=True,
    )
    assert "chưa đủ câu" in response.content.decode()


@pytest.mark.django_db
def test_question_statistics_page_sorts_and_exports(organiser_client, used_question):
    round = Round.objects.get(attempts__answers__question=used_question)
    url = reverse("admin:quizzes_round_question_stats", args=[round.pk])
    page = organiser_client.get(url + "?o=-discrimination")
    assert page.status_code == 200
    assert page.context["stats"][0].question_id == used_question.pk
    assert "Độ phân biệt" in page.content.decode()
    workbook = organiser_client.get(url + "?format=xlsx")
    rows = list(load_workbook(io.BytesIO(workbook.content)).active.values)
    assert rows[1][0] == used_question.pk

    action = organiser_client.post(
        reverse("admin:rounds_round_changelist"),
        {"action": "show_question_stats", "_selected_action": [round.pk]},
    )
    assert action.status_code == 302 and action.url == url


@pytest.mark.django_db
def test_question_statistics_wait_for_the_round_to_close(organiser_client, open_round):
    url = reverse("admin:quizzes_round_question_stats", args=[open_round.pk])
    page = organiser_client.get(url)
    assert "Đợt thi chưa kết thúc" in page.content.decode()
    assert page.context["stats"] == []


@pytest.mark.django_db
def test_an_option_of_a_used_question_cannot_be_removed(organiser_client, used_question):
    data = _question_form(used_question, correct_index=0)
    data["choices-3-DELETE"] = "on"
    url = reverse("admin:quizzes_question_change", args=[used_question.pk])
    response = organiser_client.post(url, data)
    assert response.status_code == 200
    assert "Không thể xóa phương án của câu hỏi đã được rút vào bài thi." in (
        response.content.decode()
    )
    assert used_question.choices.count() == 4


@pytest.mark.django_db
def test_an_option_of_an_unused_question_can_be_removed(organiser_client, question_bank):
    question = question_bank[1]
    data = _question_form(question, correct_index=0)
    data["choices-3-DELETE"] = "on"
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    assert organiser_client.post(url, data).status_code == 302
    assert question.choices.count() == 3


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_before_reading(organiser_client):
    upload = io.BytesIO(b"x" * (5 * 1024 * 1024 + 1))
    upload.name = "to.csv"
    response = organiser_client.post(reverse("admin:quizzes_question_import"), {"file": upload})
    assert response.status_code == 400
    assert "Tệp quá lớn (tối đa 5 MB)" in response.content.decode()


@pytest.mark.django_db
def test_preview_a_draw_explains_which_rule_the_pool_cannot_satisfy(organiser_client, pool):
    round = RoundFactory(contest=ContestFactory(questions_per_attempt=3))
    DrawRule.objects.create(round=round, topic=pool, difficulty=Difficulty.HARD, count=3)
    Question.objects.filter(difficulty=Difficulty.HARD).update(is_active=False)
    response = organiser_client.post(
        reverse("admin:rounds_round_changelist"),
        {"action": "preview_draw", "_selected_action": [round.pk]},
        follow=True,
    )
    assert "Quy tắc “Chính phủ số · Khó” cần 3 câu" in response.content.decode()


@pytest.mark.django_db
def test_adding_a_question_in_admin_validates_options_and_logs_no_key_change(organiser_client):
    topic = TopicFactory()
    data = {
        "bank": question_bank_default_id(),
        "topic": topic.pk,
        "difficulty": Difficulty.EASY,
        "kind": Question.Kind.SINGLE,
        "text": "Câu hỏi mới thêm trong admin?",
        "is_active": "on",
        "choices-TOTAL_FORMS": 2,
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
        "choices-0-sort_order": 0,
        "choices-0-text": "Đúng",
        "choices-0-is_correct": "on",
        "choices-1-sort_order": 1,
        "choices-1-text": "Sai",
    }
    url = reverse("admin:quizzes_question_add")
    assert organiser_client.post(url, data).status_code == 302
    assert Question.objects.get(text="Câu hỏi mới thêm trong admin?").choices.count() == 2
    assert not AuditLogEntry.objects.filter(action="question_key_change").exists()

    data |= {"text": "Câu thứ hai?", "choices-1-is_correct": "on"}
    response = organiser_client.post(url, data)
    assert response.status_code == 200
    assert "chỉ được có đúng một phương án đúng" in response.content.decode()


@pytest.mark.django_db
def test_running_round_draw_rules_change_needs_the_confirmation_naming_it(organiser_client, pool):
    round = RoundFactory(contest=ContestFactory(questions_per_attempt=5))
    url = reverse("admin:rounds_round_change", args=[round.pk])
    page = organiser_client.get(url).content.decode()
    assert f"Tôi xác nhận thay đổi câu hỏi được rút của “{round}” đang diễn ra" in page
    rules = [(pool, Difficulty.EASY, 3), (pool, Difficulty.HARD, 2)]
    response = organiser_client.post(url, _round_form(round, rules, confirm_live=False))
    assert response.status_code == 200
    assert f"“{round}” đang diễn ra" in response.content.decode()
    assert not DrawRule.objects.exists()
    response = organiser_client.post(url, _round_form(round, rules))
    assert response.status_code == 302
    assert DrawRule.objects.filter(round=round).count() == 2


@pytest.mark.django_db
def test_scheduled_round_rules_change_needs_no_confirmation(organiser_client, pool):
    later = timezone.now() + dt.timedelta(days=7)
    round = RoundFactory(
        contest=ContestFactory(questions_per_attempt=5),
        starts_at=later,
        ends_at=later + dt.timedelta(days=4),
    )
    url = reverse("admin:rounds_round_change", args=[round.pk])
    assert "Tôi xác nhận" not in organiser_client.get(url).content.decode()
    rules = [(pool, Difficulty.EASY, 3), (pool, Difficulty.HARD, 2)]
    response = organiser_client.post(url, _round_form(round, rules, confirm_live=False))
    assert response.status_code == 302


@pytest.mark.django_db
def test_published_round_window_prizes_and_rules_are_locked(organiser_client, pool):
    past = timezone.now() - dt.timedelta(days=10)
    round = RoundFactory(
        contest=ContestFactory(questions_per_attempt=5),
        starts_at=past,
        ends_at=past + dt.timedelta(days=4),
        state=Round.State.PUBLISHED,
    )
    url = reverse("admin:rounds_round_change", args=[round.pk])
    data = _round_form(round, [])
    data["ends_at_0"] = (timezone.localtime(round.ends_at) + dt.timedelta(days=1)).strftime(
        "%Y-%m-%d"
    )
    response = organiser_client.post(url, data)
    assert response.status_code == 200
    assert "Hãy hủy công bố kết quả trước" in response.content.decode()
    response = organiser_client.post(
        url, _round_form(round, [(pool, Difficulty.EASY, 3), (pool, Difficulty.HARD, 2)])
    )
    assert "Hãy hủy công bố kết quả trước" in response.content.decode()
    data = _round_form(round, [])
    data |= {
        "prize_tiers-TOTAL_FORMS": 1,
        "prize_tiers-0-order": 1,
        "prize_tiers-0-name": "Giải Nhất",
        "prize_tiers-0-count": 1,
    }
    response = organiser_client.post(url, data)
    assert "Hãy hủy công bố kết quả trước" in response.content.decode()
    round.refresh_from_db()
    assert round.ends_at == past + dt.timedelta(days=4)
    assert not round.prize_tiers.exists() and not DrawRule.objects.exists()
    # Its name can still be corrected.
    data = _round_form(round, [])
    data["name"] = "Đợt 1 (đã sửa tên)"
    assert organiser_client.post(url, data).status_code == 302


@pytest.mark.django_db
def test_deactivating_one_question_of_a_running_round_in_its_form_needs_the_confirmation(
    organiser_client, question_bank
):
    running = RoundFactory()
    question = question_bank[3]
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = _question_form(question, correct_index=0)
    data.pop("is_active", None)
    response = organiser_client.post(url, data)
    assert response.status_code == 200
    assert f"đợt thi đang diễn ra: {running}" in response.content.decode()
    assert Question.objects.get(pk=question.pk).is_active
    response = organiser_client.post(url, data | {"confirm_live_change": "on"})
    assert response.status_code == 302
    assert not Question.objects.get(pk=question.pk).is_active
