"""Names for synthetic demo visitors, from the language communities the desks serve, each in
its own script.  Purely illustrative: common given and family names, no real people.
"""

from __future__ import annotations

# community: (language code, weight, given names, family names)
COMMUNITIES: dict[str, tuple[str, int, tuple[str, ...], tuple[str, ...]]] = {
    "syrian": ("ar", 24, (
        "محمد", "أحمد", "عمر", "خالد", "يوسف", "علي", "حسن", "إبراهيم", "مصطفى", "سامر",
        "فاطمة", "مريم", "نور", "رنا", "هبة", "سارة", "ليلى", "آية", "زينب", "رهف",
    ), (
        "الحسن", "الأحمد", "الخطيب", "العلي", "الحلبي", "الشامي", "المصري", "حداد", "النجار",
        "الحمصي", "السيد", "عثمان", "قاسم", "درويش", "الزعبي", "الحسين",
    )),
    "turkish": ("tr", 12, (
        "Ayşe", "Fatma", "Emine", "Zeynep", "Elif", "Hülya", "Şükrü", "Mehmet", "Mustafa",
        "Ahmet", "Hüseyin", "İbrahim", "Özlem", "Gülşen", "Çağlar", "Yusuf",
    ), (
        "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
        "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Koç",
    )),
    "eritrean": ("ti", 12, (
        "ሃብተ", "ተስፋይ", "ዮናስ", "ሚካኤል", "ዳዊት", "ሰናይት", "ሳባ", "ለተ", "ኤልሳ", "ፍሬወይኒ",
        "ክብሮም", "ብርሃነ", "ሄለን", "ሚኪኤለ", "ኣማኑኤል", "ሩታ",
    ), (
        "ገብረሚካኤል", "ተኽለ", "ሃይለ", "ወልደማርያም", "ገብረየሱስ", "ኣብርሃ", "ተወልደ", "ገብሩ",
        "ብርሃነ", "መሓሪ", "ዘርኣይ", "ኪዳነ",
    )),
    "yemeni": ("ar", 5, (
        "عبدالله", "صالح", "ناصر", "عبدالرحمن", "أمل", "أسماء", "هدى", "وفاء",
    ), ("اليمني", "العمري", "الحداد", "باوزير", "الشيباني", "الأهدل")),
    "somali": ("so", 7, (
        "Abdi", "Mohamed", "Ahmed", "Hodan", "Faadumo", "Maryan", "Cabdi", "Xasan", "Khadra",
        "Ayaan", "Warsame", "Sahra", "Ilhaan", "Guuleed",
    ), ("Warsame", "Cali", "Xuseen", "Faarax", "Jaamac", "Nuur", "Cismaan", "Yuusuf", "Aadan")),
    "afghan": ("fa", 8, (
        "احمد", "محمود", "شبنم", "فریبا", "زهرا", "مسعود", "فرشته", "نسرین", "حمید", "جاوید",
        "ملالی", "روح‌الله",
    ), ("احمدی", "حیدری", "رحیمی", "کریمی", "نوری", "صدیقی", "هاشمی", "محمدی", "قادری")),
    "iraqi": ("ar", 5, (
        "حيدر", "مرتضى", "كرار", "زهراء", "نرجس", "عباس", "سجاد", "بان",
    ), ("الجبوري", "التميمي", "الدليمي", "الربيعي", "العبيدي", "الساعدي")),
    "iranian": ("fa", 4, (
        "علی", "رضا", "مهدی", "نرگس", "مریم", "سپیده", "آرش", "پریسا",
    ), ("رضایی", "حسینی", "موسوی", "جعفری", "کاظمی", "اکبری")),
    "ukrainian": ("uk", 12, (
        "Олександр", "Андрій", "Дмитро", "Сергій", "Іван", "Олена", "Наталія", "Тетяна",
        "Юлія", "Оксана", "Ірина", "Мар'яна", "Богдан", "Ярослава",
    ), (
        "Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Мельник",
        "Лисенко", "Савченко", "Поліщук", "Гнатюк", "Кушнір",
    )),
    "dutch": ("nl", 6, (
        "Jan", "Pieter", "Sanne", "Anouk", "Fleur", "Bram", "Noor", "Daan", "Eline", "Joost",
    ), ("de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
        "Mulder", "Bos")),
    "english": ("en", 3, (
        "John", "Mary", "Grace", "Samuel", "Joseph", "Blessing", "Esther", "Daniel",
    ), ("Okafor", "Mensah", "Johnson", "Williams", "Adeyemi", "Brown")),
    "russian": ("ru", 2, (
        "Алексей", "Сергей", "Анна", "Екатерина", "Мария", "Николай",
    ), ("Иванов", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева")),
}
