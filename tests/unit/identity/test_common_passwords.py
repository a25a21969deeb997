"""ACC-1 (decision 0018): common passwords and the person's own data are refused wherever a password is set
(issue 12, finding 11)."""

from __future__ import annotations

import pytest

from zhtj.domain.identity import passwords, rules

ID = "110101200005041234"  # born 2000-05-04


def test_the_list_ships_with_the_package_and_names_its_source_ACC1_finding11():
    from importlib import resources

    text = resources.files("zhtj.domain.identity").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    assert "roycewilliams" in text.splitlines()[1] + text.splitlines()[2]
    assert len(passwords.common()) > 4_000 and "password1" in passwords.common()


@pytest.mark.parametrize("password", ["password1", "Password1", "PASSWORD1!", "woaini1314", "qwerty123", "1qaz2wsx"])
def test_common_passwords_are_refused_ACC1_finding11(password):
    assert [p.code for p in rules.password_problems(password, ID)] == ["PASSWORD_TOO_COMMON"]


@pytest.mark.parametrize("password", [
    "linbaodao1", "LinBaodao2026", "baodaolin88", "baodao2026", "lin.baodao.123456",  # the name in pinyin
    "20000504ab", "abc000504", "041234abcd!", "2000.05.04xyz",  # the birth date, the ID number's end
])
def test_the_persons_own_data_is_refused_ACC1_finding11(password):
    assert [p.code for p in rules.password_problems(password, ID, name="林报到")] == ["PASSWORD_TOO_PERSONAL"]


@pytest.mark.parametrize("password", ["Tuanyuan2026", "Gq7vLp2x", "linbaodao-xk39m2q", "hello2world9"])
def test_other_passwords_pass_ACC1_finding11(password):
    assert rules.password_problems(password, ID, name="林报到") == []
