"""Demo content of the partner network.

`load()` can run again at any time: rows are looked up by their address (slug) or name and
only created when missing, so edits made by staff survive. The bulk partners for
performance work (`load_demo --scale N`) are made by bench/scale_data.py.

The two cooperation partners are real organisations named in the founding article; they are
described cautiously in our own words, without logo, address or website, which the town
fills in with them. Every other association and business here is invented for the demo,
says so in its name, and uses example.org / hattingen.example addresses. The cities of the
network are public facts with neutral notes; the partner city is a marked placeholder.
"""

import io
import random
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from partner.models import (
    ExchangeTopic,
    NetworkCity,
    Partner,
    PartnerKind,
    ProgrammeSupporter,
    ProjectPartner,
    ProjectRole,
)
from quartiere.models import Project, Quartier

MAIL_DOMAIN = "hattingen.example"
EXAMPLE_NOTE = "\n\n*Dieser Eintrag ist ein erfundenes Beispiel für die Demo des Portals.*"


def _since() -> date:
    # The town joined the network in July (see the demo article); its cooperation partners
    # are named from the start.
    return date(timezone.localdate().year, 7, 1)


PARTNERS = [
    {
        "slug": "buergergesellschaft-blankenstein",
        "name": "Bürgergesellschaft Blankenstein e.V.",
        "kind": PartnerKind.ASSOCIATION,
        "teaser": "Bürgerverein im Stadtteil Blankenstein und Kooperationspartner der "
        "Engagierten Stadt Hattingen.",
        "description": "Die Bürgergesellschaft Blankenstein ist ein Verein von Bürgerinnen "
        "und Bürgern im Stadtteil Blankenstein. Als Kooperationspartner begleitet sie die "
        "Engagierte Stadt Hattingen von Anfang an.\n\n"
        "> Platzhalter: Die Beschreibung, Ansprechpersonen und das Logo stimmt die Redaktion "
        "mit dem Verein ab.",
        "quartiere": ["blankenstein"],
        "cooperation": True,
    },
    {
        "slug": "hwg-eg",
        "name": "hwg eG",
        "kind": PartnerKind.HOUSING,
        "teaser": "Wohnungsgenossenschaft in Hattingen und Kooperationspartner der "
        "Engagierten Stadt Hattingen.",
        "description": "Die hwg eG ist eine Wohnungsgenossenschaft in Hattingen. Als "
        "Kooperationspartner bringt sie die Sicht der Wohnungswirtschaft in die Engagierte "
        "Stadt ein – dort, wo Nachbarschaft jeden Tag stattfindet.\n\n"
        "> Platzhalter: Die Beschreibung, Ansprechpersonen und das Logo stimmt die Redaktion "
        "mit der Genossenschaft ab.",
        "quartiere": [],
        "cooperation": True,
    },
    {
        "slug": "lesefuechse-beispiel",
        "name": "Lesefüchse Hattingen e.V. (Beispiel)",
        "kind": PartnerKind.ASSOCIATION,
        "teaser": "Ein Verein, der Kindern mit Vorlesen und Lesepatenschaften Lust auf "
        "Bücher macht.",
        "description": "Die Lesefüchse bringen Kinder und Bücher zusammen: mit "
        "Lesepatenschaften in der Altstadt, Vorlesenachmittagen und einer kleinen "
        "Bücherkiste zum Tauschen." + EXAMPLE_NOTE,
        "quartiere": ["hattingen-mitte"],
        "contact": ("Lena Lesefuchs", "Vorsitzende", True, True, False),
        "logo": ("#2f6f4f", "wide"),
        "roles": [("lesepatinnen-in-der-altstadt", ProjectRole.RESPONSIBLE)],
    },
    {
        "slug": "repair-freunde-winz-baak-beispiel",
        "name": "Repair-Freunde Winz-Baak (Beispiel)",
        "kind": PartnerKind.INITIATIVE,
        "teaser": "Nachbarinnen und Nachbarn, die gemeinsam reparieren statt wegwerfen.",
        "description": "Einmal im Monat öffnet die Initiative ihre Werkbänke: Toaster, "
        "Fahrräder und Lieblingspullover bekommen eine zweite Chance." + EXAMPLE_NOTE,
        "quartiere": ["winz-baak"],
        "contact": ("Rainer Reparatur", "Sprecher", True, True, False),
        "logo": ("#b04a1a", "square"),
        "roles": [
            ("repair-cafe-winz-baak", ProjectRole.RESPONSIBLE),
            ("aufraeumtag-am-ruhrufer", ProjectRole.COOPERATION),
        ],
    },
    {
        "slug": "geschichtskreis-welper-beispiel",
        "name": "Geschichtskreis Welper (Beispiel)",
        "kind": PartnerKind.ASSOCIATION,
        "teaser": "Erinnerungen aus dem Stadtteil sammeln, erzählen und bewahren.",
        "description": "Der Geschichtskreis sammelt Fotos und Erzählungen aus Welper und "
        "lädt zum Erzählcafé ein." + EXAMPLE_NOTE,
        "quartiere": ["welper"],
        "logo": ("#4b3f8f", "wide"),
        "roles": [("erzaehlcafe-welper", ProjectRole.RESPONSIBLE)],
    },
    {
        "slug": "gartenfreunde-holthausen-beispiel",
        "name": "Gartenfreunde Holthausen (Beispiel)",
        "kind": PartnerKind.INITIATIVE,
        "teaser": "Eine Initiative für gemeinsames Gärtnern im Stadtteil.",
        "description": "Beete, Kompost und Saatgut teilen: Die Gartenfreunde kümmern sich um "
        "den Gemeinschaftsgarten in Holthausen." + EXAMPLE_NOTE,
        "quartiere": ["holthausen"],
        "roles": [("gemeinschaftsgarten-holthausen", ProjectRole.RESPONSIBLE)],
    },
    {
        "slug": "stiftung-ruhrtal-nachbarn-beispiel",
        "name": "Stiftung Ruhrtal-Nachbarn (Beispiel)",
        "kind": PartnerKind.FOUNDATION,
        "teaser": "Eine Stiftung, die kleine Nachbarschaftsprojekte mit Geld und Rat fördert.",
        "description": "Die Stiftung fördert Projekte, die Menschen im Quartier "
        "zusammenbringen – unbürokratisch und mit kleinen Beträgen." + EXAMPLE_NOTE,
        "quartiere": ["winz-baak", "welper", "hattingen-mitte"],
        "website": "https://stiftung-ruhrtal-nachbarn.example.org/",
        "logo": ("#0f4fb3", "wide"),
        "roles": [
            ("lesepatinnen-in-der-altstadt", ProjectRole.FUNDER),
            ("erzaehlcafe-welper", ProjectRole.FUNDER),
            ("repair-cafe-winz-baak", ProjectRole.FUNDER),
        ],
    },
    {
        "slug": "malerbetrieb-farbenfroh-beispiel",
        "name": "Malerbetrieb Farbenfroh GmbH (Beispiel)",
        "kind": PartnerKind.BUSINESS,
        "teaser": "Ein Handwerksbetrieb, dessen Team einen Freiwilligentag im Jahr einem "
        "Projekt schenkt.",
        "description": "Beim Freiwilligentag streicht das Team Spielgeräte, Zäune und "
        "Treffpunkte – Farbe und Pinsel bringt es mit." + EXAMPLE_NOTE,
        "quartiere": ["niederbonsfeld"],
        "website": "https://farbenfroh.example.org/",
        "contact": ("Mia Maler", "Inhaberin", True, True, True),
        "address": ("Musterstraße 1", "45525", "Hattingen"),
        "logo": ("#c0392b", "wide"),
        "roles": [("spielplatz-niederbonsfeld-neu-gestrichen", ProjectRole.SUPPORTER)],
    },
    {
        "slug": "baeckerei-ruhrkorn-beispiel",
        "name": "Bäckerei Ruhrkorn (Beispiel)",
        "kind": PartnerKind.BUSINESS,
        "teaser": "Eine Bäckerei, die Treffpunkte im Quartier mit Brot und Kuchen versorgt.",
        "description": "Was am Abend übrig bleibt, geht an das Sprachcafé und das "
        "Erzählcafé – eine Sachspende, die allen schmeckt." + EXAMPLE_NOTE,
        "quartiere": ["hattingen-mitte", "welper"],
        "website": "https://ruhrkorn.example.org/",
        "logo": ("#a0522d", "square"),
        "roles": [
            ("sprachcafe-altstadt", ProjectRole.SUPPORTER),
            ("erzaehlcafe-welper", ProjectRole.SUPPORTER),
        ],
    },
    {
        "slug": "webwerkstatt-hattingen-beispiel",
        "name": "Webwerkstatt Hattingen GmbH (Beispiel)",
        "kind": PartnerKind.BUSINESS,
        "teaser": "Eine Agentur, die Vereinen pro bono bei Website und Handzetteln hilft.",
        "description": "Zwei Stunden im Monat gehören den Vereinen: Das Team hilft bei "
        "Websites, Handzetteln und Fragen rund um den Computer." + EXAMPLE_NOTE,
        "quartiere": [],
        "website": "https://webwerkstatt.example.org/",
        "logo": ("#16685f", "tall"),
        "roles": [("repair-cafe-winz-baak", ProjectRole.SUPPORTER)],
    },
]

SUPPORTERS = [
    ("Bundesministerium für Familie, Senioren, Frauen und Jugend (BMFSFJ)", ""),
    ("Bertelsmann Stiftung", ""),
    ("Körber-Stiftung", ""),
    ("Robert Bosch Stiftung", ""),
    ("Breuninger Stiftung", ""),
    ("Joachim Herz Stiftung", ""),
    ("Deutscher Städtetag", ""),
    ("Bundesnetzwerk Bürgerschaftliches Engagement (BBE)", ""),
]

CITY_NOTE = "Engagierte Stadt im bundesweiten Netzwerk."
CITIES = [
    # (name, state, is_partner_city, note)
    (
        "Partnerstadt – noch offen",
        "",
        True,
        "Platzhalter: Hattingen möchte sich mit einer Partnerstadt aus dem Netzwerk "
        "austauschen. Sobald die Partnerschaft vereinbart ist, stellt sie sich hier vor.",
    ),
    ("Bielefeld", "Nordrhein-Westfalen", False, CITY_NOTE),
    ("Goch", "Nordrhein-Westfalen", False, CITY_NOTE),
    ("Herford", "Nordrhein-Westfalen", False, CITY_NOTE),
    ("Lüneburg", "Niedersachsen", False, CITY_NOTE),
    ("Würzburg", "Bayern", False, CITY_NOTE),
    ("Bitburg", "Rheinland-Pfalz", False, CITY_NOTE),
]

TOPICS = [
    (
        "Stadtteilkonferenzen in jedem Ortsteil",
        "Wie gelingt es, dass sich in jedem Stadtteil regelmäßig Menschen treffen, die ihr "
        "Quartier gestalten wollen?",
    ),
    (
        "Menschen erreichen, die helfen möchten",
        "Viele möchten sich einbringen, wissen aber nicht, wie. Welche Wege haben andere "
        "Städte gefunden?",
    ),
    (
        "Wirtschaft ins Netzwerk holen",
        "Freiwilligentage, Sachspenden, Fachwissen: Wie Unternehmen gute Partner für das "
        "Engagement vor Ort werden.",
    ),
    (
        "Engagement digital bündeln",
        "Ein Portal für Projekte, Termine und Partner – und was andere dabei gelernt haben.",
    ),
]


def logo_png(colour: str, shape: str, seed: int = 0) -> bytes:
    """A simple invented logo (no text, no fonts): coloured shapes on a transparent ground.

    `shape` "wide" (800 × 300), "square" (500 × 500) or "tall" (300 × 700), so the demo shows
    how logos of every proportion fit the same box.
    """
    sizes = {"wide": (800, 300), "square": (500, 500), "tall": (300, 700)}
    width, height = sizes[shape]
    rng = random.Random(seed)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    edge = min(width, height)
    draw.rounded_rectangle(
        [edge * 0.05, edge * 0.05, edge * 0.95, edge * 0.95], radius=edge // 6, fill=colour
    )
    draw.ellipse([edge * 0.3, edge * 0.3, edge * 0.7, edge * 0.7], fill="white")
    for n in range(3 if width != height else 0):  # bars beside or below, like a word mark
        if width > height:
            left = edge * 1.1
            top = height * (0.25 + 0.2 * n)
            right = width * rng.uniform(0.7, 0.95)
            draw.rectangle([left, top, right, top + height * 0.1], fill=colour)
        else:
            top = edge * 1.1 + n * height * 0.08
            draw.rectangle(
                [width * 0.1, top, width * rng.uniform(0.6, 0.9), top + height * 0.05],
                fill=colour,
            )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class _Loader:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.created = {"partners": 0, "roles": 0, "supporters": 0, "cities": 0, "topics": 0}

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def run(self) -> dict:
        quartiere = {q.slug: q for q in Quartier.objects.all()}
        projects = {p.slug: p for p in Project.objects.all()}
        for n, spec in enumerate(PARTNERS):
            self.partner(spec, n, quartiere, projects)
        for position, (name, website) in enumerate(SUPPORTERS):
            _row, created = ProgrammeSupporter.objects.get_or_create(
                name=name, defaults={"website": website, "position": position}
            )
            self.created["supporters"] += created
        for name, state, is_partner_city, note in CITIES:
            _row, created = NetworkCity.objects.get_or_create(
                name=name,
                defaults={"state": state, "is_partner_city": is_partner_city, "note": note},
            )
            self.created["cities"] += created
        for position, (title, description) in enumerate(TOPICS):
            _row, created = ExchangeTopic.objects.get_or_create(
                title=title, defaults={"description": description, "position": position}
            )
            self.created["topics"] += created
        return self.created

    def partner(self, spec: dict, n: int, quartiere: dict, projects: dict) -> None:
        if Partner.objects.filter(slug=spec["slug"]).exists():
            return
        contact = spec.get("contact")
        street, postcode, city = spec.get("address", ("", "", ""))
        partner = Partner(
            slug=spec["slug"],
            name=spec["name"],
            kind=spec["kind"],
            teaser=spec["teaser"],
            description=spec["description"],
            website=spec.get("website", ""),
            street=street,
            postcode=postcode,
            city=city,
            is_cooperation_partner=spec.get("cooperation", False),
            cooperation_since=_since() if spec.get("cooperation") else None,
            is_published=True,
        )
        if contact:
            name, role, show_name, show_email, show_phone = contact
            partner.contact_name = name
            partner.contact_role = role
            partner.contact_email = f"{spec['slug'].split('-')[0]}@{MAIL_DOMAIN}"
            partner.contact_phone = "02324 000000"
            partner.show_contact_name = show_name
            partner.show_contact_email = show_email
            partner.show_contact_phone = show_phone
        if spec.get("logo"):
            colour, shape = spec["logo"]
            partner.logo.save(
                f"{spec['slug']}.png", ContentFile(logo_png(colour, shape, seed=n)), save=False
            )
        partner.full_clean()
        partner.save()
        self.created["partners"] += 1
        partner.quartiere.set([quartiere[s] for s in spec["quartiere"] if s in quartiere])
        for project_slug, role in spec.get("roles", []):
            project = projects.get(project_slug)
            if project is None:
                self.say(f"Partner demo: project {project_slug} missing, role skipped.")
                continue
            ProjectPartner.objects.create(project=project, partner=partner, role=role)
            self.created["roles"] += 1


@transaction.atomic
def load(stdout=None) -> dict:
    """Add the demo partners (with roles in the demo projects), the programme's supporters,
    cities of the network and topics of exchange. Returns how many of each were created; a
    second run returns zeros."""
    created = _Loader(stdout).run()
    if stdout is not None:
        stdout.write(
            f"Partner demo: {Partner.objects.count()} partners ({created['partners']} new), "
            f"{created['roles']} new roles in projects, {created['supporters']} new supporters, "
            f"{created['cities']} new cities, {created['topics']} new topics."
        )
    return created


def bulk(scale: int, stdout=None, seed: int = 0, unit: int | None = None) -> dict:
    """Bulk partners for performance work: kept here for existing callers, the code and its
    description are in bench/scale_data.py (`partners()`)."""
    from bench import scale_data

    return scale_data.partners(scale, stdout=stdout, seed=seed, unit=unit)
