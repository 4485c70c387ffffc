"""Contract tests of the LanguageTool adapter against recorded real answers."""
from __future__ import annotations

import copy
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from assessor.config import Config
from assessor.errors import EngineError, EngineUnavailable
from assessor.scoring.engines.base import GrammarEngine
from assessor.scoring.engines.languagetool import (
    CategoryMap, LanguageToolEngine, convert_matches, find_install, start_local_server,
    utf16_to_index)
from assessor.scoring.types import CATEGORIES, Issue
from tests.support.lt_replay import (
    FIXTURES, LTReplay, iter_shared_records, load_samples, shared_recordings)

SAMPLES = {s.id: s for s in load_samples()}
REPO = Path(__file__).resolve().parents[3]
SHARED = Config().SHARED_DIR if Config().SHARED_DIR.is_absolute() else REPO / Config().SHARED_DIR


@pytest.fixture(scope="module")
def replay():
    with LTReplay.from_fixtures() as server:
        yield server


@pytest.fixture()
def lt(replay):
    replay.set_mode("ok")
    yield replay
    replay.set_mode("ok")


def highlighted(match: dict) -> str:
    """The words a match points at, as LanguageTool's own context shows them."""
    ctx = match["context"]
    return ctx["text"][ctx["offset"]:ctx["offset"] + ctx["length"]]


@pytest.mark.parametrize("category_id, issue_type, expected", [
    ("TYPOS", "misspelling", "spelling"),
    ("CASING", "typographical", "capitalisation"),
    ("PUNCTUATION", "typographical", "punctuation"),
    ("TYPOGRAPHY", "whitespace", "typography"),
    ("GRAMMAR", "grammar", "grammar"),
    ("CONFUSED_WORDS", "misspelling", "grammar"),
    ("STYLE", "style", "style"),
    ("REDUNDANCY", "style", "style"),
    ("MISC", "misspelling", "spelling"),      # vague category: issue type decides
    ("MISC", "duplication", "typography"),
    ("casing", None, "capitalisation"),       # case-insensitive
    ("SOME_FUTURE_CATEGORY", "style", "style"),
    ("SOME_FUTURE_CATEGORY", "some-future-type", "grammar"),
    (None, None, "grammar"),
])
def test_category_mapping(category_id, issue_type, expected):
    assert CategoryMap.load().category(category_id, issue_type) == expected


def test_category_data_maps_only_to_known_categories():
    mapping = CategoryMap.load()
    assert set(mapping.by_category.values()) <= set(CATEGORIES)
    assert set(mapping.by_issue_type.values()) <= set(CATEGORIES)


@pytest.mark.parametrize("text, units, expected", [
    ("plain ascii", [0, 5, 11], [0, 5, 11]),
    ("café au lait", [0, 4, 12], [0, 4, 12]),          # BMP: one unit each
    ("👋 hi", [0, 2, 3, 5], [0, 1, 2, 4]),               # emoji = 2 units
    ("a😀b😀c", [0, 1, 3, 4, 6, 7], [0, 1, 2, 3, 4, 5]),
    ("a😀b", [2], [2]),                                  # inside a pair: after it
])
def test_utf16_offsets_become_str_indices(text, units, expected):
    convert = utf16_to_index(text)
    assert [convert(u) for u in units] == expected


def test_engine_implements_the_grammar_engine_protocol(lt):
    engine = LanguageToolEngine(lt.url)
    assert isinstance(engine, GrammarEngine)
    assert engine.name == "languagetool"


@pytest.mark.parametrize("sample_id", sorted(SAMPLES))
def test_every_recorded_match_maps_to_its_words(lt, sample_id):
    sample = SAMPLES[sample_id]
    matches = sample.response["matches"]
    issues = LanguageToolEngine(lt.url, timeout=2, max_suggestions=3).check(sample.text, None)
    assert len(issues) == len(matches)
    by_key = {(m["offset"], m["length"], m["rule"]["id"]): m for m in matches}
    for issue in issues:
        match = by_key[(issue.offset, issue.length, issue.rule_id)]
        span = sample.text[issue.offset:issue.offset + issue.length]
        assert span.replace("\n", " ") == highlighted(match)
        assert issue.engine == "languagetool"
        assert issue.category in CATEGORIES
        assert issue.message == match["message"]
        assert list(issue.suggestions) == [r["value"] for r in match["replacements"][:3]]
    assert [i.offset for i in issues] == sorted(i.offset for i in issues)


@pytest.mark.parametrize("sample_id, words, category, suggestion", [
    ("s02", "adress", "spelling", "address"),
    ("s03", "adress", "spelling", "address"),
    ("s03", "hello", "capitalisation", "Hello"),
    ("s03", "arriving", "grammar", "arrive"),
])
def test_known_errors_are_found_with_category_and_fix(lt, sample_id, words, category, suggestion):
    sample = SAMPLES[sample_id]
    issues = LanguageToolEngine(lt.url).check(sample.text, None)
    found = [i for i in issues if sample.text[i.offset:i.offset + i.length] == words]
    assert found, f"no issue on {words!r}"
    assert found[0].category == category
    assert suggestion in found[0].suggestions


def test_clean_answer_has_no_issues(lt):
    clean = [s for s in SAMPLES.values() if not s.response["matches"]]
    assert clean
    engine = LanguageToolEngine(lt.url)
    for sample in clean:
        assert engine.check(sample.text, None) == []


@pytest.mark.parametrize("suffix", ["", "/", "/v2", "/v2/"])
def test_server_root_or_api_root_both_work(lt, suffix):
    assert LanguageToolEngine(lt.url + suffix).check(SAMPLES["s09"].text, None)


def test_request_carries_text_and_language(lt):
    sample = SAMPLES["s05"]
    LanguageToolEngine(lt.url, language="en-US").check(sample.text, None)
    assert lt.checks()[-1] == {"text": sample.text, "language": "en-US"}


def _with_emoji(sample, insert_at: int, emoji: str):
    """The sample with ``emoji`` inserted, and the answer a Java server would give."""
    text = sample.text[:insert_at] + emoji + sample.text[insert_at:]
    shift = len(emoji.encode("utf-16-le")) // 2
    answer = copy.deepcopy(sample.response)
    for match in answer["matches"]:
        if match["offset"] >= insert_at:
            match["offset"] += shift
    return text, answer


@pytest.mark.parametrize("sample_id, where, emoji", [
    ("s03", 0, "👋 "),
    ("s03", 40, " 😀😀"),
    ("s15", 10, "🙂"),
    ("s16", 0, "é👍🏽 "),  # BMP accent plus emoji with skin-tone modifier
])
def test_emoji_do_not_shift_highlights(lt, sample_id, where, emoji):
    sample = SAMPLES[sample_id]
    text, answer = _with_emoji(sample, where, emoji)
    lt.add(text, answer)
    issues = LanguageToolEngine(lt.url).check(text, None)
    spans = sorted(text[i.offset:i.offset + i.length].replace("\n", " ") for i in issues)
    assert spans == sorted(highlighted(m) for m in sample.response["matches"])


@pytest.mark.parametrize("bad_match, why", [
    ({"offset": 500, "length": 3}, "outside"),
    ({"offset": -1, "length": 3}, "outside"),
    ({"offset": "x"}, "malformed"),
    ({"rule": None}, "malformed"),
])
def test_answer_that_cannot_belong_to_the_text_is_an_error(bad_match, why):
    match = {**copy.deepcopy(SAMPLES["s02"].response["matches"][0]), **bad_match}
    with pytest.raises(EngineError, match=why):
        convert_matches("short text", [match], CategoryMap.load())


@pytest.mark.parametrize("mode, error", [
    ("404", EngineError), ("500", EngineError), ("garbage", EngineError),
    ("drop", EngineUnavailable),
])
def test_server_faults_become_engine_errors(lt, mode, error):
    lt.set_mode(mode)
    with pytest.raises(error) as info:
        LanguageToolEngine(lt.url, timeout=2).check(SAMPLES["s01"].text, None)
    assert info.value.__cause__ is not None or mode in ("404", "500")


@pytest.mark.parametrize("answer, error", [
    ({"software": {"name": "LanguageTool"}}, "without matches"),
    ([], "without matches"),
    ({"matches": {"not": "a list"}}, "no list of matches"),
])
def test_answer_without_matches_is_an_error(lt, answer, error):
    text = f"An answer shaped {error} {type(answer).__name__}."
    lt.add(text, answer)
    with pytest.raises(EngineError, match=error):
        LanguageToolEngine(lt.url).check(text, None)


@pytest.mark.parametrize("incomplete, codes", [(True, ["engine_incomplete"]), (False, [])])
def test_incomplete_results_are_reported(lt, incomplete, codes):
    sample = SAMPLES["s02"]
    text = sample.text + " " * (1 + incomplete)  # a text of its own per case
    lt.add(text, {**sample.response, "warnings": {"incompleteResults": incomplete}})
    issues, warnings = LanguageToolEngine(lt.url).check_with_warnings(text, None)
    assert len(issues) == len(sample.response["matches"])
    assert [w.code for w in warnings] == codes


def test_unrecorded_text_is_an_error_not_an_empty_result(lt):
    with pytest.raises(EngineError, match="404"):
        LanguageToolEngine(lt.url).check("A text the server never saw.", None)


def test_slow_server_times_out_within_the_timeout(lt):
    lt.set_mode("slow", delay=3.0)
    start = time.monotonic()
    with pytest.raises(EngineError, match="within 0.5 s") as info:
        LanguageToolEngine(lt.url, timeout=0.5).check(SAMPLES["s01"].text, None)
    assert time.monotonic() - start < 1.5
    assert info.value.__cause__ is not None


def test_server_down_is_unavailable_fast():
    with LTReplay() as dead:
        url = dead.url
    engine = LanguageToolEngine(url, timeout=2)
    start = time.monotonic()
    with pytest.raises(EngineUnavailable):
        engine.check("Hello there.", None)
    assert time.monotonic() - start < 1.0
    assert engine.available() is False


def test_ping_and_available(lt):
    engine = LanguageToolEngine(lt.url)
    engine.ping()
    assert engine.available() is True
    lt.set_mode("500")
    assert engine.available() is False
    lt.set_mode("slow", delay=3.0)
    start = time.monotonic()
    assert LanguageToolEngine(lt.url, ping_timeout=0.3).available() is False
    assert time.monotonic() - start < 1.5


@pytest.mark.parametrize("timeout", [0, -1])
def test_nonsense_timeout_is_rejected(timeout):
    with pytest.raises(EngineError):
        LanguageToolEngine("http://127.0.0.1:9", timeout=timeout)


def test_needs_url_or_path():
    with pytest.raises(EngineUnavailable):
        LanguageToolEngine(None, None)


def test_missing_local_install_fails_fast_without_download(tmp_path):
    engine = LanguageToolEngine(path=tmp_path / "nowhere", timeout=2)
    start = time.monotonic()
    with pytest.raises(EngineUnavailable, match="does not exist"):
        engine.check("Hello there.", None)
    assert time.monotonic() - start < 0.5
    assert engine.available() is False


@pytest.mark.parametrize("layout", [
    [],                                              # empty download folder
    ["LanguageTool-6.8/README.txt"],                 # install without a jar
    ["LanguageTool-six/languagetool-server.jar"],    # not a version folder
])
def test_incomplete_local_install_is_unavailable(tmp_path, layout):
    for rel in layout:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    with pytest.raises(EngineUnavailable, match="no LanguageTool install"):
        find_install(tmp_path)


def test_newest_local_install_is_chosen(tmp_path):
    for version in ("5.9", "6.10", "6.8"):
        (tmp_path / f"LanguageTool-{version}").mkdir()
        (tmp_path / f"LanguageTool-{version}" / "languagetool-server.jar").write_text("x")
    assert find_install(tmp_path).name == "LanguageTool-6.10"
    assert find_install(tmp_path / "LanguageTool-5.9").name == "LanguageTool-5.9"


def test_install_outside_ltp_path_is_refused_before_anything_starts(tmp_path, monkeypatch):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    (ours / "LanguageTool-6.8").mkdir(parents=True)
    (ours / "LanguageTool-6.8" / "languagetool-server.jar").write_text("x")
    theirs.mkdir()
    monkeypatch.setenv("LTP_PATH", str(theirs))
    with pytest.raises(EngineUnavailable, match="LTP_PATH"):
        start_local_server(ours, "en-US")
    assert list(theirs.iterdir()) == []  # nothing was downloaded there


def _fake_install(folder: Path) -> Path:
    """A LanguageTool-6.8 folder whose server jar is the fake Java server."""
    src = folder / "src" / "org" / "languagetool" / "server"
    src.mkdir(parents=True)
    shutil.copy(FIXTURES / "FakeLanguageToolServer.java", src / "HTTPServer.java")
    classes, install = folder / "classes", folder / "lt" / "LanguageTool-6.8"
    install.mkdir(parents=True)
    subprocess.run(["javac", "-d", str(classes), str(src / "HTTPServer.java")], check=True)
    subprocess.run(["jar", "cf", str(install / "languagetool-server.jar"), "-C", str(classes), "."],
                   check=True)
    return install.parent


@pytest.mark.slow
def test_local_install_is_started_by_language_tool_python(tmp_path, monkeypatch):
    if not (shutil.which("javac") and shutil.which("jar")):
        pytest.skip("needs a JDK (javac, jar) to build the fake LanguageTool server")
    download_folder = _fake_install(tmp_path)
    # language_tool_python looks for installs in LTP_PATH (Config reads the same variable).
    monkeypatch.setenv("LTP_PATH", str(download_folder))
    engine = LanguageToolEngine(path=download_folder, timeout=5)
    try:
        engine.start()
        issues = engine.check("Helo there.", None)
        assert engine.available() is True
    finally:
        engine.close()
    assert issues == [Issue(0, 4, "spelling", "FAKE_SPELLING", "Possible spelling mistake found",
                            ("Hello",), "languagetool")]


def _need_shared() -> None:
    if not (SHARED / "data" / "languagetool").is_dir():
        pytest.skip(f"shared LanguageTool recordings not found in {SHARED} "
                    "(set ASSESSOR_SHARED_DIR or put them at ../shared)")


@pytest.mark.shared
def test_shared_texts_through_the_replay_server():
    _need_shared()
    with LTReplay(shared_recordings(SHARED, ("fce.dev",))) as server:
        engine = LanguageToolEngine(server.url, timeout=5)
        checked = 0
        for _, text_id, text, recorded in iter_shared_records(SHARED, ("fce.dev",)):
            issues = engine.check(text, None)
            spans = sorted(text[i.offset:i.offset + i.length] for i in issues)
            assert spans == sorted(text[m["offset"]:m["offset"] + m["length"]]
                                   for m in recorded), text_id
            checked += 1
    assert checked > 0 and len(server.checks()) == checked


@pytest.mark.shared
def test_every_shared_recording_converts():
    _need_shared()
    categories = CategoryMap.load()
    texts = matches = 0
    for corpus, text_id, text, recorded in iter_shared_records(SHARED):
        issues = convert_matches(text, recorded, categories)
        assert len(issues) == len(recorded), (corpus, text_id)
        spans = sorted(text[i.offset:i.offset + i.length].replace("\n", " ") for i in issues)
        assert spans == sorted(highlighted(m).replace("\n", " ") for m in recorded), (corpus, text_id)
        texts += 1
        matches += len(issues)
    assert texts > 0 and matches > 0
