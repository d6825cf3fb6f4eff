"""Screening of children's suggestions before a facilitator reads them (CH-05, CH-06).

One pure function, `suggestion_screen`: it reads the text, never stores or sends it, and gives
the same answer for the same input. It holds (never rejects, never publishes) text that looks
like contact or identifying details, and flags text that suggests a child is at risk.

The caller decides what a hold or a concern means in the queue. A concern is never published:
the moderation queue must put it first and show the session's safeguarding contact and
helpline reference beside it (CH-06). See docs/screening.md for what is held, what is not,
the measured precision and recall, and the known limits.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import phonenumbers
from django.db import models
from django.utils.translation import gettext_lazy as _


class HoldReason(models.TextChoices):
    EMAIL = "email", _("An email address")
    URL = "url", _("A web address")
    HANDLE = "handle", _("A social media name")
    PHONE = "phone", _("A phone number")
    ADDRESS = "address", _("A street address")
    SCHOOL = "school", _("A school name with a class")
    FULL_NAME = "full_name", _("A full name")
    CONTROL_CHARACTERS = "control_characters", _("Hidden control characters")


class ConcernReason(models.TextChoices):
    ABUSE = "abuse", _("Disclosure of abuse or violence")
    SELF_HARM = "self_harm", _("Self-harm or suicide")
    THREAT = "threat", _("A threat to someone")
    GROOMING = "grooming", _("Someone asking for photos or contact")
    UNSAFE_HOME = "unsafe_home", _("A child afraid or unsafe at home")


@dataclass(frozen=True)
class ScreenResult:
    held: bool
    reasons: tuple[HoldReason, ...]
    concern: bool
    concern_reasons: tuple[ConcernReason, ...]


# --- Text preparation --------------------------------------------------------------------------

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alef, tatweel


def normalise(text: str) -> str:
    """NFKC (full-width digits and letters become ASCII), casefolded, one kind of apostrophe,
    Arabic without vowel marks and with one alef, control characters removed."""
    text = unicodedata.normalize("NFKC", text)
    text = CONTROL.sub("", text)
    text = text.replace("’", "'").replace("`", "'").replace("ʼ", "'")
    text = ARABIC_MARKS.sub("", text)
    text = re.sub("[أإآ]", "ا", text)
    text = text.replace("ё", "е").replace("Ё", "Е")
    return text.casefold()


# --- Emails, addresses on the web, handles -----------------------------------------------------

TLDS = (
    "com|org|net|edu|gov|int|info|biz|io|me|ly|gg|tv|co|app|dev|xyz|online|site|"
    "uk|fr|es|ru|cn|ar|mx|de|it|br|in|ng|ke|za|eg|ma|sa|ae|jo|lb|ca|us|au|ch|be|ua|kz|by|"
    "рф|ру|ком|орг|كوم|中国|公司|网络"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
AT_WORDS = r"at|arobase|arroba|собачка|собака|эт|آت|ات|艾特|在"
DOT_WORDS = r"dot|point|punto|точка|дот|نقطة|نقطه|دوت|点|點"
OPEN = r"[\s(\[{<]*"
CLOSE = r"[\s)\]}>]*"
SPELT_EMAIL = re.compile(
    rf"[\w.+-]+{OPEN}(?:{AT_WORDS}|@){CLOSE}[\w-]+{OPEN}(?:{DOT_WORDS}|\.){CLOSE}(?:{TLDS})\b"
)
URL = re.compile(r"\b(?:https?://|www\.)\S+")
DOMAIN = re.compile(rf"\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{TLDS})\b(?:/\S*)?")
HANDLE = re.compile(r"(?<![\w@.])@[\w.]{2,}")
PLATFORMS = (
    "instagram|insta|ig|snapchat|snap|tiktok|tik tok|discord|whatsapp|telegram|facebook|fb|"
    "messenger|twitter|youtube|twitch|roblox|minecraft|wechat|weixin|qq|line|signal|kik|vk|"
    "вконтакте|вк|телеграм|телеграмм|инстаграм|инста|ватсап|вотсап|тикток|дискорд|"
    "واتساب|واتس|انستغرام|انستقرام|انستا|تيك توك|تيكتوك|سناب|سناب شات|تلغرام|تليجرام|فيسبوك|"
    "微信|抖音|快手|小红书|微博|脸书"
)
PLATFORM_NAME = re.compile(rf"(?<!\w)(?:{PLATFORMS})\s*[:：=]\s*@?[\w.]{{2,}}")
ADD_ME_ON = re.compile(
    rf"\b(?:add|follow|find|message|text|dm|call)\s+me\s+on\s+(?:{PLATFORMS})\b"
    rf"|(?:ajoute|suis|contacte)[- ]moi\s+sur\s+(?:{PLATFORMS})\b"
    rf"|(?:agrégame|agregame|sígueme|sigueme|escríbeme|escribeme)\s+(?:en|por)\s+(?:{PLATFORMS})\b"
    rf"|(?:добавь|пиши|напиши)\s+(?:мне\s+|меня\s+)?в\s+(?:{PLATFORMS})"
    rf"|(?:加我|加我的)\s*(?:{PLATFORMS})"
)

# --- Phone numbers ------------------------------------------------------------------------------

# A run of nine or more digits, single spaces, dashes or dots allowed between them.
DIGIT_RUN = re.compile(r"(?<![\d.,])\+?\d(?:[ .\-]?\d){8,}(?![\d])")
FALLBACK_REGIONS = {
    "en": ("GB", "US", "NG", "IN"),
    "fr": ("FR", "SN", "CI"),
    "es": ("ES", "MX", "CO"),
    "ru": ("RU", "KZ"),
    "ar": ("EG", "SA", "MA"),
    "zh": ("CN",),
}


@lru_cache(maxsize=1)
def iso3_to_iso2() -> dict[str, str]:
    path = Path(__file__).resolve().parents[1] / "fixtures" / "countries.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {row["iso3"]: row["iso2"] for row in data["countries"]}


def regions_for(language: str, country: str | None) -> tuple[str, ...]:
    region = None
    if country:
        code = country.strip().upper()
        region = iso3_to_iso2().get(code) if len(code) == 3 else code if len(code) == 2 else None
    if region:
        return (region,)
    base = (language or "").split("-")[0].lower()
    return (*FALLBACK_REGIONS.get(base, ()), "US", "GB", "FR")


def has_phone(text: str, regions: tuple[str, ...]) -> bool:
    if DIGIT_RUN.search(text):
        return True
    for region in regions:
        try:
            matcher = phonenumbers.PhoneNumberMatcher(
                text, region, leniency=phonenumbers.Leniency.VALID
            )
            if matcher.has_next():
                return True
        # A library hiccup must never stop a child's text being screened by the rest.
        except Exception:  # noqa: S112
            continue
    return False


# --- Street addresses ---------------------------------------------------------------------------

WORD = r"[^\W\d_][\w'.-]*"
ADDRESS = re.compile(
    # 12 Oak Street, 221b Baker St (a name between the number and the street word)
    rf"\b\d{{1,5}}[a-z]?,?\s+(?:{WORD}\s+){{1,3}}"
    r"(?:street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd|drive|close|crescent)\b"
    r"(?!\s+(?:children|child|kids|vendors|workers|food|safety))"
    # 12 rue des Lilas, 3 bis avenue Foch, 12 calle Mayor
    r"|\b\d{1,5}\s*(?:bis|ter)?,?\s+(?:rue|avenue|av\.|bd|boulevard|chemin|allée|impasse|"
    r"place|calle|avenida|avda\.?)\s+\w"
    # calle Mayor 12, avenida de la Paz 45, rue de la Paix no 5
    rf"|\b(?:calle|c/|avenida|avda\.?|carrera|paseo|rue|boulevard)\s+(?:{WORD}\s+){{1,4}}"
    r"(?:n[ºo°]\.?\s*)?\d{1,5}\b"
    # улица Ленина, д. 5 / ул. Мира 12 / проспект Мира 3
    rf"|(?:улица|ул\.|проспект|пр-т|переулок|пер\.)\s*(?:{WORD}[\s,]+){{1,3}}"
    r"(?:д\.|дом)?\s*\d{1,5}"
    # شارع النيل 12 / 12 شارع النيل
    r"|شارع\s+(?:\S+\s+){1,3}(?:رقم\s*)?\d{1,5}|\d{1,5}\s+شارع\s+\S+"
    # 人民路12号, 长安街5号
    r"|[\u4e00-\u9fff]{1,8}(?:路|街|大道|巷|胡同)\s*\d{1,5}\s*号"
    # I live at 12 ..., I live on Oak Street
    rf"|\bi\s+live\s+(?:at|on)\s+(?:\d{{1,5}}\s+|(?:{WORD}\s+){{1,3}}(?:street|road|avenue|lane)\b)"
    r"|\bj'habite\s+(?:au\s+)?\d{1,5}\s+\w|\bvivo\s+en\s+(?:la\s+)?calle\s+\w"
    r"|\bя\s+живу\s+на\s+улице\s+\w"
)

# --- Schools with a class ----------------------------------------------------------------------

CLASS_EN = r"(?:class|grade|year|form|standard)\s*\d{1,2}\s*[a-z]?\b"
SCHOOL = re.compile(
    # St Mary's Primary School, class 5B / Hilltop High School grade 9
    rf"\b(?:{WORD}\s+){{1,4}}(?:primary|secondary|high|middle|elementary|junior|grammar|"
    rf"public|international)?\s*school\b[\s,.-]{{0,5}}(?:in\s+)?{CLASS_EN}"
    rf"|\bi\s+(?:go\s+to|attend|study\s+at|am\s+at)\s+(?!school\b|a\s+|the\s+|my\s+)"
    rf"(?:{WORD}\s+){{1,4}}(?:primary\s+|secondary\s+|high\s+|middle\s+)?school\b"
    # école Jules Ferry, classe de CM2 / collège Victor Hugo en 5e
    r"|\b(?:école|ecole|collège|college|lycée|lycee)\s+(?:[\w'-]+[\s,]+){1,4}.{0,10}?"
    r"(?:classe|cp|ce1|ce2|cm1|cm2|\d(?:e|ème|eme)\b)"
    r"|\bje\s+suis\s+(?:à|a)\s+l'(?:école|ecole)\s+\w+|\bje\s+suis\s+au\s+(?:collège|lycée)\s+\w+"
    # escuela Benito Juárez, 5º grado / colegio San José, curso 3
    r"|\b(?:escuela|colegio|instituto|liceo)\s+(?:[\w'-]+[\s,]+){1,4}.{0,10}?"
    r"(?:grado|curso|año|\d\s*[ºo°]\b)"
    r"|\b(?:estudio|voy)\s+(?:en|a)\s+(?:la\s+|el\s+)?(?:escuela|colegio)\s+(?!de\b|del\b)[^\W\d]"
    # школа №5, гимназия № 12, лицей 3, 5 "Б" класс
    r"|(?:школ[аеуы]|гимнази[яиюей]|лице[йяюе])\s*(?:no\.?|n|номер)\s*\d+"
    r"|\d{1,2}\s*[«\"]?[а-я][»\"]?\s*класс"
    # مدرسة النور، الصف الخامس
    r"|مدرسة\s+ال\S+.{0,20}(?:الصف|صف|فصل)"
    r"|(?:ادرس|أدرس)\s+في\s+مدرسة\s+\S+"
    # 我在阳光小学五年级二班 / 北京第一中学
    r"|[\u4e00-\u9fff]{2,10}(?:小学|中学|学校)[\u4e00-\u9fff\d]{0,6}(?:年级|班)"
    r"|我在[\u4e00-\u9fff]{2,10}(?:小学|中学|学校)"
    r"|第[一二三四五六七八九十\d]+(?:小学|中学)"
)

# --- "My name is <Name Surname>" ---------------------------------------------------------------

NOT_A_NAME = {
    "and",
    "i",
    "im",
    "i'm",
    "am",
    "from",
    "the",
    "a",
    "in",
    "of",
    "my",
    "is",
    "not",
    "but",
    "so",
    "to",
    "et",
    "je",
    "j'ai",
    "de",
    "du",
    "y",
    "soy",
    "tengo",
    "и",
    "я",
    "мне",
    "из",
    "انا",
    "وانا",
    "من",
    "و",
}
NAME_INTRO = re.compile(
    r"\b(?:my\s+(?:full\s+)?name\s+is|i\s+am\s+called|je\s+m'appelle|mon\s+nom\s+est|"
    r"me\s+llamo|mi\s+nombre\s+es|меня\s+зовут|мое\s+имя|моё\s+имя|اسمي|انا\s+اسمي)\s+"
    r"([^\W\d_][\w'-]*)[\s,]+([^\W\d_][\w'-]*)"
)
NAME_ZH = re.compile(r"(?:我叫|我的名字是|我的名字叫)\s*[\u4e00-\u9fff]{2,4}")


def has_full_name(text: str) -> bool:
    for match in NAME_INTRO.finditer(text):
        first, last = match.group(1), match.group(2)
        if first not in NOT_A_NAME and last not in NOT_A_NAME:
            return True
    return bool(NAME_ZH.search(text))


# --- Safeguarding concerns ---------------------------------------------------------------------

CONCERN_PHRASES: dict[ConcernReason, tuple[str, ...]] = {
    ConcernReason.ABUSE: (
        # en
        "hurts me", "hurt me", "hits me", "beats me", "touched me",
        "touches me", "abuses me", "abused me", "abusing me", "forces me", "forced me",
        "makes me do things", "raped me", "kicks me", "slaps me",
        # fr
        "me frappe", "me bat", "m'a touche", "m'a touché", "il me touche", "elle me touche",
        "me fait du mal", "m'a fait du mal", "me force à", "m'oblige à",
        # es
        "me pega", "me golpea", "me tocó", "me toco", "me hace daño", "me obliga",
        "me maltrata", "abusa de mí", "abusa de mi", "abusó de mí",
        # ru
        "меня бьет", "бьет меня", "меня бьют", "бьют меня", "трогал меня", "трогает меня",
        "меня трогал", "меня трогает", "делает мне больно", "заставляет меня",
        # ar
        "يضربني", "تضربني", "يضربونني", "لمسني", "يلمسني", "يؤذيني", "تؤذيني", "يجبرني",
        "اعتدى علي",
        # zh
        "他打我", "她打我", "打我", "摸我", "碰我", "伤害我", "逼我", "强迫我",
    ),
    ConcernReason.SELF_HARM: (
        "i want to die", "i wanna die", "kill myself", "killing myself", "end my life",
        "hurt myself", "hurting myself", "cut myself", "cutting myself", "i feel suicidal",
        "don't want to live", "dont want to live", "do not want to live",
        "je veux mourir", "me tuer", "me suicider", "en finir avec la vie", "me faire du mal",
        "envie de mourir",
        "quiero morir", "quiero morirme", "matarme", "suicidarme", "hacerme daño", "cortarme",
        "no quiero vivir",
        "хочу умереть", "убить себя", "покончить с собой", "не хочу жить", "порезать себя",
        "режу себя",
        "اريد ان اموت", "اقتل نفسي", "انتحر", "لا اريد ان اعيش", "اوذي نفسي",
        "我想死", "自杀", "杀了自己", "不想活", "伤害自己", "割自己",
    ),
    ConcernReason.THREAT: (
        "i will kill", "i'll kill", "going to kill", "gonna kill", "kill you", "i will hurt",
        "je vais te tuer", "je vais le tuer", "je vais la tuer", "je vais les tuer",
        "te voy a matar", "lo voy a matar", "la voy a matar", "voy a matar",
        "я тебя убью", "убью тебя", "я убью",
        "ساقتلك", "سوف اقتلك", "ساقتله",
        "我要杀了你", "杀了你", "我要杀",
    ),
    ConcernReason.GROOMING: (
        "send me photos", "send me pictures", "send me a photo", "send me a picture",
        "send me pics", "keep it a secret", "our secret", "don't tell your parents",
        "envoie-moi des photos", "envoie moi des photos", "envoie-moi une photo",
        "envoie moi une photo", "ne dis rien à tes parents", "notre secret",
        "mándame fotos", "mandame fotos", "envíame fotos", "enviame fotos", "mándame una foto",
        "nuestro secreto", "no les digas a tus padres",
        "пришли фото", "скинь фото", "пришли фотку", "скинь фотку", "наш секрет",
        "не говори родителям",
        "ارسل لي صور", "ارسل لي صورة", "ابعث لي صور", "سرنا",
        "发照片给我", "给我发照片", "发你的照片", "我们的秘密", "别告诉你爸妈",
    ),
    ConcernReason.UNSAFE_HOME: (
        "scared to go home", "afraid to go home", "not safe at home", "don't feel safe at home",
        "dont feel safe at home", "i am scared at home", "i'm scared at home", "i ran away",
        "something bad happens at home", "bad things happen at home",
        "something bad is happening at home", "bad things are happening at home",
        "peur de rentrer", "pas en sécurité à la maison", "pas en securite a la maison",
        "j'ai peur à la maison", "j'ai peur a la maison",
        "il se passe des choses graves à la maison", "quelque chose de grave à la maison",
        "miedo de volver a casa", "miedo de ir a casa", "miedo en casa",
        "no estoy segura en casa", "no estoy seguro en casa",
        "pasan cosas malas en casa", "algo malo pasa en casa",
        "боюсь идти домой", "боюсь возвращаться домой", "боюсь домой", "дома небезопасно",
        "اخاف العودة الى البيت", "اخاف ان اعود الى البيت", "اخاف في البيت", "اخاف في المنزل",
        "不敢回家", "害怕回家", "在家里很害怕", "在家不安全",
    ),
}  # fmt: skip
CONCERN_PATTERNS = {
    reason: re.compile(
        "|".join(
            # Latin and Cyrillic phrases match at word edges; Arabic and Chinese anywhere.
            rf"(?<!\w){re.escape(normalise(p))}(?!\w)"
            if re.match(r"[a-zа-я]", normalise(p))
            else re.escape(normalise(p))
            for p in phrases
        )
    )
    for reason, phrases in CONCERN_PHRASES.items()
}


# --- The function -------------------------------------------------------------------------------


def suggestion_screen(*, text: str, language: str, country: str | None = None) -> ScreenResult:
    """Screen a child's suggestion: hold reasons (CH-05) and safeguarding concern (CH-06).

    `language` is the session's language (en, fr, es, ru, ar, zh or another code): the
    patterns of all six UN languages are always applied, and the language picks the regions
    tried for phone numbers when the session has no country. `country` is the session's ISO3
    (or ISO2) code. A concern must go first in the moderation queue and is never published.
    """
    text = text if isinstance(text, str) else str(text)
    reasons: list[HoldReason] = []
    if CONTROL.search(text):
        reasons.append(HoldReason.CONTROL_CHARACTERS)
    plain = normalise(text)
    if EMAIL.search(plain) or SPELT_EMAIL.search(plain):
        reasons.append(HoldReason.EMAIL)
    if URL.search(plain) or DOMAIN.search(EMAIL.sub(" ", plain)):
        reasons.append(HoldReason.URL)
    if HANDLE.search(plain) or PLATFORM_NAME.search(plain) or ADD_ME_ON.search(plain):
        reasons.append(HoldReason.HANDLE)
    if has_phone(
        unicodedata.normalize("NFKC", CONTROL.sub("", text)), regions_for(language, country)
    ):
        reasons.append(HoldReason.PHONE)
    if ADDRESS.search(plain):
        reasons.append(HoldReason.ADDRESS)
    if SCHOOL.search(plain):
        reasons.append(HoldReason.SCHOOL)
    if has_full_name(plain):
        reasons.append(HoldReason.FULL_NAME)
    concern_reasons = tuple(
        reason for reason, pattern in CONCERN_PATTERNS.items() if pattern.search(plain)
    )
    return ScreenResult(
        held=bool(reasons),
        reasons=tuple(reasons),
        concern=bool(concern_reasons),
        concern_reasons=concern_reasons,
    )
