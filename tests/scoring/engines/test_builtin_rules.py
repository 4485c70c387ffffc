"""Every rule of the built-in engine: what it flags and what it must leave alone."""
from __future__ import annotations

import pytest

from assessor.scoring.engines.builtin import BuiltinEngine
from assessor.scoring.nlp import get_nlp


@pytest.fixture(scope="module")
def check():
    nlp = get_nlp()
    engine = BuiltinEngine()

    def run(text: str):
        return engine.check(text, nlp(text))
    return run


# (text, rule_id, flagged text, first suggestion)
POSITIVES = [
    # subject-verb agreement
    ("They goes to school every day.", "BUILTIN_SVA", "goes", "go"),
    ("She like apples very much.", "BUILTIN_SVA", "like", "likes"),
    ("He have two brothers.", "BUILTIN_SVA", "have", "has"),
    ("The customers is waiting for an answer.", "BUILTIN_SVA", "is", "are"),
    ("My manager are very kind.", "BUILTIN_SVA", "are", "is"),
    ("I is happy to help you.", "BUILTIN_SVA", "is", "am"),
    ("We was late for the meeting.", "BUILTIN_SVA", "was", "were"),
    ("Everyone know the answer.", "BUILTIN_SVA", "know", "knows"),
    ("I know a man who have a car.", "BUILTIN_SVA", "have", "has"),
    ("The customer who call us is angry.", "BUILTIN_SVA", "call", "calls"),
    ("People is very friendly here.", "BUILTIN_SVA", "is", "are"),
    ("There is many shops in my town.", "BUILTIN_THERE_IS_ARE", "is", "are"),
    ("There are a problem with your order.", "BUILTIN_THERE_IS_ARE", "are", "is"),
    ("There's many reasons for this.", "BUILTIN_THERE_IS_ARE", "'s", " are"),
    # verb form after auxiliaries and modals
    ("I can goes there tomorrow.", "BUILTIN_MODAL_VERB_FORM", "goes", "go"),
    ("You should called the bank.", "BUILTIN_MODAL_VERB_FORM", "called", "be called"),
    ("I didn't went to the party.", "BUILTIN_DO_VERB_FORM", "went", "go"),
    ("Does he likes coffee?", "BUILTIN_DO_VERB_FORM", "likes", "like"),
    ("He has went home already.", "BUILTIN_PERFECT_VERB_FORM", "went", "gone"),
    ("I have ate my lunch.", "BUILTIN_PERFECT_VERB_FORM", "ate", "eaten"),
    ("She has wrote three emails today.", "BUILTIN_PERFECT_VERB_FORM", "wrote", "written"),
    ("New technology has improve our lives.", "BUILTIN_PERFECT_VERB_FORM", "improve", "improved"),
    ("I want to went home.", "BUILTIN_TO_VERB_FORM", "went", "go"),
    # determiners and nouns
    ("I like this books a lot.", "BUILTIN_DET_NOUN_NUMBER", "this books", "this book"),
    ("Did you saw my email?", "BUILTIN_DO_VERB_FORM", "saw", "see"),
    ("These book is interesting.", "BUILTIN_DET_NOUN_NUMBER", "These book", "These books"),
    ("Every customers gets a reply.", "BUILTIN_DET_NOUN_NUMBER", "Every customers", "Every customer"),
    ("I have two brother at home.", "BUILTIN_DET_NOUN_NUMBER", "two brother", "two brothers"),
    ("Please wait a few minute.", "BUILTIN_DET_NOUN_NUMBER", "few minute", "few minutes"),
    ("It is one of the best place in the city.", "BUILTIN_ONE_OF_PLURAL", "place", "places"),
    ("One of the main reason is the price.", "BUILTIN_ONE_OF_PLURAL", "reason", "reasons"),
    ("I need more informations about the plan.", "BUILTIN_UNCOUNTABLE_PLURAL", "informations", "information"),
    ("Thank you for the advices.", "BUILTIN_UNCOUNTABLE_PLURAL", "advices", "advice"),
    ("Can you give me an advice?", "BUILTIN_UNCOUNTABLE_DET", "an", "some"),
    ("I am student at the university.", "BUILTIN_MISSING_ARTICLE", "student", "a student"),
    ("She is very good teacher.", "BUILTIN_MISSING_ARTICLE", "very good teacher", "a very good teacher"),
    ("He became engineer last year.", "BUILTIN_MISSING_ARTICLE", "engineer", "an engineer"),
    # a / an by sound
    ("It was a honest mistake.", "BUILTIN_A_AN", "a", "an"),
    ("I waited for a hour.", "BUILTIN_A_AN", "a", "an"),
    ("She studies at an university.", "BUILTIN_A_AN", "an", "a"),
    ("He has a MBA from Manila.", "BUILTIN_A_AN", "a", "an"),
    ("I ate a apple.", "BUILTIN_A_AN", "a", "an"),
    ("It is an useful tool.", "BUILTIN_A_AN", "an", "a"),
    ("A orange is on the table.", "BUILTIN_A_AN", "A", "An"),
    ("I work a 8-hour shift.", "BUILTIN_A_AN", "a", "an"),
    ("She has an 10-year-old son.", "BUILTIN_A_AN", "an", "a"),
    # confused words
    ("Their is a problem with the system.", "BUILTIN_THEIR_IS", "Their", "There"),
    ("They want to buy there own house.", "BUILTIN_THERE_OWN", "there", "their"),
    ("Its a very nice day.", "BUILTIN_ITS_IS", "Its", "It's"),
    ("The company changed it's own policy.", "BUILTIN_ITS_OWN", "it's", "its"),
    ("My sister is taller then me.", "BUILTIN_THEN_THAN", "then", "than"),
    ("I had no choice other then to wait.", "BUILTIN_THEN_THAN", "then", "than"),
    ("I can went there tomorrow.", "BUILTIN_MODAL_VERB_FORM", "went", "go"),
    ("I like this books.", "BUILTIN_DET_NOUN_NUMBER", "this books", "this book"),
    ("Your welcome to call us again.", "BUILTIN_YOUR_YOURE", "Your", "You're"),
    ("I don't want to loose my job.", "BUILTIN_LOOSE_LOSE", "loose", "lose"),
    ("We are loosing customers.", "BUILTIN_LOOSE_LOSE", "loosing", "losing"),
    ("The affect of the change was big.", "BUILTIN_AFFECT_EFFECT", "affect", "effect"),
    ("You could of told me earlier.", "BUILTIN_COULD_OF", "of", "have"),
    ("I advice you to restart the router.", "BUILTIN_ADVICE_ADVISE", "advice", "advise"),
    ("I get alot of calls every day.", "BUILTIN_ALOT", "alot", "a lot"),
    ("I am agree with your idea.", "BUILTIN_BE_AGREE", "am agree", "agree"),
    ("Despite of the rain, we went out.", "BUILTIN_DESPITE_OF", "Despite of", "Despite"),
    ("We discussed about the problem.", "BUILTIN_DISCUSS_ABOUT", "discussed about", "discussed"),
    ("They help each others a lot.", "BUILTIN_EACH_OTHERS", "each others", "each other"),
    ("This plan is more better than the old one.", "BUILTIN_MORE_COMPARATIVE", "more better", "better"),
    # comma after an opening linking word
    ("However the order is late.", "BUILTIN_OPENER_COMMA", "However", "However,"),
    ("We are sorry. In addition we will refund you.", "BUILTIN_OPENER_COMMA", "In addition", "In addition,"),
    ("In my opinion working from home is better.", "BUILTIN_OPENER_COMMA", "In my opinion", "In my opinion,"),
    # repeated words
    ("I saw the the cat.", "BUILTIN_REPEATED_WORD", "the the", "the"),
    ("Please send it to to me.", "BUILTIN_REPEATED_WORD", "to to", "to"),
    # capital letters
    ("Yesterday i called the bank.", "BUILTIN_LOWERCASE_I", "i", "I"),
    ("I'll call you on monday.", "BUILTIN_PROPER_CAPITAL", "monday", "Monday"),
    ("My english is good.", "BUILTIN_PROPER_CAPITAL", "english", "English"),
    ("The meeting is in january.", "BUILTIN_PROPER_CAPITAL", "january", "January"),
    ("Thank you. we will call you.", "BUILTIN_SENTENCE_START", "we", "We"),
    ("hello, how are you?", "BUILTIN_SENTENCE_START", "hello", "Hello"),
    ("Is it done? yes, it is.", "BUILTIN_SENTENCE_START", "yes", "Yes"),
    # apostrophes and spaces
    ("I dont know the answer.", "BUILTIN_MISSING_APOSTROPHE", "dont", "don't"),
    ("Im sorry for the delay.", "BUILTIN_MISSING_APOSTROPHE", "Im", "I'm"),
    ("Thanks for waiting,we will help you.", "BUILTIN_SPACE_AFTER_PUNCT", ",", ", "),
    ("I am here.Please call me.", "BUILTIN_SPACE_AFTER_PUNCT", ".", ". "),
    # spelling
    ("I recieved your email.", "BUILTIN_SPELLING", "recieved", "received"),
    ("The goverment will help.", "BUILTIN_SPELLING", "goverment", "government"),
    ("We will definately call you.", "BUILTIN_SPELLING", "definately", "definitely"),
    ("Becuase the line was busy, I waited.", "BUILTIN_SPELLING", "Becuase", "Because"),
]


@pytest.mark.parametrize("text, rule_id, flagged, suggestion", POSITIVES)
def test_rule_flags_the_error(check, text, rule_id, flagged, suggestion):
    issues = [i for i in check(text) if i.rule_id == rule_id]
    assert len(issues) == 1, check(text)
    found = issues[0]
    assert text[found.offset:found.offset + found.length] == flagged
    assert found.suggestions[0] == suggestion
    assert found.engine == "builtin"
    assert found.message


NEGATIVES = [
    # agreement
    "He goes to work by bus and she likes her job.",
    "The customers are waiting for an answer.",
    "John and Mary are my colleagues.",
    "A lot of people are waiting in the queue.",
    "The number of calls has increased.",
    "My family is large.",
    "If I were you, I would call the bank.",
    "If he were here, he would help.",
    "The people who work here are friendly.",
    "He is one of the people who help us.",
    "I had some friends on the plane who were going to Cebu.",
    "Take care of the place as it were your own.",
    "Many people believe that there is no future in it.",
    "It is one of the things that make me happy.",
    "We have many stops, which makes the trip long.",
    "Let him go home early.",
    "I suggest that he call the manager.",
    "There are many shops and there is a park.",
    "There is a cat and a dog in the garden.",
    "There are a lot of options.",
    "The news is good today.",
    "Everyone knows the answer.",
    "I am sure that this is the right plan.",
    # verb forms
    "I can go there tomorrow, and I will have finished by then.",
    "I didn't go to the party because I had gone home.",
    "She has written three emails and has read two.",
    "He has put the phone down and has cut the line.",
    "I want to go home, and I look forward to seeing you.",
    "The problem should be solved soon.",
    "We have come a long way and they have become friends.",
    "Had I known, I would have called.",
    "Why have you fridge magnets at home? These factors have directly effect on us.",
    "They want to found a company and to saw the wood.",
    "I want to read it and to put it away.",
    # determiners and nouns
    "This book and these books are on that shelf.",
    "Each customer gets a reply within a few days.",
    "I need more information and some advice.",
    "A series of calls came in this morning.",
    "She bought a few hundred dollars of goods.",
    "This results in a better service.",
    "I have a good knowledge of English.",
    "He is a software engineer.",
    "Both men and women apply for this job.",
    "I have two brothers, a few friends and one of the best jobs in the city.",
    "It is one of the most beautiful cities, and one of my brother's friends lives there.",
    "We have a two-hour meeting and a three day training.",
    "I am a student, they are students and he is head of sales.",
    "She is President Reyes and he is my brother.",
    "He was just one more guitar player.",
    "He is the manager and she is our best agent.",
    # a / an
    "It was an honest mistake and I waited for an hour.",
    "She studies at a university and has an MBA.",
    "It is a useful tool, a one-time offer and a European company.",
    "He works for a UK company as an HR officer.",
    "I got an A in English and a B in maths.",
    "It was an unusual day and an unimportant detail.",
    "We sent an SMS and a USB stick.",
    "It was an 8-hour shift, an 11-day trip, an 18,000 peso bill and a 100-peso fee.",
    "He got a 1 in the test and a 110-page report.",
    # confused words
    "There is a problem with their system, and they're fixing it.",
    "It's a nice day and the dog wagged its tail.",
    "My sister is taller than me, and then she left.",
    "You're welcome to call us, and your order is ready.",
    "I don't want to lose my job; the screw is loose.",
    "The change will affect us, but the effect is small.",
    "You could have told me earlier.",
    "My advice is to restart the router; I advise you to do it.",
    "I agree with you, and we discussed the problem despite the rain.",
    "They help each other, and each other's work is better.",
    "This plan is better and more expensive than the old one, and more people like it.",
    # comma after an opening linking word
    "However, the order is late. In addition, we will refund you.",
    "However hard we try, it is late. Nowadays people work from home.",
    "The order is late, however we will refund you.",
    # repeated words
    "I had had enough of that that day.",
    "I know that that is true.",
    "Bye bye, see you soon.",
    # capitalisation
    "I called the bank on Monday in January.",
    "I will call you, e.g. tomorrow at 4 p.m. today.",
    "We met at 9 a.m. and left at noon.",
    "\"Are you OK?\" she asked.",
    "Mr. Smith will call you.",
    "I bought an iPhone. iPhones are expensive.",
    "Please visit www.example.com for details.",
    # apostrophes, spaces, numbers, links
    "I don't know, but I can't say I won't try.",
    "It costs 1,000 dollars, i.e. 3.5% more.",
    "Write to help@example.com or see https://example.com/help,now.",
    # spelling: British, names, codes, links
    "The colour of the centre was my favourite, and I travelled to organise the programme.",
    "We analysed the catalogue and apologised for the behaviour.",
    "My name is Maria Santos and I work for Accenture in Makati.",
    "Your order ORD12345 was shipped on 12/05 at 5pm.",
    "Please email me at maria.santos@example.com or visit https://example.com.",
    "I am gonna check it, OK?",
    "The cafes in town are nice.",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_correct_text_is_not_flagged(check, text):
    assert check(text) == []
