"""Name matching: one person, many spellings (محمد, Mohamed, Muhammad, Maxamed, Mehmet).

`rules` holds the spelling rules as data tables with their sources, `keys` derives the
matching keys that the database stores per visitor (migration 0005), `matching` decides for a
candidate why it matches a typed name ("andere spelling", "klinkt als", "omgedraaid" ...).
Plain Python over anyascii, jellyfish and rapidfuzz; imports nothing of loket.db.
"""
