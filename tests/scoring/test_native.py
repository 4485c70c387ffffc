"""Answers written by native speakers for this project are rated C1 or above.

Issue 3 asks that native writers be rated C1 or above. The shared data has no
native texts (LOCNESS is not in it), so this is a spot check on a customer
email, a chat reply and a short opinion essay of the kinds the service scores,
each judged against the length its task asks for.
"""
import pytest

from assessor.scoring import ScoringSettings, score

SETTINGS = ScoringSettings(engine="builtin")

NATIVE = {
"essay": """Many people assume that working from home is simply a matter of convenience, but the evidence suggests that its effects are more complicated. On the one hand, employees save hours every week that they would otherwise spend commuting, and many report that they can concentrate better without the constant interruptions of an open-plan office. On the other hand, remote work blurs the boundary between professional and private life, and junior staff in particular may miss the informal guidance they would have picked up from experienced colleagues. In my view, the most sensible arrangement is a hybrid one, in which teams agree on a small number of days when everyone is present, while individuals remain free to do focused work at home for the rest of the week. Such a compromise is not perfect, but it preserves most of the benefits of both models while limiting their most obvious drawbacks.""",
"email": """Dear Ms Patel,

Thank you for getting in touch, and I am sorry to hear that your replacement router still has not arrived. I have looked into your order, and it appears that the parcel was held at our regional depot because the delivery address was missing a flat number. I have corrected the address and arranged for the router to be dispatched again today by next-day courier, so you should receive it by tomorrow evening. In the meantime, I have also applied a credit of five pounds to your account to make up for the inconvenience. If there is anything else I can help with, please do not hesitate to reply to this email.

Kind regards,
Daniel""",
"chat": """Hi Sam, thanks for your patience while I checked that for you. It looks like the payment didn't go through because your card expired last month, so the subscription was paused rather than cancelled. If you update your card details under Account > Billing, everything will be restored straight away, and you won't lose any of your saved playlists. Is there anything else I can help you with today?""",
}

TARGETS = {"essay": 150, "email": 120, "chat": 60}


@pytest.mark.parametrize("kind", sorted(NATIVE))
def test_native_answers_are_rated_c1_or_above(kind):
    result = score(NATIVE[kind], settings=SETTINGS, target_words=TARGETS[kind])
    assert result.level >= 4.5, (kind, result.cefr, result.level)
    assert result.grammar.level >= 3.5 and result.vocabulary.level >= 3.5
