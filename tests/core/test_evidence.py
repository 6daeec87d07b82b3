"""Evidence files take the same rules on a report and on a supervision step: the same
types, sizes and messages, the bytes kept with their SHA-256, nothing kept when refused."""

import datetime as dt
import hashlib

import pytest

from luoshi.accounts.permissions import actor_for
from luoshi.core import evidence
from luoshi.plans.models import Unit
from luoshi.reporting.models import Evidence
from luoshi.reporting.services import ReportingError, add_evidence
from luoshi.supervision.models import ItemEvidence
from luoshi.supervision.services import SupervisionError, accept_item, create_item, feed_back
from tests.clock import travel_to
from tests.reporting.helpers import report

pytestmark = pytest.mark.django_db

MAY_9 = dt.date(2025, 5, 9)

BAD = [
    (evidence.EvidenceFile("说明.exe", b"MZ"), "类型不受支持"),
    (evidence.EvidenceFile("空.pdf", b""), "是空文件"),
    (evidence.EvidenceFile("大.pdf", b"x" * (20 * 1024 * 1024 + 1)), "超过 20 MB"),
    (evidence.EvidenceFile("现场\x00照片.jpg", b"\xff\xd8"), "文件名含有不可见的控制字符（U\\+0000）"),
]


@pytest.fixture
def draft(personas):
    travel_to(MAY_9)
    return report("附件1/一/(二)", "县发改局", user=personas["reporter_b"])


@pytest.fixture
def item(personas):
    travel_to(MAY_9)
    made = create_item(
        actor_for(personas["coordinator"]),
        content="园区用地指标未落实",
        lead_unit=Unit.objects.get(name="县发改局"),
        deadline=dt.date(2025, 5, 30),
        source="instruction",
    )
    return accept_item(actor_for(personas["reporter_b"]), made)


@pytest.mark.parametrize(("upload", "message"), BAD)
def test_a_bad_file_is_refused_alike_on_reports_and_supervision(personas, draft, item, upload, message):
    reporter = actor_for(personas["reporter_b"])
    with pytest.raises(ReportingError, match=message) as on_report:
        add_evidence(reporter, draft, upload.name, upload.content)
    with pytest.raises(SupervisionError, match=message) as on_item:
        feed_back(reporter, item, "已协调落实", [upload])
    assert str(on_report.value) == str(on_item.value)
    assert not Evidence.objects.exists() and not ItemEvidence.objects.exists()


def test_a_good_file_is_kept_with_its_fingerprint_on_both(personas, draft, item):
    reporter = actor_for(personas["reporter_b"])
    upload = evidence.EvidenceFile("整改报告.ofd", b"OFD evidence")
    on_report = add_evidence(reporter, draft, upload.name, upload.content)
    feed_back(reporter, item, "已协调落实", [upload])
    on_item = ItemEvidence.objects.get()
    digest = hashlib.sha256(upload.content).hexdigest()
    for kept in (on_report, on_item):
        assert (kept.name, kept.size, kept.sha256) == (upload.name, len(upload.content), digest)
        assert kept.file.read() == upload.content
        assert kept.uploaded_by == personas["reporter_b"]
