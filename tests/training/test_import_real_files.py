"""A training register as a street keeps it imports as the same data in the template would."""

import datetime

from tests.registry.xlsx import imports_as_template, real_shaped
from training.models import TrainingSession


def test_trainings_as_a_street_keeps_them(tmp_path, district, users):
    columns = [(None, "序号"), ("培训情况", "编号"), ("培训情况", "培训主题"), ("培训情况", "主办单位")]
    columns += [("培训情况", "培训时间"), ("培训情况", "课时")]
    real = [
        [1, "ＸＳ-2023-01", "人民调解业务培训", "新山村街道", "2023年3月5日", "2学时"],
        [2, "XS-2023-02", "矛盾纠纷排查培训", "新山村街道", datetime.datetime(2023, 9, 1), 2.5],
    ]
    template = [
        ["培训编号", "培训名称", "主办区划", "培训日期", "学时"],
        ["XS-2023-01", "人民调解业务培训", "新山村街道", "2023-03-05", "2"],
        ["XS-2023-02", "矛盾纠纷排查培训", "新山村街道", "2023-09-01", "2.5"],
    ]
    imports_as_template(tmp_path, "trainings", real_shaped(columns, real), template, 2, "--as", "clerk_a")
    assert TrainingSession.objects.get(code="XS-2023-01").date == datetime.date(2023, 3, 5)
