"""Demo content for the district conferences: venues, conferences, meetings, wishes.

`load()` adds a small, realistic set that can run again at any time: venues are looked up by
name, conferences by their address (slug), wishes by Quartier and address; a conference's
meetings (with agenda, minutes, decisions, action items and a few registrations) are created
only together with the conference, so edits made by staff survive. Dates are relative to
today, so the demo always has past meetings with minutes and upcoming ones.

Conferences meet in some Stadtteile only, as in Hattingen today; the others have wishes for
one, so the overview shows where conferences are still missing.

Venues, addresses, people and everything said in the minutes are invented examples for the
demo; they make no claims about real places, organisations or people.

The bulk data for performance work (`load_demo --scale N`) is in bench/scale_data.py.
"""

import textwrap
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from engagierte_stadt.submissions.capacity import SignupStatus, Source, new_token
from quartiere.models import Quartier

from .models import (
    ActionItem,
    AgendaItem,
    Conference,
    ConferenceWish,
    Decision,
    Meeting,
    Registration,
    Venue,
)

MAIL_DOMAIN = "hattingen.example"
ORGANISER = "Stadt Hattingen, Quartiersentwicklung"

MON, TUE, WED, THU = 0, 1, 2, 3

VENUES = [
    {
        "name": "Gemeindehaus am Burgberg",
        "street": "Am Burgberg 7",
        "postcode": "45527",
        "step_free": True,
        "accessible_toilet": True,
        "induction_loop": False,
        "accessibility_note": (
            "Der stufenlose Eingang mit Rampe liegt an der Rückseite des Hauses und ist vom "
            "Parkplatz aus ausgeschildert."
        ),
    },
    {
        "name": "Bürgerzentrum Welper",
        "street": "Hüttenplatz 3",
        "postcode": "45527",
        "step_free": True,
        "accessible_toilet": True,
        "induction_loop": True,
        "accessibility_note": "Der große Saal hat eine Induktionsschleife für Hörgeräte.",
    },
    {
        "name": "Stadtteilzentrum Altstadt",
        "street": "Am Stadtgraben 4",
        "postcode": "45525",
        "step_free": True,
        "accessible_toilet": False,
        "induction_loop": False,
        "accessibility_note": (
            "Ein Aufzug führt in den ersten Stock. Die nächste barrierefreie Toilette ist im "
            "Rathaus, etwa 200 Meter entfernt."
        ),
    },
    {
        "name": "Grundschule am Ruhrbogen, Aula",
        "street": "Ruhrbogen 12",
        "postcode": "45525",
        "step_free": True,
        "accessible_toilet": True,
        "induction_loop": False,
        "accessibility_note": "Eingang über den Schulhof, die Aula liegt im Erdgeschoss.",
    },
    {
        "name": "Gemeindehaus Holthausen",
        "street": "Lindenweg 9",
        "postcode": "45527",
        "step_free": False,
        "accessible_toilet": False,
        "induction_loop": False,
        "accessibility_note": (
            "Der Saal liegt im ersten Stock, es gibt keinen Aufzug. Sagen Sie uns Bescheid: "
            "Dann treffen wir uns im Gruppenraum im Erdgeschoss."
        ),
    },
    {
        "name": "Nachbarschaftstreff Rauendahl",
        "street": "Rauendahler Weg 2",
        "postcode": "45525",
        "step_free": True,
        "accessible_toilet": True,
        "induction_loop": False,
        "accessibility_note": "",
    },
]


def welcome(minutes: int = 10) -> tuple:
    return (
        "Begrüßung und Vorstellungsrunde",
        "Wer ist heute da? Kurze Runde mit Name und Anliegen – wer mag.",
        "Quartiersbüro",
        minutes,
    )


def review(minutes: int = 15) -> tuple:
    return (
        "Offene Aufgaben aus der letzten Konferenz",
        "Was ist seit dem letzten Treffen passiert, was ist noch offen?",
        "Quartiersbüro",
        minutes,
    )


def closing(minutes: int = 10) -> tuple:
    return (
        "Verschiedenes und nächster Termin",
        "Platz für Themen, die nicht auf der Tagesordnung stehen.",
        "",
        minutes,
    )


# Action items: (what, who, due in days after the meeting, status).
CONFERENCES = [
    {
        "slug": "blankenstein",
        "quartier": "blankenstein",
        "title": "Stadtteilkonferenz Blankenstein",
        "venue": "Gemeindehaus am Burgberg",
        "weekday": TUE,
        "time": (18, 0),
        "rhythm": "etwa viermal im Jahr, dienstags um 18 Uhr",
        "contact": ("Quartiersbüro Blankenstein", "blankenstein"),
        "description": (
            "In der Stadtteilkonferenz kommen Menschen aus Blankenstein zusammen: Nachbarinnen "
            "und Nachbarn, Vereine, Kirchengemeinden, Schule, Geschäfte und die "
            "Stadtverwaltung. Gemeinsam besprechen wir, was im Ortsteil gut läuft, was fehlt "
            "und wer etwas anpacken möchte.\n\n"
            "Alle sind willkommen – Sie brauchen kein Vorwissen und müssen nichts vorbereiten."
        ),
        "meetings": [
            {
                "days": -119,
                "status": Meeting.Status.HELD,
                "room": "Großer Saal",
                "agenda": [
                    welcome(),
                    (
                        "Parken an der Burg an Ausflugstagen",
                        "Anwohnende berichten von zugeparkten Einfahrten an Wochenenden.",
                        "Anwohnende der Burgstraße",
                        25,
                    ),
                    (
                        "Ideen für den Spielplatz am Burgberg",
                        "Was wünschen sich Kinder und Eltern? Erste Sammlung.",
                        "Elterninitiative",
                        25,
                    ),
                    closing(),
                ],
                "summary": (
                    "22 Menschen aus dem Ortsteil waren da. Schwerpunkt war das Parken an "
                    "Ausflugstagen: Die Konferenz bittet die Stadt um bessere Hinweise auf den "
                    "Wanderparkplatz.\n\n"
                    "Für den Spielplatz am Burgberg wurden erste Ideen gesammelt. Eine kleine "
                    "Arbeitsgruppe fragt bis zur nächsten Konferenz Kinder und Eltern."
                ),
                "decisions": [
                    "Die Konferenz bittet die Stadt, an Ausflugstagen mit Schildern auf den "
                    "Wanderparkplatz hinzuweisen.",
                    "Eine Arbeitsgruppe sammelt bis zur nächsten Konferenz Wünsche für den "
                    "Spielplatz.",
                ],
                "actions": [
                    (
                        "Anfrage zu Hinweisschildern an die Stadt schicken",
                        "Quartiersbüro",
                        21,
                        ActionItem.Status.DONE,
                    ),
                    (
                        "Umfrage zum Spielplatz mit Kindern und Eltern machen",
                        "AG Spielplatz",
                        70,
                        ActionItem.Status.DONE,
                    ),
                    (
                        "Termin für einen gemeinsamen Stadtteilspaziergang finden",
                        "Quartiersbüro",
                        120,
                        ActionItem.Status.IN_PROGRESS,
                    ),
                ],
                "published_after": 8,
                "pdf": True,
            },
            {
                "days": -35,
                "status": Meeting.Status.HELD,
                "room": "Großer Saal",
                "agenda": [
                    welcome(),
                    review(),
                    (
                        "Ergebnisse der Spielplatz-Umfrage",
                        "Die Arbeitsgruppe stellt vor, was sich Kinder und Eltern wünschen.",
                        "AG Spielplatz",
                        25,
                    ),
                    (
                        "Stadtteilfest: Wer macht mit?",
                        "Termin, Ort und erste Aufgaben für das nächste Stadtteilfest.",
                        "",
                        25,
                    ),
                    closing(),
                ],
                "summary": (
                    "Die Umfrage zum Spielplatz hat 64 Antworten gebracht. Am häufigsten "
                    "gewünscht: eine Schaukel für kleine Kinder, mehr Schatten und eine Bank "
                    "für Eltern.\n\n"
                    "Das Stadtteilfest soll wieder auf dem Kirchplatz stattfinden. Fünf "
                    "Personen haben sich für das Orga-Team gemeldet."
                ),
                "decisions": [
                    "Die Wünsche aus der Umfrage gehen als Liste an die Stadt.",
                    "Das Stadtteilfest findet auf dem Kirchplatz statt; ein Orga-Team aus fünf "
                    "Personen bereitet es vor.",
                ],
                "actions": [
                    (
                        "Wunschliste zum Spielplatz an die Stadt übergeben",
                        "Quartiersbüro",
                        30,
                        ActionItem.Status.OPEN,
                    ),
                    (
                        "Erstes Treffen des Orga-Teams Stadtteilfest vereinbaren",
                        "Orga-Team Stadtteilfest",
                        14,
                        ActionItem.Status.DONE,
                    ),
                    (
                        "Patenschaft für die Bank am Aussichtspunkt klären",
                        "AG Ortsbild",
                        70,
                        ActionItem.Status.OPEN,
                    ),
                ],
                "published_after": 6,
                "pdf": True,
            },
            {
                "days": 16,
                "room": "Großer Saal",
                "registration": True,
                "places": 40,
                "registrations": 3,
                "sign_language": True,
                "childcare": True,
                "agenda": [
                    welcome(),
                    review(),
                    (
                        "Spielplatz am Burgberg: Antwort der Stadt",
                        "Was aus der Wunschliste umgesetzt werden kann, und wann.",
                        "Stadt Hattingen, Grünflächen",
                        20,
                    ),
                    (
                        "Stadtteilfest: Planung und Aufgaben",
                        "Das Orga-Team berichtet. Gesucht werden Helferinnen und Helfer für "
                        "Aufbau, Kuchentheke und Kinderprogramm.",
                        "Orga-Team Stadtteilfest",
                        30,
                    ),
                    (
                        "Projekte aus Blankenstein im Engagement-Portal",
                        "Wie Vereine und Initiativen ihre Projekte und Mitmach-Angebote "
                        "eintragen lassen.",
                        "Engagierte Stadt Hattingen",
                        15,
                    ),
                    closing(),
                ],
            },
            {
                "days": 107,
                "room": "Großer Saal",
                "agenda": [
                    welcome(),
                    review(),
                    (
                        "Rückblick auf das Stadtteilfest",
                        "Was war gut, was machen wir beim nächsten Mal anders?",
                        "Orga-Team Stadtteilfest",
                        20,
                    ),
                ],
            },
        ],
    },
    {
        "slug": "welper",
        "quartier": "welper",
        "title": "Stadtteilkonferenz Welper",
        "venue": "Bürgerzentrum Welper",
        "weekday": WED,
        "time": (18, 30),
        "rhythm": "alle drei Monate, mittwochs um 18.30 Uhr",
        "contact": ("Quartiersbüro Welper", "welper"),
        "description": (
            "Die Stadtteilkonferenz Welper ist der Ort, an dem Vereine, Einrichtungen und "
            "Menschen aus dem Stadtteil sich austauschen und gemeinsam Ideen umsetzen – von "
            "der Nachbarschaftshilfe bis zum Aufräumtag."
        ),
        "meetings": [
            {
                "days": -70,
                "status": Meeting.Status.HELD,
                "room": "Großer Saal",
                "agenda": [
                    welcome(),
                    (
                        "Nachbarschaftshilfe für ältere Menschen",
                        "Wie erreichen wir Menschen, die Hilfe brauchen, aber nicht fragen?",
                        "Seniorentreff Welper",
                        30,
                    ),
                    (
                        "Aufräumtag im Frühling vorbereiten",
                        "",
                        "",
                        20,
                    ),
                    closing(),
                ],
                "summary": (
                    "Die Nachbarschaftshilfe soll bekannter werden: Ein Aushang in Apotheken "
                    "und Arztpraxen und eine Telefonnummer für Anfragen sind geplant.\n\n"
                    "Für den Aufräumtag haben sich schon zwölf Menschen gemeldet."
                ),
                "decisions": [
                    "Die Nachbarschaftshilfe bekommt eine eigene Telefonnummer, die das "
                    "Quartiersbüro betreut.",
                ],
                "actions": [
                    (
                        "Aushang für die Nachbarschaftshilfe gestalten und verteilen",
                        "Seniorentreff Welper",
                        28,
                        ActionItem.Status.DONE,
                    ),
                    (
                        "Greifzangen und Säcke für den Aufräumtag besorgen",
                        "Quartiersbüro",
                        45,
                        ActionItem.Status.OPEN,
                    ),
                ],
                "published_after": 9,
            },
            {
                # Few places: most are taken already.
                "days": 9,
                "room": "Kleiner Saal",
                "registration": True,
                "places": 12,
                "registrations": 10,
                "agenda": [
                    welcome(),
                    review(),
                    (
                        "Treffpunkt für Jugendliche",
                        "Jugendliche aus Welper stellen ihre Ideen für einen Treffpunkt vor.",
                        "Jugendtreff",
                        30,
                    ),
                    closing(),
                ],
            },
            {
                "days": 93,
                "room": "Großer Saal",
                "agenda": [welcome(), review(), closing()],
            },
        ],
    },
    {
        "slug": "hattingen-mitte",
        "quartier": "hattingen-mitte",
        "title": "Stadtteilkonferenz Hattingen-Mitte",
        "venue": "Stadtteilzentrum Altstadt",
        "weekday": THU,
        "time": (19, 0),
        "rhythm": "etwa alle zwei bis drei Monate, donnerstags um 19 Uhr",
        "contact": ("Quartiersbüro Altstadt", "altstadt"),
        "description": (
            "Altstadt, Einkaufsstraßen und Wohnviertel: In der Stadtteilkonferenz "
            "Hattingen-Mitte geht es um das, was die Menschen in der Innenstadt bewegt – "
            "Treffpunkte, Sauberkeit, Angebote für Kinder und ein gutes Miteinander."
        ),
        "meetings": [
            {
                "days": -150,
                "status": Meeting.Status.HELD,
                "room": "Raum 1.03",
                "agenda": [
                    welcome(),
                    (
                        "Leerstände in der Altstadt: Zwischennutzung",
                        "Können leere Ladenlokale für Initiativen genutzt werden?",
                        "Werbegemeinschaft Altstadt",
                        30,
                    ),
                    closing(),
                ],
                "summary": (
                    "Mehrere Initiativen suchen Räume. Die Konferenz sammelt leere "
                    "Ladenlokale und fragt bei den Eigentümerinnen und Eigentümern nach einer "
                    "Zwischennutzung."
                ),
                "decisions": [
                    "Eine Liste leerer Ladenlokale wird angelegt und in der nächsten "
                    "Konferenz besprochen.",
                ],
                "actions": [
                    (
                        "Liste leerer Ladenlokale anlegen",
                        "Werbegemeinschaft Altstadt",
                        40,
                        ActionItem.Status.DONE,
                    ),
                ],
                "published_after": 10,
                "pdf": True,
            },
            {
                # Held, minutes written but not published yet.
                "days": -56,
                "status": Meeting.Status.HELD,
                "room": "Raum 1.03",
                "agenda": [
                    welcome(),
                    review(),
                    (
                        "Sprachcafé: neue Räume gesucht",
                        "",
                        "Sprachcafé Altstadt",
                        20,
                    ),
                    closing(),
                ],
                "summary": (
                    "Entwurf: Zwei Ladenlokale kommen für eine Zwischennutzung in Frage. Das "
                    "Sprachcafé könnte eines davon mitnutzen."
                ),
                "actions": [
                    (
                        "Gespräch mit den Eigentümern der Ladenlokale führen",
                        "Quartiersbüro",
                        30,
                        ActionItem.Status.IN_PROGRESS,
                    ),
                ],
            },
            {
                "days": 23,
                "status": Meeting.Status.CANCELLED,
                "room": "Raum 1.03",
                "agenda": [welcome(), review(), closing()],
            },
            {
                "days": 51,
                "room": "Raum 1.03",
                "agenda": [
                    welcome(),
                    review(),
                    (
                        "Zwischennutzung: erste Erfahrungen",
                        "Die Initiativen berichten aus den Ladenlokalen.",
                        "",
                        25,
                    ),
                    closing(),
                ],
            },
        ],
    },
    {
        "slug": "winz-baak",
        "quartier": "winz-baak",
        "title": "Stadtteilkonferenz Winz-Baak",
        "venue": "Grundschule am Ruhrbogen, Aula",
        "weekday": MON,
        "time": (18, 0),
        "rhythm": "dreimal im Jahr, montags um 18 Uhr",
        "contact": ("Quartiersbüro Winz-Baak", "winz-baak"),
        "description": (
            "Die Stadtteilkonferenz Winz-Baak trifft sich in der Aula der Grundschule. Themen "
            "sind oft die Wege an der Ruhr, Angebote für Familien und das Repair-Café."
        ),
        "meetings": [
            {
                "days": -42,
                "status": Meeting.Status.HELD,
                "agenda": [
                    welcome(),
                    (
                        "Repair-Café: Räume und Werkzeug",
                        "",
                        "Initiative Repair-Café",
                        25,
                    ),
                    closing(),
                ],
                "summary": (
                    "Das Repair-Café kann den Werkraum der Schule an einem Samstag im Monat "
                    "nutzen. Gesucht werden noch Menschen, die mit Nähmaschinen umgehen können."
                ),
                "decisions": ["Das Repair-Café startet im Werkraum der Grundschule."],
                "actions": [
                    (
                        "Nutzungsvereinbarung mit der Schule abschließen",
                        "Initiative Repair-Café",
                        21,
                        ActionItem.Status.DONE,
                    ),
                    (
                        "Aufruf für Helfende an der Nähmaschine veröffentlichen",
                        "Quartiersbüro",
                        30,
                        ActionItem.Status.OPEN,
                    ),
                ],
                "published_after": 7,
            },
            {
                # Registration without a limit of places.
                "days": 30,
                "registration": True,
                "registrations": 2,
                "agenda": [
                    welcome(),
                    review(),
                    ("Sichere Schulwege", "Wo fühlen sich Kinder unsicher?", "Elternrat", 30),
                    closing(),
                ],
            },
        ],
    },
    {
        "slug": "holthausen",
        "quartier": "holthausen",
        "title": "Stadtteilkonferenz Holthausen",
        "venue": "Gemeindehaus Holthausen",
        "weekday": TUE,
        "time": (19, 0),
        "rhythm": "zweimal im Jahr, dienstags um 19 Uhr",
        "contact": ("Quartiersentwicklung", "holthausen"),
        "description": (
            "In Holthausen trifft sich die Stadtteilkonferenz zweimal im Jahr. Wer ein Thema "
            "für die Tagesordnung hat, meldet sich gern vorher beim Quartiersbüro."
        ),
        "meetings": [
            {
                "days": -84,
                "status": Meeting.Status.HELD,
                "agenda": [
                    welcome(),
                    (
                        "Bürgerbus: Erfahrungen nach einem Jahr",
                        "",
                        "Bürgerbusverein",
                        25,
                    ),
                    closing(),
                ],
                "summary": (
                    "Der Bürgerbus wird gut angenommen, vor allem vormittags. Gewünscht wird "
                    "eine zusätzliche Fahrt am Samstag."
                ),
                "decisions": [
                    "Die Konferenz unterstützt den Wunsch nach einer Samstagsfahrt.",
                ],
                "actions": [
                    (
                        "Fahrerinnen und Fahrer für eine Samstagsfahrt suchen",
                        "Bürgerbusverein",
                        90,
                        ActionItem.Status.IN_PROGRESS,
                    ),
                ],
                "published_after": 12,
            },
            {
                "days": 44,
                "agenda": [welcome(), review(), closing()],
            },
        ],
    },
    {
        "slug": "rauendahl",
        "quartier": "rauendahl",
        "title": "Quartierskonferenz Rauendahl",
        "venue": "Nachbarschaftstreff Rauendahl",
        "weekday": THU,
        "time": (17, 0),
        "rhythm": "alle zwei Monate, donnerstags um 17 Uhr",
        "contact": ("Quartiersentwicklung im Rauendahl", "rauendahl"),
        "description": (
            "Die Quartierskonferenz begleitet die Quartiersentwicklung im Rauendahl. Hier "
            "werden Ideen aus der Nachbarschaft besprochen und Aufgaben verteilt. Für Kinder "
            "gibt es während der Konferenz eine Betreuung."
        ),
        "meetings": [
            {
                "days": -28,
                "status": Meeting.Status.HELD,
                "childcare": True,
                "agenda": [
                    welcome(),
                    (
                        "Beete im Wohnumfeld",
                        "Wer kümmert sich im Sommer ums Gießen?",
                        "Nachbarschaftstreff",
                        20,
                    ),
                    (
                        "Sprechstunde für Ideen",
                        "Soll es eine feste Sprechstunde im Treff geben?",
                        "Quartiersentwicklung",
                        20,
                    ),
                    closing(),
                ],
                "summary": (
                    "Für das Gießen der Beete gibt es jetzt einen Plan mit acht Familien. "
                    "Die Sprechstunde für Ideen soll einmal im Monat im Treff stattfinden."
                ),
                "decisions": [
                    "Ab dem nächsten Monat gibt es eine monatliche Sprechstunde für Ideen.",
                ],
                "actions": [
                    (
                        "Gießplan aushängen",
                        "Nachbarschaftstreff",
                        7,
                        ActionItem.Status.DONE,
                    ),
                    (
                        "Sprechstunde im Quartier bekannt machen",
                        "Quartiersentwicklung",
                        21,
                        ActionItem.Status.OPEN,
                    ),
                ],
                "published_after": 5,
            },
            {
                "days": 12,
                "registration": True,
                "places": 20,
                "registrations": 4,
                "childcare": True,
                "agenda": [
                    welcome(),
                    review(),
                    (
                        "Nachbarschaftsfest im Rauendahl",
                        "Ideen sammeln und Aufgaben verteilen.",
                        "",
                        30,
                    ),
                    closing(),
                ],
            },
        ],
    },
]

# Wishes for a conference in Stadtteile that have none: (Quartier, name, mailbox, would help).
WISHES = [
    ("niederwenigern", "Sabine Kortmann", "s.kortmann", True),
    ("niederwenigern", "Mehmet Aydın", "m.aydin", False),
    ("niederwenigern", "Ursula Hegemann", "u.hegemann", False),
    ("bredenscheid-stueter", "Thomas Wenning", "t.wenning", True),
    ("oberelfringhausen", "Heike Schulte-Berge", "h.schulte-berge", False),
    ("niederbonsfeld", "Lukas Brandt", "l.brandt", True),
]

# Invented names for demo registrations.
FIRST_NAMES = [
    "Anna",
    "Bernd",
    "Claudia",
    "Dieter",
    "Elif",
    "Frank",
    "Gisela",
    "Hakan",
    "Ingrid",
    "Jan",
    "Katrin",
    "Lena",
]
LAST_NAMES = [
    "Becker",
    "Dahlmann",
    "Engels",
    "Fischer",
    "Gerlach",
    "Hoppe",
    "Kaya",
    "Lohmann",
    "Marx",
    "Nowak",
    "Otte",
    "Piepenbrink",
]


def minutes_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A one-page PDF with real text (not a picture of text), built by hand.

    Helvetica with the Windows-1252 encoding covers German umlauts; the document carries
    its title and language for screen readers. Small enough to create on every demo load.
    """

    def literal(text: str) -> bytes:
        data = text.encode("cp1252", "replace")
        return (
            b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
        )

    lines = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, width=88) or [""])
        lines.append("")
    body = [
        b"BT /F1 15 Tf 56 780 Td " + literal(title) + b" Tj ET",
        b"BT /F1 10 Tf 14 TL 56 750 Td",
    ]
    body += [literal(line) + b" Tj T*" for line in lines[:48]]
    body.append(b"ET")
    content = b"\n".join(body)
    title_utf16 = ("\ufeff" + title).encode("utf-16-be").hex().upper().encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Lang (de-DE) "
        b"/ViewerPreferences << /DisplayDocTitle true >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Title <" + title_utf16 + b"> /Producer (Engagierte Stadt Hattingen, Demo) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _aware(day, hour: int, minute: int = 0):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def _on_weekday(today, days: int, weekday: int):
    """`days` from today, moved to `weekday`: later for future dates, earlier for past ones,
    so an upcoming meeting stays upcoming and a past one past."""
    day = today + timedelta(days=days)
    if days >= 0:
        return day + timedelta(days=(weekday - day.weekday()) % 7)
    return day - timedelta(days=(day.weekday() - weekday) % 7)


class _Loader:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.counts = {
            "venues": 0,
            "conferences": 0,
            "meetings": 0,
            "agenda_items": 0,
            "decisions": 0,
            "action_items": 0,
            "registrations": 0,
            "wishes": 0,
        }
        self.people = 0

    def say(self, message: str):
        if self.stdout is not None:
            self.stdout.write(message)

    def run(self) -> dict:
        venues = {}
        for spec in VENUES:
            fields = {key: value for key, value in spec.items() if key != "name"}
            venues[spec["name"]], created = Venue.objects.get_or_create(
                name=spec["name"], defaults=fields
            )
            self.counts["venues"] += created
        quartiere = {q.slug: q for q in Quartier.objects.all()}
        for spec in CONFERENCES:
            quartier = quartiere.get(spec["quartier"])
            if quartier is None:
                self.say(f"Skipped conference {spec['slug']}: no Quartier {spec['quartier']!r}.")
                continue
            self.conference(spec, quartier, venues[spec["venue"]])
        for slug, name, mailbox, would_help in WISHES:
            quartier = quartiere.get(slug)
            if quartier is None:
                self.say(f"Skipped a wish: no Quartier {slug!r}.")
                continue
            self.wish(quartier, name, f"{mailbox}@{MAIL_DOMAIN}", would_help)
        self.say(
            "Conference demo: "
            + ", ".join(
                f"{count} new {name.replace('_', ' ')}" for name, count in self.counts.items()
            )
            + "."
        )
        return self.counts

    def conference(self, spec: dict, quartier, venue):
        contact_name, mailbox = spec["contact"]
        conference, created = Conference.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "quartier": quartier,
                "title": spec["title"],
                "description": spec["description"],
                "organiser": ORGANISER,
                "contact_name": contact_name,
                "contact_email": f"{mailbox}@{MAIL_DOMAIN}",
                "usual_venue": venue,
                "rhythm": spec["rhythm"],
            },
        )
        if not created:
            return  # its meetings came with it; whatever staff changed since stays
        self.counts["conferences"] += 1
        for meeting in spec["meetings"]:
            self.meeting(conference, venue, spec, meeting)

    def meeting(self, conference, venue, conference_spec: dict, spec: dict):
        day = _on_weekday(self.today, spec["days"], conference_spec["weekday"])
        hour, minute = conference_spec["time"]
        starts_at = _aware(day, hour, minute)
        meeting = Meeting(
            conference=conference,
            slug=day.strftime("%Y-%m-%d"),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            venue=venue,
            room=spec.get("room", ""),
            status=spec.get("status", Meeting.Status.PLANNED),
            sign_language_on_request=spec.get("sign_language", False),
            childcare=spec.get("childcare", False),
            registration_enabled=spec.get("registration", False),
            places=spec.get("places"),
            minutes_summary=spec.get("summary", ""),
        )
        if "published_after" in spec:
            published = starts_at + timedelta(days=spec["published_after"])
            meeting.minutes_published_at = min(published, self.now)
        if spec.get("pdf"):
            meeting.minutes_file.save(
                "protokoll.pdf", ContentFile(self.minutes_document(conference, day, spec)), False
            )
        meeting.full_clean()
        meeting.save()
        self.counts["meetings"] += 1

        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=meeting,
                position=position,
                title=title,
                description=description,
                presenter=presenter,
                minutes_planned=minutes,
            )
            for position, (title, description, presenter, minutes) in enumerate(
                spec.get("agenda", []), start=1
            )
        )
        self.counts["agenda_items"] += len(spec.get("agenda", []))
        Decision.objects.bulk_create(
            Decision(meeting=meeting, position=position, text=text)
            for position, text in enumerate(spec.get("decisions", []), start=1)
        )
        self.counts["decisions"] += len(spec.get("decisions", []))
        actions = []
        for position, (title, responsible, due, status) in enumerate(
            spec.get("actions", []), start=1
        ):
            due_date = day + timedelta(days=due)
            done_at = None
            if status == ActionItem.Status.DONE:
                done_at = min(due_date - timedelta(days=3), self.today)
            actions.append(
                ActionItem(
                    meeting=meeting,
                    position=position,
                    title=title,
                    responsible=responsible,
                    due_date=due_date,
                    status=status,
                    done_at=done_at,
                )
            )
        ActionItem.objects.bulk_create(actions)
        self.counts["action_items"] += len(actions)
        for n in range(spec.get("registrations", 0)):
            self.registration(meeting, n)

    def minutes_document(self, conference, day, spec: dict) -> bytes:
        title = f"Protokoll: {conference.title}, {day:%d.%m.%Y}"
        paragraphs = ["Beispielprotokoll für die Demo des Portals."]
        paragraphs += [line for line in spec.get("summary", "").split("\n\n") if line]
        paragraphs.append("Tagesordnung:")
        paragraphs += [
            f"{n}. {title}" for n, (title, *_rest) in enumerate(spec.get("agenda", []), start=1)
        ]
        if spec.get("decisions"):
            paragraphs.append("Beschlüsse:")
            paragraphs += [f"- {text}" for text in spec["decisions"]]
        if spec.get("actions"):
            paragraphs.append("Aufgaben:")
            paragraphs += [f"- {what} ({who})" for what, who, *_rest in spec["actions"]]
        return minutes_pdf(title, paragraphs)

    def registration(self, meeting, n: int):
        first = FIRST_NAMES[self.people % len(FIRST_NAMES)]
        last = LAST_NAMES[(self.people * 5 + 3) % len(LAST_NAMES)]
        self.people += 1
        phone = n % 4 == 3
        when = self.now - timedelta(days=n + 1, hours=n)
        Registration.objects.create(
            meeting=meeting,
            name=f"{first} {last}",
            email="" if phone else f"{first}.{last}.{self.people}@{MAIL_DOMAIN}".lower(),
            phone="02324 000000" if phone else "",
            status=SignupStatus.CONFIRMED,
            source=Source.PHONE if phone else Source.ONLINE,
            token_hash=new_token()[1],
            created_at=when,
            consent_at=when,
            confirmed_at=when + timedelta(minutes=20),
        )
        self.counts["registrations"] += 1

    def wish(self, quartier, name: str, email: str, would_help: bool):
        if ConferenceWish.objects.filter(quartier=quartier, email=email).exists():
            return
        when = self.now - timedelta(days=20 + 7 * self.counts["wishes"])
        ConferenceWish.objects.create(
            quartier=quartier,
            name=name,
            email=email,
            would_help=would_help,
            status=SignupStatus.CONFIRMED,
            token_hash=new_token()[1],
            created_at=when,
            consent_at=when,
            confirmed_at=when + timedelta(hours=2),
        )
        self.counts["wishes"] += 1


@transaction.atomic
def load(stdout=None) -> dict:
    """Add the demo venues, conferences (with their meetings) and wishes.

    Returns how many of each were created; a second run returns zeros. Existing rows are
    never changed. Conferences whose Quartier is missing are skipped with a note on `stdout`.
    """
    return _Loader(stdout).run()


def bulk(scale: int, stdout=None, seed: int = 0) -> dict:
    """Bulk meetings for performance work: kept here for existing callers, the code and its
    description are in bench/scale_data.py (`conferences()`)."""
    from bench import scale_data

    return scale_data.conferences(scale, stdout=stdout, seed=seed)
