"""End-to-end behaviour of score(): guards, statuses, schema, offsets."""
import json
from importlib import resources

import jsonschema
import pytest

from assessor.errors import InputError, NotFound
from assessor.scoring import ScoringSettings, score

SETTINGS = ScoringSettings(engine="builtin")
SCHEMA = json.loads((resources.files("assessor") / "data" / "schema" / "result.schema.json").read_text())

GOOD = ("Dear Mr Smith,\n\nThank you for your email about the delayed delivery. I am sorry that your "
        "order has not arrived yet. I have checked with our warehouse, and the parcel was sent this "
        "morning, so it should reach you within two working days. If it does not arrive by Friday, "
        "please reply to this message and I will arrange a full refund.\n\nKind regards,\nAna")
WEAK = ("hello sir i am sorry for you problem. we send you order yesterday and it come tomorrow "
        "maybe. if it not come you can call to us again and we check it for you. thank you very "
        "much for you patient and have nice day sir")


def run(text, **kw):
    return score(text, settings=SETTINGS, **kw)


@pytest.mark.parametrize("text, status", [
    (GOOD, "scored"),
    (WEAK, "scored"),
    ("Thanks, I will check.", "insufficient_text"),
    ("Sehr geehrte Damen und Herren, vielen Dank für Ihre Nachricht. Leider ist Ihre Bestellung "
     "noch nicht angekommen. Wir prüfen das und melden uns morgen bei Ihnen zurück.", "not_english"),
    ("asdf jkl qwer zxcv asdf hjkl qwerty uiop asdf ghjk zxcvb nmnm asdf jkjk qwqw erer tyty "
     "uiui opop asas dfdf ghgh jkjk", "not_english"),
])
def test_status_and_schema(text, status):
    result = run(text, profile="voice")
    d = result.to_dict()
    jsonschema.validate(d, SCHEMA)
    assert d["status"] == status
    if status == "scored":
        assert d["cefr"] in ("A1", "A2", "B1", "B2", "C1", "C2")
        assert d["decision"]["outcome"] in ("pass", "trainable", "not_yet")
    else:
        # No made-up A1 for text we cannot rate.
        assert d["cefr"] is None and d["score"] is None
        assert d["decision"]["outcome"] is None and d["decision"]["needs_review"]


def test_the_better_answer_gets_the_higher_level():
    assert run(GOOD).level > run(WEAK).level + 0.5


def test_every_result_names_the_engine_and_model():
    d = run(GOOD).to_dict()
    assert d["engine"] == "builtin" and d["model_version"]


@pytest.mark.parametrize("bad", ["", "   \n\t ", "<p></p>", "\x00\x01"])
def test_empty_answers_are_input_errors(bad):
    with pytest.raises(InputError):
        run(bad)


def test_too_long_is_an_input_error():
    with pytest.raises(InputError, match="limit"):
        score("word " * 10, settings=ScoringSettings(engine="builtin", max_chars=20))


def test_unknown_profile():
    with pytest.raises(NotFound):
        run(GOOD, profile="astronaut")


def test_issue_offsets_point_into_the_original_html():
    html = "<p>" + WEAK.replace("problem", "<b>problem</b>") + "</p>"
    result = run(html)
    assert any(w.code == "markup_removed" for w in result.warnings)
    for issue in result.issues:
        span = html[issue.offset:issue.offset + issue.length]
        assert "<" not in span and ">" not in span


def test_result_is_frozen():
    result = run(GOOD)
    with pytest.raises(AttributeError):
        result.cefr = "C2"


# A complete chat reply: short because the task asked for a short answer.
CHAT = ("Hi Maria, thanks for waiting. I have checked your account and the double charge was a "
        "mistake on our side. I have refunded it today, so you will see the money back within "
        "three working days. Is there anything else I can help you with?")


def test_a_short_task_target_judges_a_short_reply_as_complete():
    essay_scale = run(CHAT)
    as_chat = run(CHAT, target_words=50)
    assert as_chat.details["target_words"] == 50
    assert "target_words" not in essay_scale.details
    assert as_chat.level > essay_scale.level


def test_a_long_task_target_changes_nothing():
    # Length credit stops at 150 words, so an essay-sized target is a no-op.
    assert run(GOOD, target_words=250).level == pytest.approx(run(GOOD).level)


@pytest.mark.parametrize("bad", [0, -5, 5001, 2.5, "60", True])
def test_bad_target_words_are_input_errors(bad):
    with pytest.raises(InputError, match="target_words"):
        run(GOOD, target_words=bad)


def test_languagetool_gives_the_feedback_and_the_builtin_engine_the_levels():
    from tests.support.lt_replay import LTReplay, load_samples
    samples = load_samples()
    scored = 0
    with LTReplay.from_fixtures() as server:
        # harper off: every recorded match is then shown; `run` has harper on,
        # so equal levels also show that harper's issues never reach them.
        lt = ScoringSettings(engine="languagetool", languagetool_url=server.url, languagetool_timeout=5,
                             harper=False)
        for sample in samples:
            with_lt = score(sample.text, settings=lt, profile="voice")
            alone = run(sample.text, profile="voice")
            assert with_lt.engine == "languagetool"
            # The neural detector adds only what LanguageTool did not flag.
            from_lt = [i for i in with_lt.issues if i.engine == "languagetool"]
            assert len(from_lt) == len(sample.response["matches"])
            assert {i.engine for i in with_lt.issues} <= {"languagetool", "neural"}
            extra = [i for i in with_lt.issues if i.engine == "neural"]
            assert not any(a.offset < b.offset + max(b.length, 1) and b.offset < a.offset + max(a.length, 1)
                           for a in extra for b in from_lt), sample.id
            assert (with_lt.level, with_lt.grammar.level, with_lt.vocabulary.level) == (
                alone.level, alone.grammar.level, alone.vocabulary.level), sample.id
            assert with_lt.decision == alone.decision
            jsonschema.validate(with_lt.to_dict(), SCHEMA)
            if with_lt.status != "scored":
                continue
            scored += 1
            assert with_lt.details["evidence_engine"] == alone.details["evidence_engine"] == "builtin"
            assert with_lt.details["error_rates_per_100_words"] == alone.details["error_rates_per_100_words"]
    assert scored >= 10


@pytest.mark.parametrize("text", [WEAK, "Thanks, I will check."])
def test_a_stored_result_reads_back_as_the_same_typed_result(text):
    from assessor.scoring import Result
    result = run(text, profile="voice")
    stored = json.loads(json.dumps(result.to_dict()))
    again = Result.from_dict(stored)
    assert again == result
    assert again.to_dict() == stored


def test_a_result_stored_by_an_older_schema_reads_with_defaults():
    from assessor.scoring import Result
    stored = run(WEAK).to_dict()
    for newer in ("uncertainty", "details", "schema_version"):
        stored.pop(newer)
    again = Result.from_dict(stored)
    assert again.uncertainty is None and again.details == {} and again.cefr == stored["cefr"]
    with pytest.raises(ValueError):
        Result.from_dict({"cefr": "B2"})
