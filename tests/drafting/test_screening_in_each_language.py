"""Children's sessions run in the session's language end to end (issue 14, item 4): an idea
with an email written out, a phone number or "my name is …" in that language is held, and the
facilitator's moderation page, in that language, gives the reason in it, not in English."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import translation

from drafting import services
from drafting.screening import HoldReason
from tests.drafting.conftest import child, open_session
from tests.staff import signed_in

pytestmark = pytest.mark.django_db

# (session language, idea, the reason it is held for), as a child might write them
IDEAS = [
    ("fr", "Écrivez-moi : lea arobase gmail point com", HoldReason.EMAIL),
    ("fr", "Appelle-moi au 06 12 34 56 78 après l'école", HoldReason.PHONE),
    ("fr", "Je m'appelle Léa Martin et je veux plus de sécurité", HoldReason.FULL_NAME),
    ("es", "Escríbeme a ana arroba gmail punto com", HoldReason.EMAIL),
    ("es", "Llámame al 612 345 678 por favor", HoldReason.PHONE),
    ("es", "Me llamo Ana García y quiero ayudar", HoldReason.FULL_NAME),
    ("ru", "Пишите мне: маша собака mail точка ru", HoldReason.EMAIL),
    # Seen missed in the screening trial of issue 14: the ending spoken in Cyrillic, the
    # "little dog" for @, the Arabic dot word spelt with heh (U+0647), the traditional dot (U+9EDE).
    ("ru", "пишите маша собачка мейл точка ру", HoldReason.EMAIL),
    ("ru", "мой адрес masha собака yandex точка ком", HoldReason.EMAIL),
    ("ar", "راسلني على sara at gmail نقطه com", HoldReason.EMAIL),
    ("zh-hans", "我的邮箱 xiaoming 艾特 qq 點 com", HoldReason.EMAIL),
    ("ru", "Позвоните мне +7 912 345-67-89", HoldReason.PHONE),
    ("ru", "Меня зовут Маша Иванова, я хочу помочь", HoldReason.FULL_NAME),
    ("ar", "راسلني على ahmed آت gmail نقطة com", HoldReason.EMAIL),
    ("ar", "اتصل بي على 0501234567", HoldReason.PHONE),
    ("ar", "اسمي أحمد حسن وأريد المساعدة", HoldReason.FULL_NAME),
    ("zh-hans", "我的邮箱是 xiaoming 艾特 qq 点 com", HoldReason.EMAIL),
    ("zh-hans", "给我打电话 13812345678", HoldReason.PHONE),
    ("zh-hans", "我叫王小明，我想帮忙", HoldReason.FULL_NAME),
]


@pytest.mark.parametrize(
    ("language", "idea", "reason"), IDEAS, ids=[f"{i[0]}-{i[2].value}" for i in IDEAS]
)
def test_an_idea_held_in_the_sessions_language_says_why_in_it(fay, text, language, idea, reason):
    # given a session in the language and a child who writes the idea in it
    session = open_session(fay, text, language=language, title="Atelier")
    participant, _token = child(session, fay)
    # when
    suggestion = services.suggestion_submit(participant=participant, clause_key="", text=idea)
    # then it is held, for that reason
    assert reason.value in suggestion.hold_reasons
    # and the moderation page in that language names the reason in it
    with translation.override(language):
        label = str(reason.label)
        path = reverse("staff:session_moderation", kwargs={"pk": session.pk})
    with translation.override("en"):
        english = str(reason.label)
    assert label != english, f"{language}: {english!r} is not translated"
    # (inside override: the request activates its language, which must not outlive the test)
    with translation.override("en"):
        page = html.unescape(signed_in(fay).get(path).content.decode())
    reasons = page.split('class="hold-reasons"', 1)[1].split("</p>", 1)[0]
    assert label in reasons
    assert english not in reasons
