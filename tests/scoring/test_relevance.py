import json
from pathlib import Path

import pytest

from assessor.errors import DataError, InputError
from assessor.scoring.nlp import get_nlp
from assessor.scoring.relevance import (Relevance, Thresholds, assess, copied_spans, english_ratio,
                                        is_keyboard_noise, load_thresholds, noise_ratio,
                                        strip_copied, topic_similarity)

PROMPT = ("Hello, I ordered a blue winter jacket from your online shop two weeks ago (order "
          "4471) and it still has not arrived. The tracking page has shown no update since "
          "last Monday. I need the jacket for a trip next week. Can you tell me where my parcel "
          "is, or should I ask for a refund? Regards, Mark Evans")

GOOD_REPLY = ("Dear Mr Evans, thank you for contacting us and I am sorry that your jacket has "
              "not arrived yet. I have checked order 4471 with the courier: the parcel was "
              "delayed at their depot because of the storm, and it will be delivered on "
              "Thursday, before your trip. If it does not arrive by then, I will arrange a full "
              "refund straight away. Kind regards, Anna, Customer Care")

OFF_TOPIC = ("My favourite holiday was in the mountains with my family when I was a child. "
             "We walked every morning through the forest, swam in a cold lake and cooked "
             "dinner on a small fire. In the evenings my grandfather told us old stories about "
             "the village and the animals that lived near the river. I still remember the smell "
             "of the pine trees and the sound of the rain on the roof of our little cabin.")

SHORT_PROMPT = "Write a chat reply to a customer who is angry."

SHORT_PROMPT_REPLY = ("I completely understand how frustrating this situation must be, and I "
                      "apologise for the trouble. Let me look into your account right now so "
                      "that we can fix the problem together. Could you please confirm your "
                      "full name and the email address you used when you signed up?")


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


# --- copying ---------------------------------------------------------------

@pytest.mark.parametrize("answer, expected", [
    (PROMPT, 1.0),                                      # all copied
    (GOOD_REPLY, 0.0),
    ("I am sorry. " + "The tracking page has shown no update since last Monday.", 10 / 13),
    ("The tracking page shows nothing.", 0.0),     # 3 shared words are not a copy
    ("", 0.0),
])
def test_copied_ratio(answer, expected):
    ratio, _ = copied_spans(answer, PROMPT)
    assert ratio == pytest.approx(expected)


def test_copied_spans_point_at_the_copied_text():
    answer = "Thanks Mark. It still has not arrived, I know. Can you tell me where my parcel is?"
    ratio, spans = copied_spans(answer, PROMPT)
    pieces = [answer[o:o + n] for o, n in spans]
    # Case, punctuation and the curly apostrophe do not hide a copy.
    assert pieces == ["It still has not arrived", "Can you tell me where my parcel is"]
    assert 0 < ratio < 1


@pytest.mark.parametrize("answer, expected", [
    ("I am sorry. Can you tell me where my parcel is? We will check it.",
     "I am sorry. ? We will check it."),
    (GOOD_REPLY, GOOD_REPLY),
    (PROMPT, ""),
])
def test_strip_copied_leaves_own_words(answer, expected):
    assert strip_copied(answer, PROMPT) == expected


@pytest.mark.parametrize("prompt", [None, ""])
def test_no_prompt_no_copy(prompt):
    assert copied_spans(GOOD_REPLY, prompt) == (0.0, ())
    assert strip_copied(GOOD_REPLY, prompt) == GOOD_REPLY


# --- topic ---------------------------------------------------------------------

@pytest.mark.parametrize("answer, prompt, off_topic", [
    (GOOD_REPLY, PROMPT, False),
    (OFF_TOPIC, PROMPT, True),
    (PROMPT, PROMPT, False),                    # copied, not off topic (copying is reported)
    # A good reply to a short prompt shares no word with it: too little to judge.
    (SHORT_PROMPT_REPLY, SHORT_PROMPT, False),
    (OFF_TOPIC, SHORT_PROMPT, False),
    (OFF_TOPIC, None, False),
    ("I am sorry about the jacket.", PROMPT, False),
    ("The weather is nice today and I like dogs.", PROMPT, False),   # too short to judge
])
def test_off_topic(nlp, answer, prompt, off_topic):
    assert assess(nlp(answer), prompt).off_topic is off_topic


def test_similarity_orders_answers(nlp):
    good, _, _ = topic_similarity(nlp(GOOD_REPLY), PROMPT)
    bad, _, _ = topic_similarity(nlp(OFF_TOPIC), PROMPT)
    assert 0.0 <= bad < 0.02 < 0.1 < good <= 1.0


def test_instruction_words_do_not_count_as_topic(nlp):
    sim, n_answer, n_prompt = topic_similarity(nlp("I write a reply to explain my answer."),
                                               "Write a reply and explain your answer.")
    assert (sim, n_prompt) == (None, 0)


# --- language ----------------------------------------------------------------------

@pytest.mark.parametrize("text, low, high", [
    (GOOD_REPLY, 0.95, 1.0),
    # Learner English with misspellings is still English.
    ("Dear costumer, i am realy sory you did not recieved you're order becouse of the storm.",
     0.8, 1.0),
    ("Ich habe meine Bestellung nicht bekommen und bin sehr enttäuscht. Bitte schicken Sie "
     "mir das Paket.", 0.0, 0.2),
    ("Hola, no he recibido mi pedido y estoy muy molesto. Por favor envíenme el paquete lo "
     "antes posible.", 0.0, 0.25),
    ("Magandang umaga po, hindi ko pa natatanggap ang aking order. Salamat po.", 0.0, 0.2),
    ("Je n'ai pas reçu ma commande et je suis très déçu.", 0.0, 0.2),
    ("Привет, я не получил свой заказ.", 0.0, 0.0),
    ("asdf jkl qwerty", 0.0, 0.0),
    ("12345", 0.0, 0.0),
])
def test_english_ratio(text, low, high):
    assert low <= english_ratio(text) <= high


@pytest.mark.parametrize("text, noise", [
    ("asdf jkl qwerty", True),
    ("fjdkslaj fjdksla ghghghgh hjkhjkhjk", True),
    ("aaaaaaa bbbbbb", True),
    ("zxcvb mnbvc", True),
    ("12345 !!!", True),
    ("", False),
    (GOOD_REPLY, False),
    ("hmm ok pls thx", False),
    ("I had a glad salad in Alaska.", False),          # home-row words that are real
    ("Ich habe meine Bestellung nicht bekommen.", False),   # foreign, not noise
    (GOOD_REPLY + " asdf", False),
])
def test_keyboard_noise(text, noise):
    assert is_keyboard_noise(text) is noise


def test_noise_ratio():
    assert noise_ratio("asdf hello qwerty world") == pytest.approx(0.5)


@pytest.mark.parametrize("text, not_english", [
    (GOOD_REPLY, False),
    ("Hola, no he recibido mi pedido y estoy muy molesto. Por favor envíenme el paquete.", True),
    ("asdf jkl qwerty asdf jkl qwerty", True),
])
def test_assess_not_english(text, not_english):
    r = assess(text, None)
    assert r.not_english is not_english
    assert r.similarity is None


# --- the whole result ---------------------------------------------------------------

def test_assess_result_shape(nlp):
    r = assess(nlp("Thanks Mark. Can you tell me where my parcel is? I will check today."),
               PROMPT)
    assert isinstance(r, Relevance)
    d = r.to_dict()
    assert d["copied_spans"] == [[list(span) for span in r.copied_spans][0]]
    assert json.loads(json.dumps(d)) == d
    assert d["copied_ratio"] == round(r.copied_ratio, 4)


def test_assess_parses_text_itself():
    assert assess(GOOD_REPLY, PROMPT) == assess(get_nlp()(GOOD_REPLY), PROMPT)


@pytest.mark.parametrize("answer, prompt", [(None, PROMPT), (42, None), (GOOD_REPLY, 7)])
def test_assess_rejects_bad_input(answer, prompt):
    with pytest.raises(InputError):
        assess(answer, prompt)


def test_thresholds_from_file(tmp_path: Path):
    shipped = load_thresholds()
    assert isinstance(shipped, Thresholds)
    data = json.loads((Path(__file__).parents[2] / "assessor/data/relevance/thresholds.json")
                      .read_text())
    data["off_topic"]["max_similarity"] = 0.9
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data))
    strict = load_thresholds(path)
    assert strict.max_similarity == 0.9
    assert load_thresholds() == shipped     # the shipped default is untouched
    # A bar this high calls even the good reply off topic: the threshold is data.
    assert assess(GOOD_REPLY, PROMPT, strict).off_topic is True


@pytest.mark.parametrize("content", ["not json", '{"copy": {}}'])
def test_malformed_thresholds(tmp_path: Path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(DataError):
        load_thresholds(path)


def test_missing_thresholds(tmp_path: Path):
    with pytest.raises(DataError):
        load_thresholds(tmp_path / "absent.json")


# --- benchmarks on ../shared (figures in assessor/data/relevance/README.md) ------------

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(),
                                  reason=f"calibration data not found at {SHARED}")

#: Essay prompts written for this benchmark from ELLIPSE's prompt *titles* (own wording;
#: the corpus ships titles only).
ELLIPSE_PROMPTS = {
    "Success and failure": "Some people say that failure is necessary on the way to success. Do you agree that failing helps people succeed? Use examples.",  # noqa: E501
    "Three-year high school program": "Some high schools let students graduate in three years instead of four by taking extra classes. Is this a good idea for students?",  # noqa: E501
    "Trying something beyond what you have mastered": "Should people try things beyond what they have already mastered in order to grow? Explain your opinion.",  # noqa: E501
    "Individuality": "Is it better to be yourself in a world that keeps trying to make you like everyone else? Explain why being an individual matters.",  # noqa: E501
    "First impressions": "Are first impressions almost impossible to change? Explain whether people can change the first impression they make.",  # noqa: E501
    "Four-day work week": "Some businesses and schools are moving to a four-day week with longer days. Would a four-day school or work week be a good idea?",  # noqa: E501
    "Working with a group or alone": "Is it better for students to work in a group or to work alone? Explain which way of working gives better results.",  # noqa: E501
    "Lunch menus": "Your school wants to change the lunch menu to healthier food. Write a letter to the principal about whether students should have a say in the menu.",  # noqa: E501
    "Mandatory extracurricular activities": "Your principal has decided that every student must take part in at least one extracurricular activity, such as sports or clubs. Do you agree?",  # noqa: E501
    "Cell phones at school": "Should students be allowed to use their cell phones at school during lunch and free periods? Write to the principal.",  # noqa: E501
    "Afterschool homework club": "The school is thinking of starting an after-school homework club. Would students benefit from staying after school to do homework?",  # noqa: E501
    "Creative arts requirement": "Should all students be required to take a class in the creative arts, such as music, drama or painting?",  # noqa: E501
    "Grades for extracurricular activities": "Should students need at least a B average to take part in sports and other extracurricular activities?",  # noqa: E501
    "Curfews for teenagers": "Some cities have a curfew that keeps teenagers at home after ten at night. Are curfews for teenagers a good idea?",  # noqa: E501
    "Cell phones in classrooms": "Should phones be allowed in the classroom, or should students hand them in during lessons? Explain your view.",  # noqa: E501
    "Spending time outdoors": "Do young people today spend too little time outdoors and in nature? Explain the benefits of spending time outside.",  # noqa: E501
    "Places to visit": "Describe a place you would like to visit and explain why people should travel to see new places.",  # noqa: E501
    "Community service": "Should students be required to do community service, such as helping at a shelter or cleaning a park?",  # noqa: E501
    "Praising student work": "Does praising students' work, even when it is not their best, help them learn? Explain your opinion.",  # noqa: E501
    "Enjoyable educational activities": "Describe a learning activity that is both educational and fun, and explain why students enjoy it.",  # noqa: E501
    "Controlling extracurricular involvement": "Should schools limit how many clubs and sports a student can join so that they have time for studying?",  # noqa: E501
    "Internships and shadowing": "Should students do internships or job shadowing to learn about careers before they finish school?",  # noqa: E501
    "Influencing behavior": "Can people influence the behavior of others by being a good example? Explain with examples.",  # noqa: E501
    "Benefits of a problem": "Can a problem or a difficult situation have benefits? Describe how a problem can lead to something good.",  # noqa: E501
    "Imagination": "Is imagination more important than knowledge? Explain your opinion with examples.",  # noqa: E501
    "Lessons with elementary school students": "Should older students help teach younger elementary school children once a week? Explain the benefits or problems.",  # noqa: E501
    "Letter to employer": "Write a letter to an employer explaining why you would be a good person to hire for a summer job.",  # noqa: E501
    "Future accomplishments": "What do you want to accomplish in the future? Describe your goals and how you plan to reach them.",  # noqa: E501
    "Summer projects": "Should summer projects for students be designed by teachers or by the students themselves?",  # noqa: E501
    "Benefits of a good attitude": "Does a positive attitude help people succeed? Explain how a good attitude can change your life.",  # noqa: E501
    "Seeking multiple opinions": "When you need advice, is it better to ask several people for their opinion rather than just one?",  # noqa: E501
}


def _ellipse():
    import csv

    with open(SHARED / "ellipse" / "ellipse_calibration.csv", encoding="utf-8", newline="") as f:
        return [(r["full_text"], r["prompt"]) for r in csv.DictReader(f)]


@needs_shared
@pytest.mark.shared
@pytest.mark.slow
def test_benchmark_off_topic_on_ellipse(nlp):
    """On-topic essays are rarely flagged; a fair share of essays paired with another prompt are.

    Groups whose essays do not match the prompt written from their title (the nearest prompt
    is right for fewer than half of them) are left out: there the written prompt is wrong,
    not the essays off topic.
    """
    t = load_thresholds()
    rows = _ellipse()
    docs = nlp.pipe([text for text, _ in rows], batch_size=64)
    results = [{k: topic_similarity(d, p, t) for k, p in ELLIPSE_PROMPTS.items()} for d in docs]
    hits: dict[str, list[bool]] = {}
    for (_, prompt), res in zip(rows, results):
        hits.setdefault(prompt, []).append(max(res, key=lambda k: res[k][0]) == prompt)
    keep = {k for k, v in hits.items() if sum(v) / len(v) >= 0.5}

    def flagged(sim, n_answer, n_prompt):
        return (n_answer >= t.min_answer_content and n_prompt >= t.min_prompt_content
                and sim < t.max_similarity)

    on = [flagged(*res[p]) for (_, p), res in zip(rows, results) if p in keep]
    off = [flagged(*res[o]) for (_, p), res in zip(rows, results) if p in keep
           for o in keep if o != p]
    on_rate, off_rate = sum(on) / len(on), sum(off) / len(off)
    print(f"\nELLIPSE off-topic: {len(keep)} prompt groups, {len(on)} on-topic essays flagged "
          f"{on_rate:.2%}, {len(off)} mismatched pairs flagged {off_rate:.1%}")
    assert on_rate <= 0.03  # the shipped bar (0.03) flags 2.59% of on-topic essays
    assert off_rate >= 0.25


@needs_shared
@pytest.mark.shared
@pytest.mark.slow
def test_benchmark_learner_english_is_english():
    """No learner essay, however weak, is called "not English"."""
    texts = [json.loads(line)["text"]
             for part in "ABC"
             for line in open(SHARED / "wi-locness" / "json" / f"{part}.train.json",
                              encoding="utf-8")]
    texts += [text for text, _ in _ellipse()]
    t = load_thresholds()
    ratios = sorted(english_ratio(x, t) for x in texts)
    noise = sum(is_keyboard_noise(x, t) for x in texts)
    print(f"\nlearner English: {len(texts)} essays, english_ratio min {ratios[0]:.3f}, "
          f"1st percentile {ratios[len(ratios) // 100]:.3f}, keyboard noise {noise}")
    assert ratios[0] >= t.min_english_ratio
    assert noise == 0
