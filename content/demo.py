"""Demo data of this app for seed_demo: rules, study materials and announcements (the
directive that launched the Thanh Hóa contest is the first one)."""

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.utils.html import escape

from quizzes.models import Topic
from rounds.demo import DEMO_SLUG, THANH_HOA_SLUG, local_midnight
from rounds.models import Contest

from .models import Announcement, ContestRules, StudyMaterial

DIRECTIVE_FILE = Path(__file__).parent / "demo_data" / "directive.txt"

RULES_BODY = """
<h2>I. Đối tượng dự thi</h2>
<p>Cán bộ, công chức, viên chức, người lao động, đoàn viên, hội viên và Nhân dân đang sinh sống,
học tập, làm việc trên địa bàn tỉnh Thanh Hóa. Thành viên Ban Tổ chức, Tổ giúp việc, người soạn
câu hỏi được dự thi nhưng không xét giải.</p>
<h2>II. Hình thức và nội dung thi</h2>
<ul>
<li>Thi trắc nghiệm trực tuyến trên máy tính hoặc điện thoại thông minh.</li>
<li>Mỗi lượt thi gồm 20 câu hỏi chọn ngẫu nhiên từ ngân hàng câu hỏi và 01 câu hỏi dự đoán số
người có bài thi đạt điểm tuyệt đối trong đợt.</li>
<li>Thời gian làm bài tối đa 20 phút; mỗi người được thi tối đa 03 lượt mỗi đợt, lượt có kết quả
cao nhất được tính.</li>
</ul>
<h2>III. Thời gian tổ chức</h2>
<p>04 đợt, mỗi đợt bắt đầu từ 00h ngày thứ Hai và kết thúc vào 00h ngày thứ Sáu cùng tuần.</p>
<h2>IV. Cách tính điểm và xếp giải</h2>
<p>Mỗi câu trả lời đúng được 01 điểm. Giải được xét theo thứ tự: điểm cao hơn; nếu bằng điểm thì
dự đoán gần đúng hơn; rồi thời gian làm bài ít hơn; rồi thời điểm nộp bài sớm hơn.</p>
<h2>V. Cơ cấu giải thưởng mỗi đợt</h2>
<ul><li>01 giải Nhất</li><li>02 giải Nhì</li><li>03 giải Ba</li><li>05 giải Khuyến khích</li></ul>
<p>Giải tập thể dành cho đơn vị có tỷ lệ cán bộ, công chức, viên chức, người lao động tham gia
cao nhất (tối thiểu 50%; chỉ tiêu của tỉnh là 80%).</p>
"""

DEMO_ANNOUNCEMENT_BODY = """
<p>Bản dùng thử của nền tảng có một đợt thi đang mở và phần <strong>Thi thử</strong>: thi thử
không giới hạn số lượt, xem ngay đáp án và giải thích sau khi nộp bài, không tính vào xếp hạng.</p>
<p>Người dự thi tải giấy chứng nhận tham gia, chứng nhận đạt giải của các đợt đã công bố kết quả
tại trang <em>Lịch sử thi</em>; mã QR trên giấy chứng nhận dẫn tới trang xác thực.</p>
"""

MATERIALS = [
    (
        "chuong-trinh-quoc-gia",
        "chuong-trinh-chuyen-doi-so-quoc-gia",
        "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030",
        "Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ.",
        """<p>Chương trình được phê duyệt tại Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng
Chính phủ, với mục tiêu kép: phát triển Chính phủ số, kinh tế số, xã hội số và hình thành các
doanh nghiệp công nghệ số Việt Nam có năng lực đi ra toàn cầu.</p>
<p>Quan điểm xuyên suốt: <strong>nhận thức đóng vai trò quyết định</strong> trong chuyển đổi số;
người dân là trung tâm của chuyển đổi số.</p>""",
    ),
    (
        "chu-truong-su-kien-thanh-hoa",
        "ngay-chuyen-doi-so-quoc-gia",
        "Ngày Chuyển đổi số quốc gia 10/10",
        "Quyết định số 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ.",
        """<p>Thủ tướng Chính phủ quyết định lấy ngày 10 tháng 10 hằng năm là Ngày Chuyển đổi số
quốc gia (Quyết định số 505/QĐ-TTg ngày 22/4/2022), nhằm nâng cao nhận thức của toàn xã hội về
vai trò, ý nghĩa, lợi ích của chuyển đổi số.</p>""",
    ),
    (
        "an-ninh-mang-du-lieu-ca-nhan",
        "an-toan-khi-su-dung-mang",
        "Sử dụng mạng an toàn: mật khẩu, xác thực hai lớp, phòng tránh lừa đảo",
        "Kỹ năng số cơ bản cho mọi người.",
        """<ul><li>Dùng mật khẩu dài, khác nhau cho mỗi tài khoản; bật xác thực hai lớp.</li>
<li>Không cung cấp mã OTP cho bất kỳ ai, kể cả người tự xưng là cán bộ ngân hàng, công an.</li>
<li>Kiểm tra kỹ đường dẫn trước khi bấm; chỉ cài ứng dụng từ kho ứng dụng chính thức.</li></ul>""",
    ),
]


def _directive_html() -> str:
    text = DIRECTIVE_FILE.read_text(encoding="utf-8").strip()
    paragraphs = [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]
    return "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)


@transaction.atomic
def demo_content_seed() -> None:
    for slug in (THANH_HOA_SLUG, DEMO_SLUG):
        contest = Contest.objects.get(slug=slug)
        ContestRules.objects.update_or_create(contest=contest, defaults={"body": RULES_BODY})
    thanh_hoa = Contest.objects.get(slug=THANH_HOA_SLUG)
    Announcement.objects.update_or_create(
        slug="phat-dong-cuoc-thi-chuyen-doi-so-2024",
        defaults={
            "contest": thanh_hoa,
            "title": "Phổ biến nội dung và phát động Cuộc thi trực tuyến tìm hiểu về chuyển đổi "
            "số tỉnh Thanh Hóa năm 2024",
            "body": _directive_html(),
            "is_pinned": True,
            "is_published": True,
            "published_at": local_midnight(dt.date(2024, 9, 3)) + dt.timedelta(hours=8),
        },
    )
    demo = Contest.objects.get(slug=DEMO_SLUG)
    Announcement.objects.update_or_create(
        slug="mo-thi-thu-va-dot-thi-thu-nghiem",
        defaults={
            "contest": demo,
            "title": "Mở phần Thi thử và đợt thi thử nghiệm của bản dùng thử",
            "body": DEMO_ANNOUNCEMENT_BODY,
            "is_published": True,
            "published_at": local_midnight(dt.date(2024, 8, 29)) + dt.timedelta(hours=8),
        },
    )
    for order, (topic_slug, slug, title, summary, body) in enumerate(MATERIALS, start=1):
        StudyMaterial.objects.update_or_create(
            slug=slug,
            defaults={
                "topic": Topic.objects.filter(slug=topic_slug).first(),
                "title": title,
                "summary": summary,
                "body": body,
                "sort_order": order,
            },
        )
