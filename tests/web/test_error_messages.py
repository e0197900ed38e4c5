"""Error pages say what is wrong in the page's language, and never in developer English.

Each refusal a new-user walk-through met, in French and in one other language (Arabic where it
matters that the page runs right to left): its status, its sentence, and none of the technical
words a program reads (those stay in the API's JSON). A feed's error is one plain line.
"""

import html
import re

import pytest

from lieux.refusal import ECHO_MAX, Refusal, filled, shortened
from tests.people import LIEU_B

FSI, PDI = "\u2068", "\u2069"
# isolates and word joiners: what keeps a Latin value or a date in order in an Arabic sentence
INVISIBLE = re.compile("[\u2060\u2066-\u2069]")
DETAIL = re.compile(r'<p class="error-detail">(.*?)</p>', re.S)
# What developers and programs read: never on a page for people.
TECHNICAL = (
    "expected",
    "ISO-8601",
    "Not Found",
    "Bad Request",
    "CSRF",
    "whole number",
    "expected a date",
    "Validation failed",
)


def detail_of(response, *, isolates: bool = False) -> str:
    """The sentence under the heading; without the isolate marks around the values of a
    right-to-left one unless `isolates` (test_a_very_long_value_is_echoed_cut_short)."""
    found = DETAIL.search(response.text)
    text = html.unescape(found[1]) if found else ""
    return text if isolates else INVISIBLE.sub("", text)


def assert_readable(response, status: int, lang: str, sentence: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}"' in response.text
    assert detail_of(response) == sentence
    for word in TECHNICAL:
        assert word not in response.text, word


CASES = [
    # (address, lang, status, the sentence shown)
    (
        "/agenda?week=2026-99-99",
        "fr",
        400,
        "Semaine invalide : donnez une date au format AAAA-MM-JJ, par exemple 2026-11-23.",
    ),
    (
        "/agenda?week=2026-99-99",
        "ar",
        400,
        "أسبوع غير صالح: يُرجى إدخال تاريخ بالصيغة YYYY-MM-DD، مثلًا 2026-11-23.",
    ),
    (
        "/agenda?view=x",
        "fr",
        400,
        "Cette vue de l'agenda n'existe pas : choisissez la liste, la semaine ou le week-end.",
    ),
    (
        "/agenda?view=x",
        "ar",
        400,
        "طريقة العرض هذه غير موجودة في البرنامج: اختر القائمة أو الأسبوع أو نهاية الأسبوع.",
    ),
    (
        "/lieux?at=garbage",
        "fr",
        400,
        "Date et heure invalides : donnez-les au format AAAA-MM-JJTHH:MM, par exemple "
        "2026-11-28T11:00.",
    ),
    (
        "/lieux?at=garbage",
        "nl",
        400,
        "Ongeldige datum en tijd: geef ze in de vorm JJJJ-MM-DDTUU:MM, bijvoorbeeld "
        "2026-11-28T11:00.",
    ),
    (
        "/embed/agenda?days=9999",
        "fr",
        400,
        "Valeur invalide pour « days » : donnez un nombre entier de 1 à 92.",
    ),
    (
        "/embed/agenda?days=9999",
        "ar",
        400,
        "قيمة غير صالحة لـ «days»: أدخل عددًا صحيحًا من 1 إلى 92.",
    ),
    ("/agenda?lieu=nope", "fr", 404, "Aucun lieu « nope »."),
    ("/agenda?lieu=nope", "en", 404, 'No place called "nope".'),
    ("/agenda?lieu=nope", "nl", 404, 'Geen plek met de naam "nope".'),
    ("/lieux/nope", "fr", 404, "Aucun lieu « nope »."),
    ("/lieux/nope", "en", 404, 'No place called "nope".'),
    ("/lieux?open=x", "fr", 400, "Filtre inconnu : x."),
    ("/lieux?open=x", "ar", 400, "مرشّح غير معروف: x."),
    ("/agenda/99999", "fr", 404, "L'activité n° 99999 n'existe pas ou n'est plus annoncée."),
    ("/agenda/99999", "ar", 404, "النشاط رقم 99999 غير موجود أو لم يعد معلنًا."),
    ("/embed/agenda?lieu=nope", "uk", 400, "Немає місця «nope»."),
    (
        "/embed/open-now?limit=0",
        "es",
        400,
        "Valor no válido para «limit»: indique un número entero de 1 a 200.",
    ),
]


@pytest.mark.parametrize(("address", "lang", "status", "sentence"), CASES)
def test_an_error_page_says_what_is_wrong_in_the_page_language(
    client, address, lang, status, sentence
):
    joiner = "&" if "?" in address else "?"
    response = client.get(f"{address}{joiner}lang={lang}")
    assert_readable(response, status, lang, sentence)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_wrong_address_says_so_without_litestars_english(client, lang):
    response = client.get(f"/agenda/abc?lang={lang}")
    assert response.status_code == 404
    assert f'<html lang="{lang}"' in response.text
    assert detail_of(response) == ""  # the heading and its sentence say it: no "Not Found"
    assert "Not Found" not in response.text


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("fr", "Paramètre invalide dans l'adresse : free."),
        ("ar", "معامل غير صالح في العنوان: free."),
    ],
)
def test_a_parameter_litestar_refuses_is_named_in_the_page_language(client, lang, sentence):
    """A typed parameter Litestar checks itself (a yes/no): its name, not its English message."""
    response = client.get("/lieux", params={"free": "maybe", "lang": lang})
    assert_readable(response, 400, lang, sentence)


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        (
            "fr",
            "Langue inconnue : « xx ». Langues possibles : fr, nl, en, ar, es, pt, ro, tr, uk.",
        ),
        ("ar", "لغة غير معروفة: «xx». اللغات المتاحة: fr, nl, en, ar, es, pt, ro, tr, uk."),
    ],
)
def test_the_poster_lists_its_nine_languages(client, lang, sentence):
    # ?lang=xx is the wrong value: the page speaks the visitor's language (Accept-Language)
    response = client.get(
        f"/lieux/{LIEU_B}/poster", params={"lang": "xx"}, headers={"accept-language": lang}
    )
    assert_readable(response, 400, lang, sentence)
    assert "(fr, nl ou en)" not in response.text


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_stale_form_token_says_to_reload_the_page(client, lang):
    form = f"/lieux/{LIEU_B}/report?lang={lang}"
    assert client.get(form).status_code == 200  # the visitor has the CSRF cookie
    response = client.post(form, data={"kind": "found-closed", "_csrf_token": "stale"})
    sentence = {
        "fr": "Ce formulaire a expiré ou vient d'une autre page. Rechargez la page, puis "
        "envoyez-le à nouveau.",
        "nl": "Dit formulier is verlopen of komt van een andere pagina. Laad de pagina opnieuw "
        "en verstuur het nog eens.",
    }[lang]
    assert_readable(response, 403, lang, sentence)


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("ar", "لا يُسمح بوسوم HTML هنا."),
        ("es", "Aquí no se admiten etiquetas HTML."),
        ("pt", "Aqui não são permitidas etiquetas HTML."),
        ("ro", "Fără etichete HTML aici."),
        ("tr", "Burada HTML etiketi kullanılamaz."),
        ("uk", "Тут не можна використовувати HTML-теги."),
        ("fr", "Pas de balises HTML ici."),
    ],
)
def test_the_report_form_refuses_markup_in_the_page_language(client, lang, sentence):
    form = f"/lieux/{LIEU_B}/report?lang={lang}"
    token = re.search(r'name="_csrf_token" value="([^"]+)"', client.get(form).text)[1]
    response = client.post(
        form, data={"kind": "other", "message": "<b>fermé</b>", "_csrf_token": token}
    )
    assert response.status_code == 400
    assert sentence in html.unescape(response.text)
    if lang != "fr":
        assert "Pas de balises HTML ici." not in html.unescape(response.text)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_report_contact_field_runs_left_to_right_on_a_right_to_left_page(client, lang):
    page = client.get(f"/lieux/{LIEU_B}/report?lang={lang}").text
    contact = re.search(r'<input id="contact"[^>]*>', page)[0]
    assert ('dir="ltr"' in contact) == (lang == "ar")  # a left-to-right page needs nothing


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_very_long_value_is_echoed_cut_short(client, lang):
    value = "x" * 3000
    response = client.get("/agenda", params={"lieu": value, "lang": lang})
    assert response.status_code == 404
    detail = detail_of(response, isolates=True)
    cut = "x" * (ECHO_MAX - 1) + "…"
    # in Arabic the Latin value is isolated: it keeps its direction, not the quotes' places
    assert (f"{FSI}{cut}{PDI}" if lang == "ar" else f"« {cut} »") in detail
    assert "x" * ECHO_MAX not in detail
    assert len(response.text) < 20_000  # the 3,000 characters are not in the page anywhere
    assert value not in response.text


def test_an_unknown_feed_language_is_a_400_in_one_plain_line(client):
    response = client.get("/ical/network.ics", params={"lang": "xx"})
    assert response.status_code == 400  # a 404 reads "this feed is gone" to calendar apps
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == (
        "Langue inconnue : « xx ». Langues possibles : fr, nl, en, ar, es, pt, ro, tr, uk."
    )


def test_the_api_keeps_its_technical_json(client):
    response = client.get("/api/open-now", params={"at": "garbage"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert "is not a date-time" in response.json()["detail"]


@pytest.mark.parametrize(
    ("address", "lang", "sentence"),
    [
        ("/widget/agenda?days=9999", "fr", "Valeur invalide pour « days » : donnez un nombre"),
        ("/widget/agenda?days=9999", "ar", "قيمة غير صالحة لـ «days»"),
        ("/widget/open-now?limit=0", "ar", "قيمة غير صالحة لـ «limit»"),
    ],
)
def test_an_embed_fragment_says_what_is_wrong_in_its_language(client, address, lang, sentence):
    response = client.get(f"{address}&lang={lang}")
    assert response.status_code == 400
    assert "<html" not in response.text  # a fragment: it is injected into someone's page
    assert f'lang="{lang}"' in response.text or lang == "fr"
    assert sentence in INVISIBLE.sub("", html.unescape(response.text))
    assert "expected" not in response.text


def test_a_refusal_cuts_each_value_and_keeps_a_percent_sign():
    assert shortened("a" * 200) == "a" * (ECHO_MAX - 1) + "…"
    assert filled("100 % sûr", {}) == "100 % sûr"
    refusal = Refusal("Aucun lieu « %(name)s ».", technical="lieu: no lieu", name="b" * 500)
    assert str(refusal) == "lieu: no lieu"  # what a program reads
    assert refusal.readable("fr") == f"Aucun lieu « {'b' * (ECHO_MAX - 1)}… »."
