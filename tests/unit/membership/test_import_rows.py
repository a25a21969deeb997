"""X-4: rows of one file sharing an ID number (MEM-4) or a development number (NUM-4) all fail."""

from zhtj.domain.membership.imports import ImportRow, mark_duplicates, summary
from zhtj.domain.membership.profile import MemberForm


def _row(line: int, id_number: str, number: str = "") -> ImportRow:
    return ImportRow(line=line, cells=(), form=MemberForm(id_number=id_number, development_number=number or None))


def test_x_4_duplicates_inside_a_file_fail_on_every_row_that_shares_them():
    rows = [_row(2, "11010120080101001X", "202300000001"), _row(3, "11010120080101002X"),
            _row(4, "11010120080101001x"), _row(5, "11010120080101003X", "202300000001")]
    mark_duplicates(rows)
    assert [[p.code for p in r.problems] for r in rows] == [
        ["ID_NUMBER_DUPLICATE_IN_FILE", "DEVELOPMENT_NUMBER_DUPLICATE_IN_FILE"], [],
        ["ID_NUMBER_DUPLICATE_IN_FILE"], ["DEVELOPMENT_NUMBER_DUPLICATE_IN_FILE"]]
    assert rows[0].problems[0].message == "身份证号与本表第4行重复"


def test_x_4_summary_in_the_source_systems_words():
    assert summary(9800, 200) == "成功导入 9800 位团员，200 位团员导入失败"
