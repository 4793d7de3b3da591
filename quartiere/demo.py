"""Demo content for the Quartiere: topics, skills, projects and opportunities in Hattingen.

`load()` adds a small, realistic set that can run again at any time: rows are looked up by
their address (slug) and only created when missing, so edits made by staff survive.
The bulk data for performance work (`load_demo --scale N`) is in bench/scale_data.py.

The projects are invented examples for the demo. The texts describe what such a project
would do; they do not claim facts about real organisations.
"""

from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from engagierte_stadt import demo as pictures

from .models import Opportunity, Project, ProjectImage, Publication, Quartier, Skill, Topic

CREDIT = "Grafik: Stadt Hattingen"
MAIL_DOMAIN = "hattingen.example"

TOPICS = [
    (
        "Nachbarschaft",
        "nachbarschaft",
        "Sich kennenlernen, einander helfen und gemeinsam etwas für die Straße oder das "
        "Quartier tun.",
    ),
    (
        "Kinder und Jugend",
        "kinder-und-jugend",
        "Angebote mit und für Kinder und Jugendliche: Spielen, Lernen, Treffpunkte.",
    ),
    (
        "Senior:innen",
        "seniorinnen",
        "Gemeinsam statt einsam: Begleitung, Treffen und Hilfe im Alltag für ältere Menschen.",
    ),
    (
        "Umwelt und Klima",
        "umwelt-und-klima",
        "Gärten, Bäume, saubere Ufer und Wege – und weniger wegwerfen.",
    ),
    (
        "Kultur",
        "kultur",
        "Geschichte erzählen, Musik machen, Feste feiern und die Stadt neu entdecken.",
    ),
    (
        "Sport",
        "sport",
        "Bewegung für alle Altersgruppen, draußen und drinnen, ohne Vereinszwang.",
    ),
    (
        "Integration",
        "integration",
        "Ankommen erleichtern: Deutsch üben, Wege zeigen, Begegnungen schaffen.",
    ),
    (
        "Bildung",
        "bildung",
        "Lesen, Lernen und Wissen teilen – von der Hausaufgabenhilfe bis zum Computerkurs.",
    ),
]

SKILLS = [
    ("Handwerk", "handwerk"),
    ("Gartenarbeit", "gartenarbeit"),
    ("Organisation", "organisation"),
    ("Sprachen", "sprachen"),
    ("Fahrdienst", "fahrdienst"),
    ("Computer und Internet", "computer-und-internet"),
    ("Kochen und Backen", "kochen-und-backen"),
    ("Zuhören", "zuhoeren"),
]

FUEHRUNGSZEUGNIS = (
    "Für die Arbeit mit Kindern brauchen wir ein erweitertes Führungszeugnis. Die "
    "Bescheinigung für die kostenlose Beantragung bekommen Sie von uns."
)


def once(days: int, hour: int, hours: int = 3, minute: int = 0) -> dict:
    """A one-off date `days` from today, starting at hour:minute, lasting `hours`."""
    return {
        "commitment": Opportunity.Commitment.ONCE,
        "start": (days, hour, minute),
        "hours": hours,
    }


def regular(hours_per_month: int, *weekdays: str) -> dict:
    return {
        "commitment": Opportunity.Commitment.REGULAR,
        "hours_per_month": hours_per_month,
        "weekdays": list(weekdays),
    }


FLEXIBLE = {"commitment": Opportunity.Commitment.FLEXIBLE}


# Each project: the Quartier by slug, dates in days relative to today, images as
# (motif, seed, caption); the alternative text comes with the motif.
PROJECTS = [
    {
        "slug": "quartiersentwicklung-im-rauendahl",
        "quartier": "rauendahl",
        "title": "Quartiersentwicklung im Rauendahl",
        "teaser": (
            "Nachbarschaft stärken, Treffpunkte schaffen, Ideen umsetzen: Im Rauendahl "
            "gestalten die Menschen ihr Quartier mit."
        ),
        "description": (
            "Die Quartiersentwicklung im Rauendahl bringt Menschen zusammen, die hier "
            "wohnen – ob seit fünfzig Jahren oder seit letztem Monat.\n\n"
            "## Was wir machen\n\n"
            "- ein offener Nachbarschaftstreff mit Kaffee und Kuchen,\n"
            "- kleine Aktionen im Wohnumfeld, zum Beispiel Beete bepflanzen,\n"
            "- Hilfe unter Nachbarn: Einkaufen, Formulare, Begleitung,\n"
            "- Sprechstunden, in denen Sie Ideen für das Quartier einbringen können.\n\n"
            "Jede Hilfe zählt – eine Stunde im Monat genauso wie jede Woche."
        ),
        "status": Project.Status.RUNNING,
        "start": -420,
        "end": None,
        "topics": ["nachbarschaft", "seniorinnen", "kinder-und-jugend"],
        "contact": ("Miriam Schöttler", "Quartiersentwicklung", "m.schoettler"),
        "easy_language": (
            "Das Projekt ist im Rauendahl.\n"
            "Menschen aus der Nachbarschaft treffen sich.\n"
            "Sie helfen sich gegenseitig.\n"
            "Sie machen das Quartier schöner.\n"
            "Sie können mitmachen. Sie müssen nichts können."
        ),
        "featured": True,
        "images": [
            ("table", 11, "Beim Nachbarschaftstreff sitzen alle an einem Tisch."),
            ("garden", 12, "Gemeinsam bepflanzte Beete machen das Wohnumfeld grüner."),
            ("playground", 13, "Auch der Spielplatz im Quartier braucht Paten."),
        ],
        "opportunities": [
            {
                "slug": "rauendahl-nachbarschaftstreff-kaffee-und-kuchen",
                "title": "Nachbarschaftstreff: Kaffee kochen und Gäste begrüßen",
                "description": (
                    "Beim wöchentlichen Treff sorgen Sie für Kaffee, Tee und Kuchen und "
                    "begrüßen die Gäste. Viele kommen allein – ein offenes Ohr ist "
                    "wichtiger als jedes Rezept."
                ),
                "when": regular(8, "mi"),
                "place": "Nachbarschaftstreff im Rauendahl",
                "places": 6,
                "flags": ["seniors", "no_german", "step_free"],
                "skills": ["kochen-und-backen", "zuhoeren"],
            },
            {
                "slug": "rauendahl-beete-bepflanzen",
                "title": "Beete im Wohnumfeld bepflanzen",
                "description": (
                    "An einem Samstagvormittag bepflanzen wir gemeinsam die Beete zwischen "
                    "den Häusern. Werkzeug, Pflanzen und Getränke sind da. Kinder sind "
                    "willkommen."
                ),
                "when": once(16, 10, 3),
                "place": "Treffpunkt wird nach der Anmeldung mitgeteilt",
                "places": 12,
                "flags": ["families", "youth", "no_german"],
                "skills": ["gartenarbeit"],
                "deadline": 13,
            },
            {
                "slug": "rauendahl-einkaufshilfe",
                "title": "Einkaufshilfe für ältere Nachbarinnen und Nachbarn",
                "description": (
                    "Manche Menschen im Quartier kommen nicht mehr gut zum Supermarkt. "
                    "Sie gehen für sie einkaufen oder begleiten sie – wann es Ihnen passt."
                ),
                "when": FLEXIBLE,
                "place": "Rauendahl",
                "places": None,
                "flags": ["youth", "seniors"],
                "skills": ["fahrdienst", "zuhoeren"],
            },
        ],
    },
    {
        "slug": "lesepatinnen-in-der-altstadt",
        "quartier": "hattingen-mitte",
        "title": "Lesepat:innen in der Altstadt",
        "teaser": "Vorlesen und gemeinsam lesen: Ehrenamtliche begleiten Grundschulkinder.",
        "description": (
            "Lesen öffnet Türen. Unsere Lesepatinnen und Lesepaten treffen sich einmal pro "
            "Woche mit Kindern im Grundschulalter, lesen vor, lassen vorlesen und sprechen "
            "über das Gelesene.\n\n"
            "Sie brauchen keine pädagogische Ausbildung – nur Geduld und Freude an "
            "Geschichten. Zum Start gibt es ein kurzes Einführungstreffen."
        ),
        "status": Project.Status.RUNNING,
        "start": -210,
        "end": None,
        "topics": ["bildung", "kinder-und-jugend"],
        "contact": ("Jonas Brinkhoff", "Koordination Lesepatenschaften", "j.brinkhoff"),
        "easy_language": (
            "Kinder lernen lesen.\n"
            "Erwachsene helfen dabei.\n"
            "Sie lesen zusammen Bücher.\n"
            "Einmal in der Woche."
        ),
        "featured": True,
        "images": [
            ("books", 21, "Ein volles Regal: Bücher für jedes Alter."),
        ],
        "opportunities": [
            {
                "slug": "altstadt-lesepatin-werden",
                "title": "Lesepatin oder Lesepate werden",
                "description": (
                    "Einmal pro Woche eine Stunde mit einem oder zwei Kindern lesen. Die "
                    "Bücher stellen wir, den Termin stimmen wir mit Ihnen ab."
                ),
                "when": regular(4, "di", "do"),
                "place": "Hattingen-Mitte",
                "places": 12,
                "flags": ["seniors"],
                "requirements": FUEHRUNGSZEUGNIS,
                "skills": ["zuhoeren", "sprachen"],
            },
            {
                "slug": "altstadt-vorlesetag-helfen",
                "title": "Vorlesenachmittag: Helfende für Aufbau und Begrüßung",
                "description": (
                    "Für einen Vorlesenachmittag mit mehreren Stationen suchen wir Menschen, "
                    "die Tische stellen, Kinder und Eltern begrüßen und den Weg zeigen."
                ),
                "when": once(24, 14, 4),
                "place": "Altstadt, Ort wird nach der Anmeldung mitgeteilt",
                "places": 6,
                "flags": ["youth", "families", "step_free"],
                "skills": ["organisation"],
                "deadline": 20,
            },
        ],
    },
    {
        "slug": "sprachcafe-altstadt",
        "quartier": "hattingen-mitte",
        "title": "Sprachcafé in der Altstadt",
        "teaser": "Deutsch sprechen üben bei einer Tasse Tee – ohne Kurs und ohne Noten.",
        "description": (
            "Im Sprachcafé treffen sich Menschen, die Deutsch lernen, mit Menschen, die "
            "gern erzählen. Es gibt keinen Unterricht, sondern Gespräche über Alltag, "
            "Arbeit, Familie und Hattingen.\n\n"
            "Wer mag, bringt ein Spiel oder Fotos mit. Tee und Kekse stehen bereit."
        ),
        "status": Project.Status.RUNNING,
        "start": -130,
        "end": None,
        "topics": ["integration", "bildung"],
        "contact": ("Leyla Demir", "Ehrenamtskoordination", "l.demir"),
        "easy_language": (
            "Menschen lernen Deutsch.\n"
            "Sie sprechen mit anderen Menschen.\n"
            "Es gibt Tee.\n"
            "Das kostet nichts."
        ),
        "featured": False,
        "images": [
            ("table", 31, "Im Sprachcafé kommen alle ins Gespräch."),
        ],
        "opportunities": [
            {
                "slug": "sprachcafe-gespraechspartnerin",
                "title": "Gesprächspartnerin oder Gesprächspartner im Sprachcafé",
                "description": (
                    "Sie setzen sich mit an einen Tisch und unterhalten sich. Mehr braucht "
                    "es nicht. Fremdsprachen sind hilfreich, aber nicht nötig."
                ),
                "when": regular(6, "fr"),
                "place": "Hattingen-Mitte",
                "places": None,
                "flags": ["seniors", "youth", "step_free"],
                "skills": ["sprachen", "zuhoeren"],
            },
            {
                "slug": "sprachcafe-begleitung-behoerdengaenge",
                "title": "Begleitung zu Behördengängen",
                "description": (
                    "Manchmal ist ein Termin bei einem Amt leichter, wenn jemand mitkommt. "
                    "Sie begleiten nach Absprache – ohne rechtliche Beratung."
                ),
                "when": FLEXIBLE,
                "place": "Hattingen",
                "places": 4,
                "flags": [],
                "skills": ["sprachen", "organisation"],
            },
        ],
    },
    {
        "slug": "aufraeumtag-am-ruhrufer",
        "quartier": "winz-baak",
        "title": "Aufräumtag am Ruhrufer",
        "teaser": "Gemeinsam Müll sammeln an der Ruhr – mit Handschuhen, Zangen und Suppe danach.",
        "description": (
            "Am Ufer der Ruhr landet mehr Abfall, als man denkt. Beim Aufräumtag sammeln "
            "wir in kleinen Gruppen, trennen den Müll und lassen den Vormittag bei einer "
            "heißen Suppe ausklingen.\n\n"
            "Handschuhe, Greifzangen und Säcke sind vorhanden. Bitte feste Schuhe tragen."
        ),
        "status": Project.Status.PLANNED,
        "start": 18,
        "end": 18,
        "topics": ["umwelt-und-klima", "nachbarschaft"],
        "contact": ("Peter Hülsmann", "Organisation Aufräumtag", "p.huelsmann"),
        "easy_language": "",
        "featured": False,
        "images": [
            ("river", 41, "Die Ruhr soll sauber bleiben."),
        ],
        "opportunities": [
            {
                "slug": "ruhrufer-muell-sammeln",
                "title": "Müll sammeln am Ruhrufer",
                "description": (
                    "Drei Stunden in einer Gruppe am Ufer entlang: sammeln, trennen, "
                    "zurückbringen. Für Kinder gibt es kleinere Zangen."
                ),
                "when": once(18, 10, 3),
                "place": "Ruhrufer in Winz-Baak, Treffpunkt nach der Anmeldung",
                "places": None,
                "flags": ["youth", "families", "no_german"],
                "skills": [],
            },
            {
                "slug": "ruhrufer-suppe-kochen",
                "title": "Suppe kochen für die Helferinnen und Helfer",
                "description": (
                    "Sie kochen am Vortag oder am Morgen einen großen Topf Suppe (auch "
                    "vegetarisch) und bringen ihn zum Treffpunkt."
                ),
                "when": once(18, 8, 5),
                "place": "Winz-Baak",
                "places": 4,
                "flags": ["seniors"],
                "skills": ["kochen-und-backen"],
                "deadline": 14,
            },
        ],
    },
    {
        "slug": "repair-cafe-winz-baak",
        "quartier": "winz-baak",
        "title": "Repair-Café Winz-Baak",
        "teaser": (
            "Reparieren statt wegwerfen: Toaster, Fahrräder und Kleidung bekommen ein zweites "
            "Leben."
        ),
        "description": (
            "Einmal im Monat soll es in Winz-Baak ein Repair-Café geben. Menschen bringen "
            "kaputte Dinge mit und reparieren sie gemeinsam mit Ehrenamtlichen, die sich "
            "mit Technik, Fahrrädern oder Nähen auskennen.\n\n"
            "Wir suchen noch Helfende für Werkbank, Nähmaschine und Kaffeetheke."
        ),
        "status": Project.Status.PLANNED,
        "start": 35,
        "end": None,
        "topics": ["umwelt-und-klima", "nachbarschaft"],
        "contact": ("Sabine Kortmann", "Initiatorin", "s.kortmann"),
        "easy_language": "",
        "featured": False,
        "images": [("workshop", 51, "An der Werkbank wird gemeinsam repariert.")],
        "opportunities": [
            {
                "slug": "repair-cafe-reparieren",
                "title": "Reparieren an der Werkbank",
                "description": (
                    "Sie können mit Schraubenzieher und Lötkolben umgehen? Dann helfen Sie "
                    "anderen, ihre Geräte selbst zu reparieren. Sicherheit geht vor: "
                    "Geräte mit Netzspannung nur mit Fachkenntnis."
                ),
                "when": regular(4, "sa"),
                "place": "Winz-Baak",
                "places": 6,
                "flags": ["seniors", "no_german"],
                "requirements": "Erfahrung mit Elektrogeräten, Fahrrädern oder Nähen.",
                "skills": ["handwerk"],
            },
            {
                "slug": "repair-cafe-kaffeetheke",
                "title": "Kaffeetheke im Repair-Café",
                "description": (
                    "Während gewartet wird, gibt es Kaffee und Kuchen. Sie übernehmen die "
                    "Theke für einen Nachmittag im Monat."
                ),
                "when": regular(3, "sa"),
                "place": "Winz-Baak",
                "places": 4,
                "flags": ["youth", "seniors", "step_free"],
                "skills": ["kochen-und-backen"],
            },
            {
                "slug": "repair-cafe-werbung",
                "title": "Plakate und Handzettel verteilen",
                "description": (
                    "Damit das Repair-Café bekannt wird: Plakate in Geschäften aufhängen und "
                    "Handzettel im Stadtteil verteilen."
                ),
                "when": FLEXIBLE,
                "place": "Winz-Baak",
                "places": None,
                "flags": ["youth", "families"],
                "skills": ["organisation"],
            },
        ],
    },
    {
        "slug": "erzaehlcafe-welper",
        "quartier": "welper",
        "title": "Erzählcafé Welper: Geschichten aus der Hüttenzeit",
        "teaser": "Wer hat auf der Henrichshütte gearbeitet? Ältere erzählen, Jüngere hören zu.",
        "description": (
            "Welper ist mit der Henrichshütte groß geworden. Viele Familien haben "
            "Geschichten aus dieser Zeit – vom Schichtdienst, vom Zusammenhalt, vom "
            "Abschied.\n\n"
            "Im Erzählcafé kommen diese Geschichten auf den Tisch. Ehrenamtliche hören zu, "
            "fragen nach und schreiben – wenn die Erzählenden das möchten – Erinnerungen "
            "auf."
        ),
        "status": Project.Status.RUNNING,
        "start": -95,
        "end": None,
        "topics": ["seniorinnen", "kultur"],
        "contact": ("Ute Rademacher", "Leitung Erzählcafé", "u.rademacher"),
        "easy_language": (
            "Ältere Menschen erzählen von früher.\n"
            "Von der Arbeit auf der Hütte.\n"
            "Andere hören zu.\n"
            "Es gibt Kaffee."
        ),
        "featured": True,
        "images": [("table", 61, "Beim Erzählcafé hören alle zu.")],
        "opportunities": [
            {
                "slug": "erzaehlcafe-zuhoeren-und-aufschreiben",
                "title": "Zuhören und Erinnerungen aufschreiben",
                "description": (
                    "Sie hören zu, stellen Fragen und schreiben auf, was erzählt wird – "
                    "nur mit Einverständnis der Erzählenden."
                ),
                "when": regular(6, "do"),
                "place": "Welper",
                "places": 6,
                "flags": ["seniors", "step_free"],
                "skills": ["zuhoeren", "computer-und-internet"],
            },
            {
                "slug": "erzaehlcafe-kuchen-backen",
                "title": "Kuchen backen für das Erzählcafé",
                "description": (
                    "Ein Kuchen pro Treffen reicht. Sie backen zu Hause und bringen ihn mit."
                ),
                "when": FLEXIBLE,
                "place": "Welper",
                "places": None,
                "flags": ["seniors", "families", "no_german"],
                "skills": ["kochen-und-backen"],
            },
        ],
    },
    {
        "slug": "jugendraum-welper",
        "quartier": "welper",
        "title": "Ein Jugendraum für Welper",
        "teaser": "Jugendliche wünschen sich einen eigenen Treffpunkt – die Idee wird geprüft.",
        "description": (
            "Die Idee: ein Raum, in dem sich Jugendliche aus Welper nach der Schule treffen, "
            "Musik hören und eigene Projekte starten können. Noch ist nichts entschieden: "
            "Es geht um Räume, Aufsicht und Geld. Dieser Entwurf sammelt, wer mitplanen "
            "möchte."
        ),
        "status": Project.Status.IDEA,
        "start": None,
        "end": None,
        "topics": ["kinder-und-jugend"],
        "contact": ("Tobias Wenning", "Jugendarbeit", "t.wenning"),
        "easy_language": "",
        "featured": False,
        "draft": True,
        "images": [("workshop", 71, "Möbel für den Jugendraum könnten selbst gebaut werden.")],
        "opportunities": [
            {
                "slug": "jugendraum-welper-mitplanen",
                "title": "Den Jugendraum mitplanen",
                "description": "Planungstreffen mit Jugendlichen: Was soll der Raum bieten?",
                "when": once(28, 17, 2),
                "place": "Welper",
                "places": 12,
                "flags": ["youth"],
                "skills": ["organisation"],
            },
            {
                "slug": "jugendraum-welper-moebel-bauen",
                "title": "Möbel aus Paletten bauen",
                "description": "Sobald es einen Raum gibt: Sitzecken und Regale selbst bauen.",
                "when": FLEXIBLE,
                "place": "Welper",
                "places": 6,
                "flags": ["youth"],
                "requirements": FUEHRUNGSZEUGNIS,
                "skills": ["handwerk"],
            },
        ],
    },
    {
        "slug": "offener-bolzplatz-treff-niederwenigern",
        "quartier": "niederwenigern",
        "title": "Offener Bolzplatz-Treff Niederwenigern",
        "teaser": (
            "Kicken ohne Verein: Jeden Freitag treffen sich Kinder und Jugendliche zum Spielen."
        ),
        "description": (
            "Jeden Freitagnachmittag ist der Bolzplatz Treffpunkt für alle, die Lust auf "
            "Fußball haben. Es gibt keine Mannschaften und keine Anmeldung für die Kinder – "
            "aber Erwachsene, die Bälle mitbringen, Streit schlichten und aufpassen.\n\n"
            "Bei Regen fällt der Treff aus."
        ),
        "status": Project.Status.RUNNING,
        "start": -60,
        "end": None,
        "topics": ["sport", "kinder-und-jugend"],
        "contact": ("Marco Lindemann", "Ansprechpartner Bolzplatz-Treff", "m.lindemann"),
        "easy_language": (
            "Kinder spielen Fußball.\nJeden Freitag.\nErwachsene passen auf.\nAlle dürfen kommen."
        ),
        "featured": False,
        "images": [("football", 81, "Der Bolzplatz ist freitags Treffpunkt zum Kicken.")],
        "opportunities": [
            {
                "slug": "bolzplatz-treff-betreuen",
                "title": "Den Bolzplatz-Treff betreuen",
                "description": (
                    "Zwei Stunden am Freitag: Bälle und Leibchen mitbringen, Spiele anleiten, "
                    "auf faire Regeln achten."
                ),
                "when": regular(8, "fr"),
                "place": "Bolzplatz Niederwenigern",
                "places": 4,
                "flags": ["youth", "no_german"],
                "requirements": FUEHRUNGSZEUGNIS,
                "skills": [],
            },
            {
                "slug": "bolzplatz-turnier-helfen",
                "title": "Helfen beim kleinen Abschlussturnier",
                "description": (
                    "Für ein kleines Turnier suchen wir Menschen, die Spielpläne schreiben, "
                    "Getränke ausgeben und Tore zählen."
                ),
                "when": once(30, 14, 4),
                "place": "Bolzplatz Niederwenigern",
                "places": 12,
                "flags": ["youth", "families", "seniors"],
                "skills": ["organisation"],
                "deadline": 25,
            },
        ],
    },
    {
        "slug": "gemeinschaftsgarten-holthausen",
        "quartier": "holthausen",
        "title": "Gemeinschaftsgarten Holthausen",
        "teaser": (
            "Gemüse, Kräuter und Blumen auf einer gemeinsamen Fläche – jede und jeder darf "
            "mitgärtnern."
        ),
        "description": (
            "Im Gemeinschaftsgarten bewirtschaften Nachbarinnen und Nachbarn gemeinsam "
            "Hochbeete. Es gibt feste Gießdienste, offene Gartentage und viel Austausch "
            "über Saatgut und Rezepte.\n\n"
            "Vorkenntnisse braucht niemand. Wer wenig Zeit hat, übernimmt einfach einen "
            "Gießdienst."
        ),
        "status": Project.Status.RUNNING,
        "start": -300,
        "end": None,
        "topics": ["umwelt-und-klima", "nachbarschaft"],
        "contact": ("Katharina Vogt", "Gartengruppe", "k.vogt"),
        "easy_language": (
            "Menschen haben zusammen einen Garten.\n"
            "Sie pflanzen Gemüse und Blumen.\n"
            "Sie gießen die Pflanzen.\n"
            "Sie können mitmachen."
        ),
        "featured": True,
        "images": [
            ("garden", 91, "Hochbeete mit Tomaten und Salat."),
            ("table", 92, "Nach der Gartenarbeit wird gemeinsam Kaffee getrunken."),
        ],
        "opportunities": [
            {
                "slug": "gemeinschaftsgarten-giessdienst",
                "title": "Gießdienst übernehmen",
                "description": (
                    "Eine Woche im Monat gießen Sie abends die Beete. Die Gießkannen stehen "
                    "im Schuppen, der Wasseranschluss ist direkt daneben."
                ),
                "when": regular(5, "mo", "mi", "fr"),
                "place": "Gemeinschaftsgarten Holthausen",
                "places": None,
                "flags": ["seniors", "families", "no_german"],
                "skills": ["gartenarbeit"],
            },
            {
                "slug": "gemeinschaftsgarten-gartentag",
                "title": "Offener Gartentag: Beete vorbereiten",
                "description": (
                    "Umgraben, Kompost verteilen, neue Pflanzen setzen – an einem Samstag "
                    "mit allen, die Lust haben."
                ),
                "when": once(9, 10, 4),
                "place": "Gemeinschaftsgarten Holthausen",
                "places": 12,
                "flags": ["families", "youth", "no_german"],
                "skills": ["gartenarbeit", "handwerk"],
                "deadline": 7,
            },
            {
                "slug": "gemeinschaftsgarten-hochbeet-bauen",
                "title": "Neues Hochbeet bauen",
                "description": (
                    "Für ein rollstuhlgerechtes Hochbeet suchen wir Menschen mit Werkzeug und "
                    "Geschick."
                ),
                "when": once(3, 9, 5),
                "place": "Gemeinschaftsgarten Holthausen",
                "places": 4,
                "flags": [],
                "skills": ["handwerk"],
                "open": False,
            },
        ],
    },
    {
        "slug": "mitfahrbank-bredenscheid-stueter",
        "quartier": "bredenscheid-stueter",
        "title": "Mitfahrbank Bredenscheid-Stüter",
        "teaser": (
            "Wer auf der Bank sitzt, möchte mitgenommen werden – eine Idee für die Wege zwischen "
            "den Stadtteilen."
        ),
        "description": (
            "In den ländlichen Stadtteilen fährt der Bus nicht oft. Eine Mitfahrbank ist "
            "ein gut sichtbarer Platz am Straßenrand: Wer sich dort hinsetzt, zeigt, dass "
            "er oder sie mitgenommen werden möchte.\n\n"
            "Noch ist es eine Idee. Gesucht werden Menschen, die einen Standort vorschlagen, "
            "mit Nachbarn sprechen und Regeln für das Mitfahren sammeln."
        ),
        "status": Project.Status.IDEA,
        "start": None,
        "end": None,
        "topics": ["seniorinnen", "nachbarschaft"],
        "contact": ("Horst Eickelmann", "Ideengeber", "h.eickelmann"),
        "easy_language": "",
        "featured": False,
        "images": [("bench", 101, "So könnte eine Mitfahrbank am Straßenrand aussehen.")],
        "opportunities": [
            {
                "slug": "mitfahrbank-ideenrunde",
                "title": "Ideenrunde zur Mitfahrbank",
                "description": (
                    "Ein Abend, an dem wir Standorte sammeln und Fragen klären: Wer fährt "
                    "mit, wie bleibt es sicher, wer kümmert sich um die Bank?"
                ),
                "when": once(21, 19, 2),
                "place": "Bredenscheid-Stüter, Ort wird nach der Anmeldung mitgeteilt",
                "places": 12,
                "flags": ["seniors", "step_free"],
                "skills": ["organisation"],
                "deadline": 19,
            },
            {
                "slug": "mitfahrbank-fahrerinnen-gesucht",
                "title": "Fahrerinnen und Fahrer für Mitfahrgelegenheiten",
                "description": (
                    "Sie sind ohnehin mit dem Auto unterwegs und nehmen gern jemanden mit? "
                    "Tragen Sie sich ein, dann melden wir uns, sobald es losgeht."
                ),
                "when": FLEXIBLE,
                "place": "Bredenscheid-Stüter",
                "places": None,
                "flags": [],
                "requirements": "Führerschein und eigenes Auto.",
                "skills": ["fahrdienst"],
            },
        ],
    },
    {
        "slug": "kinderfuehrungen-burg-blankenstein",
        "quartier": "blankenstein",
        "title": "Burggeschichten für Kinder in Blankenstein",
        "teaser": (
            "Ehrenamtliche zeigen Kindern und Familien den alten Burgort – mit Geschichten statt "
            "Jahreszahlen."
        ),
        "description": (
            "Rund um die Burg Blankenstein gibt es viel zu entdecken: enge Gassen, alte "
            "Mauern und den Blick weit ins Ruhrtal. Bei den Burggeschichten gehen "
            "Ehrenamtliche mit Kindern und ihren Familien eine kurze Runde und erzählen, "
            "wie man früher lebte.\n\n"
            "Die Bürgergesellschaft Blankenstein e.V. ist Kooperationspartnerin der "
            "Engagierten Stadt Hattingen."
        ),
        "status": Project.Status.PLANNED,
        "start": 30,
        "end": 150,
        "topics": ["kultur", "kinder-und-jugend"],
        "contact": ("Elke Brauckmann", "Planungsgruppe Burggeschichten", "e.brauckmann"),
        "easy_language": (
            "In Blankenstein gibt es eine Burg.\n"
            "Kinder gehen mit Erwachsenen durch den Ort.\n"
            "Die Erwachsenen erzählen Geschichten."
        ),
        "featured": False,
        "images": [
            ("castle", 111, "Die Burg steht hoch über dem Tal."),
            ("hills", 112, "Vom Burgort aus geht der Blick weit über das Land."),
        ],
        "opportunities": [
            {
                "slug": "burggeschichten-erzaehlen",
                "title": "Burggeschichten erzählen",
                "description": (
                    "Sie führen eine kleine Gruppe eine Stunde durch den Ort. Eine Mappe "
                    "mit Geschichten und Ideen für Kinder bekommen Sie vorab."
                ),
                "when": regular(3, "sa", "so"),
                "place": "Blankenstein",
                "places": 6,
                "flags": ["seniors"],
                "requirements": FUEHRUNGSZEUGNIS,
                "skills": ["zuhoeren"],
            },
            {
                "slug": "burggeschichten-auftakt",
                "title": "Auftakt: Probelauf der ersten Runde",
                "description": "Wir gehen die Strecke gemeinsam ab und sammeln Verbesserungen.",
                "when": once(30, 15, 2),
                "place": "Blankenstein",
                "places": 12,
                "flags": ["families", "youth"],
                "skills": [],
                "deadline": 27,
            },
        ],
    },
    {
        "slug": "spielplatz-niederbonsfeld-neu-gestrichen",
        "quartier": "niederbonsfeld",
        "title": "Spielplatz Niederbonsfeld: neu gestrichen",
        "teaser": (
            "Nachbarinnen und Nachbarn haben Klettergerüst, Bänke und Zaun frisch gestrichen."
        ),
        "description": (
            "An zwei Wochenenden haben Familien aus Niederbonsfeld den Spielplatz "
            "aufgefrischt: Klettergerüst und Bänke geschliffen und gestrichen, Sand "
            "aufgefüllt, Hecken geschnitten.\n\n"
            "Das Projekt ist abgeschlossen. Wer bei der nächsten Aktion dabei sein möchte, "
            "kann sich schon jetzt melden."
        ),
        "status": Project.Status.FINISHED,
        "start": -130,
        "end": -118,
        "topics": ["kinder-und-jugend", "nachbarschaft"],
        "contact": ("Nadine Osterhaus", "Elterninitiative", "n.osterhaus"),
        "easy_language": "",
        "featured": False,
        "images": [
            ("playground", 121, "Das Klettergerüst leuchtet wieder rot."),
        ],
        "opportunities": [
            {
                "slug": "spielplatz-niederbonsfeld-naechste-aktion",
                "title": "Bei der nächsten Spielplatz-Aktion helfen",
                "description": (
                    "Tragen Sie sich ein – wir melden uns, wenn die nächste Aktion geplant ist."
                ),
                "when": FLEXIBLE,
                "place": "Niederbonsfeld",
                "places": None,
                "flags": ["families", "youth", "no_german"],
                "skills": ["handwerk", "gartenarbeit"],
            },
            {
                "slug": "spielplatz-niederbonsfeld-patenschaft",
                "title": "Spielplatzpatin oder Spielplatzpate",
                "description": (
                    "Einmal in der Woche nach dem Rechten sehen: Ist etwas kaputt? Liegt "
                    "Glas im Sand? Schäden melden Sie an die Stadt."
                ),
                "when": regular(2, "mo"),
                "place": "Niederbonsfeld",
                "places": 4,
                "flags": ["seniors", "families"],
                "skills": [],
            },
        ],
    },
    {
        "slug": "wegepaten-elfringhauser-schweiz",
        "quartier": "oberelfringhausen",
        "title": "Wegepaten in der Elfringhauser Schweiz",
        "teaser": (
            "Wanderwege im Hügelland im Blick behalten: Ehrenamtliche melden umgestürzte Bäume "
            "und fehlende Schilder."
        ),
        "description": (
            "Die Elfringhauser Schweiz ist ein beliebtes Wandergebiet mit Wiesen, Wäldern "
            "und Höfen. Damit die Wege gut begehbar bleiben, gehen Wegepaten ihre "
            "Lieblingsstrecke regelmäßig ab und melden, was auffällt.\n\n"
            "Reparaturen übernehmen die Zuständigen – die Paten sind Augen und Ohren vor "
            "Ort."
        ),
        "status": Project.Status.RUNNING,
        "start": -250,
        "end": None,
        "topics": ["umwelt-und-klima", "sport"],
        "contact": ("Bernd Schulte-Frielinghaus", "Koordination Wegepaten", "b.schulte"),
        "easy_language": (
            "Menschen wandern auf Wegen.\nSie schauen: Ist etwas kaputt?\nDann sagen sie es weiter."
        ),
        "featured": True,
        "images": [
            ("hills", 131, "Wiesen und Hügel prägen die Elfringhauser Schweiz."),
            ("hills", 132, "Ein Wanderweg schlängelt sich durch die Wiesen."),
        ],
        "opportunities": [
            {
                "slug": "wegepatin-werden",
                "title": "Wegepatin oder Wegepate werden",
                "description": (
                    "Sie übernehmen eine Strecke von zwei bis fünf Kilometern und gehen sie "
                    "ein- bis zweimal im Monat ab. Meldungen schicken Sie per Formular oder "
                    "Foto."
                ),
                "when": regular(4, "sa", "so"),
                "place": "Oberelfringhausen und Umgebung",
                "places": None,
                "flags": ["seniors", "families"],
                "skills": ["computer-und-internet"],
            },
            {
                "slug": "wegepaten-schilder-erneuern",
                "title": "Wegweiser reinigen und Markierungen prüfen",
                "description": "Ein Vormittag mit Eimer, Bürste und Karte auf einem Rundweg.",
                "when": once(12, 9, 4),
                "place": "Oberelfringhausen, Treffpunkt nach der Anmeldung",
                "places": 6,
                "flags": ["youth"],
                "skills": ["handwerk"],
                "deadline": 10,
            },
        ],
    },
    {
        "slug": "nachbarschaftshilfe-oberstueter",
        "quartier": "oberstueter",
        "title": "Nachbarschaftshilfe Oberstüter",
        "teaser": "Einkaufen, zum Arzt fahren, eine Glühbirne wechseln: Nachbarn helfen Nachbarn.",
        "description": (
            "Die Wege in Oberstüter sind weit, und nicht alle haben ein Auto. Die "
            "Nachbarschaftshilfe bringt Menschen zusammen, die Hilfe brauchen, und "
            "Menschen, die helfen können – unkompliziert und nach Absprache.\n\n"
            "Die Hilfe ist kostenlos. Für Fahrten gibt es eine kleine Kilometerpauschale."
        ),
        "status": Project.Status.RUNNING,
        "start": -180,
        "end": None,
        "topics": ["seniorinnen", "nachbarschaft"],
        "contact": ("Gisela Hammerschmidt", "Telefonkette", "g.hammerschmidt"),
        "easy_language": "",
        "featured": False,
        "images": [("bench", 141, "Warten auf eine Mitfahrgelegenheit.")],
        "opportunities": [
            {
                "slug": "oberstueter-fahrdienst",
                "title": "Fahrdienst zu Ärztinnen, Ärzten und Einkauf",
                "description": (
                    "Sie fahren ältere Nachbarinnen und Nachbarn zu Terminen oder zum "
                    "Einkaufen. Wann und wie oft, entscheiden Sie."
                ),
                "when": FLEXIBLE,
                "place": "Oberstüter",
                "places": None,
                "flags": ["seniors"],
                "requirements": "Führerschein und eigenes Auto.",
                "skills": ["fahrdienst"],
            },
            {
                "slug": "oberstueter-kleine-reparaturen",
                "title": "Kleine Reparaturen im Haushalt",
                "description": (
                    "Regal anbringen, Wasserhahn abdichten, Lampe wechseln – für Menschen, die "
                    "das nicht mehr selbst können."
                ),
                "when": regular(4, "di", "sa"),
                "place": "Oberstüter",
                "places": 6,
                "flags": [],
                "skills": ["handwerk"],
            },
            {
                "slug": "oberstueter-telefonkette",
                "title": "Telefonkette: regelmäßig anrufen",
                "description": (
                    "Einmal in der Woche rufen Sie zwei oder drei Menschen an, die allein "
                    "leben, und fragen, wie es geht."
                ),
                "when": regular(2, "mo", "do"),
                "place": "Von zu Hause aus",
                "places": 12,
                "flags": ["seniors", "step_free"],
                "skills": ["zuhoeren"],
            },
        ],
    },
    {
        "slug": "streuobstwiese-niederelfringhausen",
        "quartier": "niederelfringhausen",
        "title": "Streuobstwiese Niederelfringhausen",
        "teaser": (
            "Alte Obstbäume pflegen, neue pflanzen und die Ernte teilen – eine Idee sucht "
            "Mitstreiter."
        ),
        "description": (
            "Streuobstwiesen sind Lebensraum für viele Tiere und gehören zum Bild des "
            "Hügellands. Die Idee: eine Gruppe, die Bäume schneidet, Nachpflanzungen "
            "organisiert und die Ernte gemeinsam verarbeitet – zum Beispiel zu Saft.\n\n"
            "Gesucht werden Menschen mit Erfahrung im Obstbaumschnitt und solche, die es "
            "lernen möchten."
        ),
        "status": Project.Status.IDEA,
        "start": None,
        "end": None,
        "topics": ["umwelt-und-klima"],
        "contact": ("Frank Dellwig", "Ideengeber", "f.dellwig"),
        "easy_language": "",
        "featured": False,
        "images": [
            ("orchard", 151, "Obstbäume auf einer Wiese mit Holzzaun."),
        ],
        "opportunities": [
            {
                "slug": "streuobstwiese-baumschnitt-lernen",
                "title": "Obstbaumschnitt lernen und anwenden",
                "description": (
                    "Mit erfahrenen Leuten Bäume schneiden – Leitern und Scheren sind da."
                ),
                "when": once(26, 10, 4),
                "place": "Niederelfringhausen, Treffpunkt nach der Anmeldung",
                "places": 6,
                "flags": ["seniors"],
                "skills": ["gartenarbeit"],
                "deadline": 22,
            },
            {
                "slug": "streuobstwiese-gruppe-gruenden",
                "title": "Mitmachen in der Gründungsgruppe",
                "description": (
                    "Wir klären Flächen, Absprachen und Termine. Dafür braucht es "
                    "Organisationstalent."
                ),
                "when": FLEXIBLE,
                "place": "Niederelfringhausen",
                "places": None,
                "flags": ["step_free"],
                "skills": ["organisation", "computer-und-internet"],
            },
        ],
    },
]

# Opportunities directly in a Quartier, without a project.
DIRECT_OPPORTUNITIES = [
    {
        "slug": "welper-stadtteilkonferenz-protokoll",
        "quartier": "welper",
        "title": "Protokoll schreiben bei der Stadtteilkonferenz",
        "description": (
            "Bei der Stadtteilkonferenz schreiben Sie mit, was besprochen und beschlossen "
            "wird. Eine Vorlage gibt es; das Protokoll wird danach im Portal veröffentlicht."
        ),
        "when": once(40, 18, 2, 30),
        "place": "Welper",
        "places": 1,
        "flags": ["step_free"],
        "skills": ["computer-und-internet", "organisation"],
        "deadline": 35,
    },
    {
        "slug": "hattingen-mitte-digitale-sprechstunde",
        "quartier": "hattingen-mitte",
        "title": "Digitale Sprechstunde für Ältere",
        "description": (
            "Smartphone, Tablet, Videotelefonat mit den Enkeln: Sie erklären geduldig, "
            "Schritt für Schritt, an einem Nachmittag im Monat."
        ),
        "when": regular(3, "di"),
        "place": "Hattingen-Mitte",
        "places": 4,
        "flags": ["youth", "step_free"],
        "skills": ["computer-und-internet", "zuhoeren"],
    },
    {
        "slug": "holthausen-nachbarschaftsfest-aufbau",
        "quartier": "holthausen",
        "title": "Nachbarschaftsfest: Aufbau und Abbau",
        "description": (
            "Pavillons aufstellen, Bänke tragen, nach dem Fest wieder aufräumen. Für ein "
            "Fest, das die Nachbarschaft selbst organisiert."
        ),
        "when": once(45, 11, 8),
        "place": "Holthausen",
        "places": None,
        "flags": ["youth", "families", "no_german"],
        "skills": ["handwerk", "organisation"],
    },
]


def _aware(day, hour: int, minute: int = 0):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def _opportunity_fields(spec: dict, today) -> dict:
    when = spec["when"]
    fields = {
        "title": spec["title"],
        "description": spec["description"],
        "commitment": when["commitment"],
        "place": spec.get("place", ""),
        "places": spec.get("places"),
        "requirements": spec.get("requirements", ""),
        "is_open": spec.get("open", True),
    }
    if when["commitment"] == Opportunity.Commitment.ONCE:
        days, hour, minute = when["start"]
        starts_at = _aware(today + timedelta(days=days), hour, minute)
        fields["starts_at"] = starts_at
        fields["ends_at"] = starts_at + timedelta(hours=when["hours"])
    elif when["commitment"] == Opportunity.Commitment.REGULAR:
        fields["hours_per_month"] = when["hours_per_month"]
        fields["weekdays"] = when["weekdays"]
    if spec.get("deadline") is not None:
        fields["signup_deadline"] = today + timedelta(days=spec["deadline"])
    for flag in spec.get("flags", []):
        fields[Opportunity.SUITABILITY_FIELDS[flag]] = True
    return fields


class _Loader:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.today = timezone.localdate()
        self.counts = {
            "topics": 0,
            "skills": 0,
            "projects": 0,
            "images": 0,
            "opportunities": 0,
        }

    def say(self, message: str):
        if self.stdout is not None:
            self.stdout.write(message)

    def run(self) -> dict:
        for name, slug, description in TOPICS:
            _obj, created = Topic.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
            self.counts["topics"] += created
        for name, slug in SKILLS:
            _obj, created = Skill.objects.get_or_create(slug=slug, defaults={"name": name})
            self.counts["skills"] += created
        self.topics = {t.slug: t for t in Topic.objects.filter(slug__in=[t[1] for t in TOPICS])}
        self.skills = {s.slug: s for s in Skill.objects.filter(slug__in=[s[1] for s in SKILLS])}
        self.quartiere = {q.slug: q for q in Quartier.objects.all()}
        for spec in PROJECTS:
            self.project(spec)
        for spec in DIRECT_OPPORTUNITIES:
            quartier = self.quartiere.get(spec["quartier"])
            if quartier is None:
                self.say(f"Skipped opportunity {spec['slug']}: no Quartier {spec['quartier']!r}.")
                continue
            self.opportunity(spec, quartier=quartier)
        return self.counts

    def project(self, spec: dict):
        quartier = self.quartiere.get(spec["quartier"])
        if quartier is None:
            self.say(f"Skipped project {spec['slug']}: no Quartier {spec['quartier']!r}.")
            return
        name, role, mailbox = spec["contact"]
        start = spec["start"]
        end = spec["end"]
        project, created = Project.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "quartier": quartier,
                "title": spec["title"],
                "teaser": spec["teaser"],
                "description": spec["description"],
                "status": spec["status"],
                "start_date": None if start is None else self.today + timedelta(days=start),
                "end_date": None if end is None else self.today + timedelta(days=end),
                "contact_name": name,
                "contact_role": role,
                "contact_email": f"{mailbox}@{MAIL_DOMAIN}",
                "easy_language": spec["easy_language"],
                "featured": spec["featured"],
                "publication": Publication.DRAFT if spec.get("draft") else Publication.PUBLISHED,
                # Published when it started, or a few days ago for ideas and plans.
                "publish_at": timezone.now() - timedelta(days=-start if start and start < 0 else 3),
            },
        )
        if created:
            self.counts["projects"] += 1
            project.topics.set([self.topics[slug] for slug in spec["topics"]])
            for position, (motif, seed, caption) in enumerate(spec["images"]):
                picture = ProjectImage(
                    project=project,
                    alt_text=pictures.MOTIF_ALT_TEXTS[motif],
                    caption=caption,
                    credit=CREDIT,
                    position=position,
                )
                picture.image.save(
                    f"{spec['slug']}-{position + 1}.jpg",
                    ContentFile(pictures.project_picture(motif, seed)),
                    save=True,
                )
                self.counts["images"] += 1
        for opportunity in spec["opportunities"]:
            self.opportunity(opportunity, project=project)

    def opportunity(self, spec: dict, project=None, quartier=None):
        defaults = _opportunity_fields(spec, self.today)
        defaults["project"] = project
        defaults["quartier"] = quartier if project is None else project.quartier
        opportunity, created = Opportunity.objects.get_or_create(
            slug=spec["slug"], defaults=defaults
        )
        if created:
            self.counts["opportunities"] += 1
            opportunity.skills.set([self.skills[slug] for slug in spec["skills"]])


@transaction.atomic
def load(stdout=None) -> dict:
    """Add the demo topics, skills, projects (with images) and opportunities.

    Returns how many of each were created; a second run returns zeros. Existing rows are
    never changed. Projects whose Quartier is missing are skipped with a note on `stdout`.
    """
    return _Loader(stdout).run()
