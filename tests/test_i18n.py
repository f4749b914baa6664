"""course_lib.i18n: one setting chooses the language; English by default; a missing translation is English."""

from __future__ import annotations

import pytest

from course_lib import exercises, i18n, validation


@pytest.fixture(autouse=True)
def _english_after(monkeypatch):
    monkeypatch.delenv(i18n.ENVIRONMENT_VARIABLE, raising=False)
    yield
    i18n.use_language(None)
    exercises.reset_tries()


def test_english_is_the_default():
    assert i18n.language() == "en"
    assert i18n.tr("{name} must be > 0, got {name}={value}", name="lr", value="-1") == "lr must be > 0, got lr=-1"


def test_the_environment_variable_chooses_and_use_language_wins(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")
    assert i18n.language() == "zh_CN"
    i18n.use_language("en")
    assert i18n.language() == "en"
    i18n.use_language(None)
    assert i18n.language() == "zh_CN"
    monkeypatch.setenv("COURSE_LANG", "klingon")  # an unknown value never stops a kernel: English
    assert i18n.language() == "en"


@pytest.mark.parametrize("spelling", ["zh", "zh-CN", "zh_cn", "zh-Hans", "zh_CN"])
def test_spellings_of_chinese(spelling):
    i18n.use_language(spelling)
    assert i18n.language() == "zh_CN"


@pytest.mark.parametrize("bad", ["fr", "", 3])
def test_an_unknown_language_is_refused_naming_the_choices(bad):
    with pytest.raises(ValueError, match="'en', 'zh_CN'"):
        i18n.use_language(bad)


def test_the_compiled_chinese_catalog_is_shipped_in_the_package():
    assert (i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "course_lib.mo").is_file()


def test_a_validation_error_speaks_chinese_and_names_the_same_argument_and_value():
    i18n.use_language("zh_CN")
    with pytest.raises(ValueError) as err:
        validation.check_positive("lr", -0.5)
    english = "lr must be > 0, got lr=-0.5"
    assert str(err.value) != english and "lr=-0.5" in str(err.value) and str(err.value).startswith("lr ")
    i18n.use_language("en")
    with pytest.raises(ValueError, match="^lr must be > 0, got lr=-0.5$"):
        validation.check_positive("lr", -0.5)


def test_check_feedback_speaks_chinese(capsys):
    exercises.reset_tries()
    english = exercises.check_scaled_lr("0.4", quiet=True).text
    i18n.use_language("zh_CN")
    exercises.reset_tries()
    chinese = exercises.check_scaled_lr("0.4", quiet=True).text
    assert english.startswith("Not yet. Your answer is the text '0.4'")
    assert chinese != english and "'0.4'" in chinese and not chinese.startswith("Not yet")
    right = exercises.check_scaled_lr(0.4, quiet=True).text
    assert right != "Correct!" and not right.startswith("Correct")


def test_a_translation_may_reorder_placeholders_and_a_broken_one_falls_back_to_english(monkeypatch):
    class Catalog:
        def __init__(self, text):
            self.text = text

        def gettext(self, message):
            return self.text

    i18n.use_language("zh_CN")
    monkeypatch.setitem(i18n._catalogs, "zh_CN", Catalog("{value} 不是 {name}"))
    assert i18n.tr("{name} is not {value}", name="a", value="b") == "b 不是 a"
    monkeypatch.setitem(i18n._catalogs, "zh_CN", Catalog("{missing} 坏了"))
    assert i18n.tr("{name} is not {value}", name="a", value="b") == "a is not b"


def test_mark_returns_the_text_unchanged():
    assert i18n.mark("your answer") == "your answer"
