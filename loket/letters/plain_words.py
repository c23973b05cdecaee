"""Formal and official words with their plain alternatives, for the plain-language check.

Sources: Direct Duidelijk (Rijksoverheid, "Direct Duidelijk Brieven", the list of words to
avoid), the Taaladviesdienst (Nederlandse Taalunie, "Ambtelijke taal" / "stijl: formeel en
informeel") and the B1 word lists used by Dutch municipalities.  Keys are lower case and may
be phrases; the value is what to write instead (Dutch: the clerk reads it).
"""

from __future__ import annotations

FORMAL_WORDS: dict[str, str] = {
    "indien": "als",
    "dient u": "moet u",
    "dient": "moet",
    "dienen": "moeten",
    "middels": "met",
    "door middel van": "met",
    "derhalve": "daarom",
    "alvorens": "voordat",
    "teneinde": "om",
    "ten einde": "om",
    "conform": "volgens",
    "inzake": "over",
    "aangaande": "over",
    "omtrent": "over",
    "betreffende": "over",
    "ten behoeve van": "voor",
    "ten aanzien van": "over",
    "met betrekking tot": "over",
    "thans": "nu",
    "tevens": "ook",
    "alsmede": "en",
    "doch": "maar",
    "echter": "maar",
    "hetgeen": "wat",
    "zulks": "dat",
    "ingevolge": "volgens",
    "krachtens": "volgens",
    "reeds": "al",
    "nadien": "daarna",
    "gelieve": "wilt u",
    "retourneren": "terugsturen",
    "verstrekken": "geven",
    "doen toekomen": "sturen",
    "woonachtig": "wonend",
    "aanvang": "begin",
    "desbetreffende": "die",
    "onderhavige": "deze",
    "vergewissen": "nagaan",
    "trachten": "proberen",
    "verzoeken": "vragen",
    "ontvangst": "krijgen",
    "aldus": "zo",
    "dusdanig": "zo",
    "evenwel": "maar",
    "voornoemde": "deze",
    "bovengenoemde": "deze",
    "onverwijld": "meteen",
    "terstond": "meteen",
    "mits": "als",
    "zienswijze": "mening",
    "beschikking": "besluit",
    "voorlopige voorziening": "snelle beslissing van de rechter",
}

# Official terms that a visitor does not know, often written with a capital letter in the
# middle of a sentence as if they were names ("Neem uw Mvv mee").  Explain or avoid them.
JARGON: dict[str, str] = {
    "mvv": "visum om naar Nederland te komen (mvv) — leg het uit",
    "vreemdelingenpolitie": "de politie (afdeling voor vreemdelingen) — leg het uit",
    "regievoerder": "uw vaste contactpersoon",
    "vreemdeling": "u",
    "vreemdelingenwet": "de wet — leg uit wat erin staat",
    "verblijfsvergunning": "verblijfsvergunning (uw pas om hier te wonen) — leg het uit",
    "leges": "kosten",
    "naturalisatie": "Nederlander worden",
    "inburgering": "inburgeren (de taal en het land leren kennen) — leg het uit",
    "referent": "degene bij wie u komt wonen",
    "machtiging": "toestemming",
    "rechtsmiddel": "bezwaar of beroep — leg uit wat u kunt doen",
}

# The reader is "u": letters that speak of the visitor in the third person keep them at a
# distance ("De vreemdeling dient …").
THIRD_PERSON: frozenset[str] = frozenset(
    {
        "de vreemdeling",
        "de aanvrager",
        "de aanvraagster",
        "de verzoeker",
        "de belanghebbende",
        "betrokkene",
        "de betrokkene",
        "de cliënt",
        "de klant",
        "de bezoeker",
        "de referent",
        "de vreemdelinge",
        "genoemde persoon",
        "de ondergetekende",
    }
)
