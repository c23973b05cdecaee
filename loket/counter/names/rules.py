"""Spelling rules for names, as data.  Each table says where the rule comes from.

The rules only ever make two spellings of the same name *meet* in a key; they never change
what is stored on the visitor (nothing is guessed into a record).
"""

from __future__ import annotations

# Arabic definite article, written joined, hyphenated or left out ("al-Khatib", "Alkhatib",
# "Khatib", "الخطيب").  Source: ALA-LC Arabic romanization table (2012), rule 17 (the article
# "al-" joined by a hyphen); UNGEGN, Romanization of Arabic (BGN/PCGN 1956); El-/Ul- are the
# Egyptian and Urdu/Persian-influenced renderings seen on IND documents.
ARTICLES = ("al", "el", "ul")
ARABIC_ARTICLE = "ال"
# In Arabic script the same first element is عبد followed by the article: عبدالرحمن.
ARABIC_ABD = "عبدال"

# "Abd al-X" (servant of X) is written Abdul, Abdel, Abder (sun-letter assimilation before r),
# Abdur, Abdou, Abd-el …; all of them mean the same first element.  Source: ALA-LC Arabic
# table, rule 17(b) (assimilation is not shown) against French-style "Abderrahmane" and
# Maghrebi "Abdou"; Somali "Cabdi" is the same word under the Somali rules below.
ABD_PREFIXES = (
    "abdoul",
    "abdoel",
    "abdul",
    "abdel",
    "abdal",
    "abdil",
    "abdur",
    "abder",
    "abdar",
    "abdou",
    "abdu",
    "abd",
)

# Somali Latin orthography (official since 1972, Shire Jaamac Axmed): c = ʿayn, x = ḥ, doubled
# vowels are long.  Source: Saeed, J. (1999) *Somali*, ch. 1; Omniglot "Somali".
# "c" and "x" are also ordinary letters (Carlos, Alexander): both readings get a key.
SOMALI = (("x", "h"), ("c", ""))

# Dutch renderings of foreign sounds, longest first.  Source: Nederlandse Taalunie,
# "Transcriptie van Russische namen" (Woordenlijst, Leidraad 13) and the Dutch spelling of
# Arabic and Indonesian names (oe = u: Joesoef, Hoessein).
DUTCH = (("tsj", "ch"), ("zj", "zh"), ("sj", "sh"), ("dj", "j"), ("oe", "u"), ("ij", "y"))

# German renderings (Duden transliteration of Cyrillic: sch = sh, tsch = ch, w = v) and the
# German/Turkish replacement of umlauts (ö = oe, ü = ue; on Turkish documents often plain o/u).
# Source: DIN 1460; Turkish Language Association alphabet (ö, ü, ş, ç, ğ, ı).
GERMAN = (("tsch", "ch"), ("sch", "sh"), ("ue", "u"))

# Letter groups that stand for one sound in the common romanizations of Arabic, Persian,
# Pashto, Sorani, Ethiopic and Cyrillic (anyascii output and English/French/Dutch spellings
# alike).  Applied after the tables above, before vowels are dropped.  Source: ALA-LC
# romanization tables (Arabic, Persian, Pashto, Kurdish, Amharic/Tigrinya, Russian/Ukrainian)
# and BGN/PCGN; q/k and z/s are merged because speakers and clerks write them both ways.
SOUNDS = (
    ("kh", "k"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("sh", "s"),
    ("zh", "s"),
    ("ck", "k"),
    ("ch", "c"),
    ("q", "k"),
    ("z", "s"),
    ("w", "v"),
)

# Second readings of a letter group, each giving a key of its own: a "ch" that is not "tsh"
# but the Dutch and German spelling of kh (Chaled = Khaled); ث written "th" (ALA-LC) and "s"
# (Turkish and Persian pronunciation: Othman = Osman).
ALTERNATIVES = (("ch", "k"), ("th", "s"))

# Hamza on a yeh carrier (ئ) starts a vowel in Sorani and Arabic (ئەحمەد = Ahmed), as the
# alef carriers do (textfold folds those to ا).
ARABIC_CARRIERS = {"ئ": "ا", "ؤ": "ا"}

# Ukrainian г is h (ALA-LC and BGN/PCGN Ukrainian; the national system of 2010), Russian г is
# g; a word with one of Ukraine's own letters is read as Ukrainian (Сергій = Serhiy).
UKRAINIAN_LETTERS = frozenset("іїєґ")
UKRAINIAN = {"г": "h"}

# Ukrainian/Russian й after a vowel is j in German and Dutch, y in English (Serhij = Serhiy).
FINAL_J_AFTER_VOWEL = ("j", "y")

# Vowels (and the semivowels y/w inside a word, which Arabic and Ethiopic script write for
# long vowels: يوسف = ywsf = Yusuf).  Short vowels are not written in Arabic script, so the
# consonant skeleton is what spellings share (DOMAIN.md, "Names").
VOWELS = frozenset("aeiouy")
SEMIVOWELS = frozenset("vy")  # after SOUNDS, w is v

# Final devoicing: Turkish Mehmet/Ahmet for Mehmed/Ahmed, Ethiopic/Russian -d/-t.
FINAL_DEVOICE = {"d": "t"}

# Initial j is y in Dutch and German (Joesoef = Yusuf, Johannes = Yohannes) and j in English
# (Jamal): both readings get a key.
INITIAL_J_AS_Y = True

# Below these lengths a name is too short for a typo to be told from another name.
TYPO_MIN_TOKEN = 6
TYPO_MIN_SKELETON = 4
