"""Tricks applicants share must earn no higher level than the honest answer, and be flagged."""
import pytest

from assessor.scoring import ScoringSettings, score
from assessor.services import fingerprint

SETTINGS = ScoringSettings(engine="builtin")

PROMPT = ("A customer writes: 'My new phone stopped charging after two days. I want a replacement or "
          "my money back.' Write a reply to the customer explaining what you will do.")

HONEST = ("Dear customer, I am sorry that your new phone stopped charging after only two days. "
          "This should not happen with a new device. Please try a different cable and charger "
          "first, because sometimes the cable is the problem. If the phone still does not charge, "
          "we will send you a replacement at no cost. You can also choose a full refund if you "
          "prefer. Just reply to this email with your order number and we will arrange it today. "
          "Thank you for your patience. Best regards, Maria")

OFF_TOPIC = ("My favourite holiday was a trip to the mountains with my family. We stayed in a small "
             "wooden house near a lake and went hiking every morning. In the evenings my father "
             "cooked fish on a fire and we told stories until late. I would love to go back there "
             "one day, because it was quiet and beautiful and I felt very relaxed.")


def level(text, prompt=PROMPT):
    return score(text, prompt=prompt, settings=SETTINGS)


def codes(result):
    return {w.code for w in result.warnings}


@pytest.fixture(scope="module")
def honest():
    result = level(HONEST)
    assert result.status == "scored"
    return result


def _no_higher(gamed, honest, slack=0.1):
    """No higher band, and at most a tenth of a level of noise on the continuous scale."""
    if gamed.status != "scored":
        return
    assert gamed.level <= honest.level + slack, (gamed.level, honest.level)
    assert "ABC".index(gamed.cefr[0]) * 2 + int(gamed.cefr[1]) <= "ABC".index(honest.cefr[0]) * 2 + int(honest.cefr[1])


@pytest.mark.parametrize("name, text, flag", [
    ("repeated sentences", HONEST + " " + HONEST + " " + HONEST, "padding"),
    ("very long answer", " ".join([HONEST] * 10), "padding"),
    ("prompt copied first", PROMPT + " " + HONEST, "copied_prompt"),
    ("prompt copied inside", HONEST.replace("Thank you", PROMPT + " Thank you"), "copied_prompt"),
    ("all capitals", HONEST.upper(), "all_capitals"),
    ("no punctuation", HONEST.replace(".", "").replace(",", ""), "no_punctuation"),
])
def test_gamed_answers_earn_no_more_and_are_flagged(name, text, flag, honest):
    gamed = level(text)
    assert flag in codes(gamed), name
    _no_higher(gamed, honest)


def test_copied_prompt_alone_is_not_rated():
    result = level(PROMPT + " " + PROMPT)
    assert result.status == "insufficient_text" and result.cefr is None


def test_word_salad_of_rare_words_is_capped(honest):
    salad = ("Ubiquitous paradigm notwithstanding quintessential ramifications. Juxtaposition "
             "meticulous unprecedented conundrum. Pragmatic epitome ostensibly nuanced dichotomy. "
             "Consequently inherent proliferation scrutiny. Substantive meticulous paradigm "
             "ramifications ubiquitous. Notwithstanding quintessential juxtaposition conundrum.")
    result = level(salad)
    assert "word_salad" in codes(result)
    assert result.level is None or result.level <= 2.5


def test_advanced_words_inserted_into_a_weak_answer_do_not_lift_it_above_a_good_one(honest):
    weak = ("hello sir sorry for you phone. you can try other cable maybe it work. if not work we "
            "send new phone for you or money back. send me you order number please and we do it "
            "today. thank you for wait and have nice day sir")
    stuffed = ("hello sir sorry for you phone, notwithstanding the ubiquitous ramifications. you can "
               "try other cable maybe it work, ostensibly. if not work we send new phone for you "
               "or money back, consequently. send me you order number please and we do it today "
               "meticulously. thank you for wait and have nice day sir")
    weak_r, stuffed_r = level(weak), level(stuffed)
    assert stuffed_r.level < honest.level
    assert stuffed_r.level <= weak_r.level + 0.5


def test_off_topic_essay_is_flagged():
    assert "off_topic" in codes(level(OFF_TOPIC))


@pytest.mark.parametrize("text", [
    "Estimado cliente, lamento mucho que su teléfono nuevo haya dejado de cargar después de dos "
    "días. Le enviaremos un reemplazo sin costo o le devolveremos su dinero si lo prefiere.",
    "asdkj qwpoe zmxnc lkjhg poiuy qwert asdfg zxcvb mnbvc lkjhg poiuy trewq asdfg hjkll qwert "
    "yuiop zxcvb nmlkj",
])
def test_other_language_and_keyboard_noise_are_not_rated(text):
    result = level(text)
    assert result.status == "not_english" and result.cefr is None


def test_shared_template_is_a_near_duplicate():
    # The SimHash the service marks near-duplicate submissions with (the
    # MinHash this test once checked was used by nothing in production).
    other = HONEST.replace("Maria", "John").replace("today", "tomorrow")
    near = fingerprint.NEAR_DUPLICATE_BITS
    assert fingerprint.distance(fingerprint.simhash(HONEST), fingerprint.simhash(other)) <= near
    assert fingerprint.distance(fingerprint.simhash(HONEST), fingerprint.simhash(OFF_TOPIC)) > near


# Probes of the neural-evidence era: a language model reads these at once.
WEAK_CHAT = ("hi, i am check you account now. the payment is not arrive yet because bank is slow. "
             "you can wait two day more or i can send to you new link for pay. tell me what you "
             "want and i do it for you. sorry for the problem and thank for you patient")


def _band(cefr):
    return "ABC".index(cefr[0]) * 2 + int(cefr[1])


@pytest.mark.parametrize("stuffed", [
    # advanced words dropped between the weak answer's own
    ("hi, i am check you account now, notwithstanding. the payment is not arrive yet because "
     "bank is paradigmatically slow. you can wait two day more or i can subsequently send to you "
     "new link for pay, albeit. tell me what you want and i do it for you comprehensively. sorry "
     "for the problem and thank for you patient, nevertheless"),
    # a fluent opening and closing pasted around the weak middle
    ("Thank you for contacting us; I completely understand your frustration. " + WEAK_CHAT
     + ". Please do not hesitate to reach out should you require any further assistance."),
])
def test_inserted_words_and_stock_phrases_do_not_lift_a_weak_answer(stuffed):
    weak, gamed = level(WEAK_CHAT, prompt=None), level(stuffed, prompt=None)
    assert weak.status == gamed.status == "scored"
    assert _band(gamed.cefr) <= _band(weak.cefr), (gamed.cefr, weak.cefr)
    assert gamed.level <= weak.level + 0.3, (gamed.level, weak.level)


def test_a_long_string_of_advanced_words_gets_no_level_of_b1_or_above():
    words = ("comprehensive facilitate paradigm leverage subsequently meticulous inherent robust "
             "substantive nuanced holistic pragmatic consequently albeit intrinsic notwithstanding "
             "unprecedented ostensibly scrutinise proliferation").split()
    text = " ".join(words[(i * 7) % len(words)] for i in range(120)) + "."
    result = level(text, prompt=None)
    assert result.cefr is None or _band(result.cefr) < _band("B1"), result.cefr
    assert result.cefr is None or {"word_salad", "disfluent", "no_punctuation"} & codes(result)


def test_noise_between_words_gets_no_level_of_b1_or_above():
    noisy = " ".join(f"{w} {n}" for w, n in zip(
        ("The customer wants a refund because the parcel arrived late and the box was broken so we "
         "will send the money back today").split(),
        "xqzt vbnm plkj wert zzxc qwop mnbv lkop asdf ghjk poiu ytre wqas dfgh jklm nbvc cxza "
        "lkjh".split() * 2))
    result = level(noisy, prompt=None)
    assert result.cefr is None or _band(result.cefr) < _band("B1"), (result.cefr, codes(result))
