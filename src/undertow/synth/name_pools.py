"""Name pools: given names, fathers' names and family names by origin.

Deliberately short for the common names (``Mohammed``, ``Ahmed``, ``Ali``): real caseloads
are full of namesakes. Tokens are in a plain English-style romanisation; see
``transliterate.py`` for how each agency spells them.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


KURD_MALE = _words(
    """
    Karwan Rebwar Shahin Jafar Hiwa Dilshad Aram Sherzad Hemin Rebin Soran Ako Bakhtiyar Diyar
    Hogr Kawa Zana Azad Goran Hawkar Mohammed Ahmed Ali Omar Hussein Hassan Karim Salar Nawzad
    Shwan Barzan Sirwan Peshawa Hardi Dara Kamaran Rizgar Saman Sarkawt Yousef Jalal Mahmoud
    Aziz Rasul Qadir Salih Osman Faraj Rashid Ismail Mustafa Ibrahim Hama Abdullah Tawfiq Latif
    Sabir Anwar
"""
)
KURD_FEMALE = _words(
    """
    Shilan Nasrin Gulala Avin Hero Shno Rozhan Sazan Tavga Darya Bahar Kazhal Nazdar
"""
)
KURD_FAMILY = _words(
    """
    Jaff Barzinji Hamawandi Zangana Pishdari Dizayee Talabani Bradosti Shwani Sharafkandi
    Balisani Mangori Bilbas Herki Surchi Khoshnaw
"""
)
IRAN_MALE = _words(
    """
    Reza Mehdi Hossein Amir Ali Saeed Mohammad Farhad Behnam Dariush Kaveh Babak Arash Hamid
    Javad Majid Omid Peyman Vahid Morteza Hadi Karim Kamran Hiwa Shahin Jafar
"""
)
IRAN_FEMALE = _words(
    """
    Maryam Zahra Fatemeh Leila Narges Sara Parisa Shirin Mina
"""
)
IRAN_FAMILY = _words(
    """
    Ahmadi Hosseini Mohammadi Rezaei Karimi Rahimi Moradi Jafari Sadeghi Rostami Azizi Ghorbani
    Abbasi Heidari Amini Mahmoudi Sharifi Kamali Nazari Salehi Soltani Bahrami
"""
)
AFGHAN_MALE = _words(
    """
    Ahmad Mohammad Abdul Wali Zabihullah Najibullah Mustafa Rahmatullah Hamid Sayed Noorullah
    Farid Jawad Habib Ajmal Naveed Shafiq Bilal Yama Samiullah Hekmat Qasim
"""
)
AFGHAN_FEMALE = _words(
    """
    Fatima Mariam Zainab Nazia Freshta Parwana
"""
)
AFGHAN_FAMILY = _words(
    """
    Ahmadzai Popal Sultani Rahimi Hakimi Safi Stanikzai Noori Amiri Wardak Karimi Mohammadi
    Hashimi Sadat Niazi Haidari Shinwari
"""
)
ARAB_MALE = _words(
    """
    Mohammed Ahmed Khaled Omar Yousef Mahmoud Bashar Fadi Samer Rami Ali Hassan Hussein Ibrahim
    Abdullah Mustafa Tarek Walid Ammar Anas Hamza Ayman Majd Nour Firas Jamal
"""
)
ARAB_FEMALE = _words(
    """
    Fatima Aisha Rania Hala Lina Yasmin Nour Amal Rasha
"""
)
SYRIAN_FAMILY = _words(
    """
    Al-Hassan Al-Ahmad Khalil Haddad Al-Ali Darwish Haj-Ali Al-Khatib Hamdan Suleiman Al-Hamoud
    Al-Jasem Qassem Al-Masri Al-Halabi Kurdi Sheikho Hussein
"""
)
ERITREAN_MALE = _words(
    """
    Tesfay Yonas Dawit Merhawi Filmon Kibrom Mulugeta Tekle Berhane Ghebre Haile Amanuel Samuel
    Robel Yohannes Habtom Michael Daniel Efrem Teklay Mebrahtu Goitom
"""
)
ERITREAN_FEMALE = _words(
    """
    Senait Helen Luwam Saba Selam Rahwa Hiwet Tsega
"""
)
SUDANESE_MALE = _words(
    """
    Mohamed Ahmed Osman Abdelrahman Mustafa Yasir Hamza Elfatih Abdalla Adam Ibrahim Babiker
    Hassan Elamin Omer Khalid Musa Yousif Ali Haroun Ismail Ishag
"""
)
SUDANESE_FEMALE = _words(
    """
    Amna Hawa Fatima Mariam Samia Nafisa
"""
)
VIET_FAMILY = _words(
    """
    Nguyen Tran Le Pham Hoang Vu Dang Bui Do Ho Ngo Duong
"""
)
VIET_MIDDLE_M = _words(
    """
    Van Duc Minh Quoc Huu Thanh
"""
)
VIET_MIDDLE_F = _words(
    """
    Thi Ngoc Thu
"""
)
VIET_GIVEN = _words(
    """
    Minh Hung Tuan Duc Nam Long Anh Thanh Quang Dung Huy Khanh Phuc Son Hai
"""
)
# European and Turkish names: (male, female, family); "_" joins a particle to its name.
EURO: dict[str, tuple[list[str], list[str], list[str]]] = {
    "british": (
        _words("""
        James John David Michael Daniel Thomas Paul Mark Steven Andrew Lee Craig Gary Ryan
        """),
        _words("""
        Sarah Emma Claire Laura Rachel Lisa Karen Michelle
        """),
        _words("""
        Smith Jones Taylor Brown Williams Wilson Johnson Davies Evans Thomas Walker Wright
        Robinson Thompson White Hughes Edwards Green Hall Wood Clarke Harris
        """),
    ),
    "german": (
        _words("""
        Thomas Michael Andreas Stefan Frank Jürgen Markus Christian Sven Dennis Kevin Jan
        """),
        _words("""
        Sabine Claudia Susanne Nicole Anja Katrin Julia
        """),
        _words("""
        Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch
        Krüger Schäfer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann
        """),
    ),
    "french": (
        _words("""
        Jean Pierre Nicolas Julien Sébastien Olivier Christophe Laurent Mathieu Romain
        """),
        _words("""
        Marie Nathalie Isabelle Sandrine Céline Aurélie
        """),
        _words("""
        Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
        Lefebvre Michel Garcia Fournier Lambert Dupont
        """),
    ),
    "dutch": (
        _words("""
        Jan Pieter Kees Mark Bas Sander Thijs Ruud Henk Dennis Joost
        """),
        _words("""
        Anouk Sanne Lotte Eva Femke Marieke
        """),
        _words("""
        de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Visser Smit Meijer de_Boer
        Mulder de_Groot Bos Vos Peters Hendriks
        """),
    ),
    "belgian": (
        _words("""
        Luc Marc Koen Bart Wim Tom Pieter Didier Philippe Olivier Geert
        """),
        _words("""
        Ann Sofie Els Nathalie Griet Valérie
        """),
        _words("""
        Peeters Janssens Maes Jacobs Mertens Willems Claes Goossens Wouters De_Smet Dubois
        Lambert Dupont Martin Vermeulen
        """),
    ),
    "turkish": (
        _words("""
        Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Murat Emre Serkan Kemal Osman
        """),
        _words("""
        Ayşe Fatma Emine Zeynep Elif
        """),
        _words("""
        Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan
        Kılıç Aslan Çetin Koç Kurt
        """),
    ),
    "bulgarian": (
        _words("""
        Georgi Ivan Dimitar Nikolay Petar Hristo Stoyan Todor Vasil Plamen Zhivko
        """),
        _words("""
        Maria Elena Ivanka Desislava Tsvetelina
        """),
        _words("""
        Ivanov Georgiev Dimitrov Petrov Nikolov Hristov Stoyanov Todorov Angelov Iliev
        Yordanov Zhelyazkov Kolev Marinov
        """),
    ),
    "polish": (
        _words("""
        Piotr Krzysztof Tomasz Paweł Marcin Michał Łukasz Grzegorz Adam Kamil
        """),
        _words("""
        Anna Katarzyna Agnieszka Magdalena
        """),
        _words("""
        Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański
        """),
    ),
    "moroccan": (
        _words("""
        Mohamed Youssef Said Rachid Karim Hamid Mustapha Abdelkader Hicham Nabil Omar
        """),
        _words("""
        Fatima Khadija Naima Samira Malika
        """),
        _words("""
        El_Amrani Benali Bouzid El_Idrissi Alaoui Benjelloun Chaoui Tahiri El_Khattabi
        Boukhari Ouazzani Haddou
        """),
    ),
    "pakistani": (
        _words("""
        Muhammad Imran Asif Tariq Kamran Faisal Shahid Naveed Zeeshan Adnan
        """),
        _words("""
        Ayesha Sana Nadia Saima
        """),
        _words("""
        Khan Hussain Ahmed Ali Shah Iqbal Butt Malik Raza Chaudhry Qureshi Akhtar
        """),
    ),
}
VIET_DIACRITICS = {
    "Nguyen": "Nguyễn",
    "Tran": "Trần",
    "Le": "Lê",
    "Pham": "Phạm",
    "Hoang": "Hoàng",
    "Vu": "Vũ",
    "Dang": "Đặng",
    "Bui": "Bùi",
    "Do": "Đỗ",
    "Ho": "Hồ",
    "Ngo": "Ngô",
    "Duong": "Dương",
    "Van": "Văn",
    "Duc": "Đức",
    "Quoc": "Quốc",
    "Huu": "Hữu",
    "Thanh": "Thanh",
    "Thi": "Thị",
    "Ngoc": "Ngọc",
    "Thu": "Thu",
    "Hung": "Hùng",
    "Tuan": "Tuấn",
    "Nam": "Nam",
    "Long": "Long",
    "Anh": "Anh",
    "Quang": "Quang",
    "Dung": "Dũng",
    "Huy": "Huy",
    "Khanh": "Khánh",
    "Phuc": "Phúc",
    "Son": "Sơn",
    "Hai": "Hải",
    "Minh": "Minh",
}
