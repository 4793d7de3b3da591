"""Load the Hattingen demo content. Safe to run again: existing rows are left as they are."""

import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from engagierte_stadt import demo
from engagierte_stadt.models import AccessibilityStatement, Article, Page, SiteSettings
from konferenzen import demo as konferenzen_demo
from partner import demo as partner_demo
from quartiere import demo as quartiere_demo
from quartiere.models import Opportunity, Project, Quartier

STADTTEILE = [
    (
        "Hattingen-Mitte",
        "hattingen-mitte",
        "Die Altstadt mit Fachwerkhäusern, Rathaus und Einkaufsstraßen – das Zentrum der Stadt.",
    ),
    ("Winz-Baak", "winz-baak", "Wohnstadtteil an der Ruhr zwischen Innenstadt und Welper."),
    (
        "Welper",
        "welper",
        "Früher von der Henrichshütte geprägt, heute ein lebendiger Wohnstadtteil.",
    ),
    ("Niederwenigern", "niederwenigern", "Dörflich geprägter Stadtteil nördlich der Ruhr."),
    ("Holthausen", "holthausen", "Stadtteil mit viel Grün im Nordwesten Hattingens."),
    ("Bredenscheid-Stüter", "bredenscheid-stueter", "Ländlicher Stadtteil im Süden der Stadt."),
    ("Blankenstein", "blankenstein", "Historischer Burgort hoch über dem Ruhrtal."),
    ("Niederbonsfeld", "niederbonsfeld", "Kleiner Stadtteil im Nordwesten an der Ruhr."),
    ("Oberelfringhausen", "oberelfringhausen", "Höfe und Weiden im Elfringhauser Hügelland."),
    ("Oberstüter", "oberstueter", "Ländlicher Stadtteil im Süden, Nachbar von Bredenscheid."),
    (
        "Niederelfringhausen",
        "niederelfringhausen",
        "Ländlicher Stadtteil im Elfringhauser Hügelland.",
    ),
]

PLACEHOLDER = (
    "> **Platzhalter:** Diesen Text muss die Stadt vor dem Start des Portals ersetzen. "
    "Er wird im Verwaltungsbereich unter *Seiten* bearbeitet.\n\n"
)

PAGES = {
    Page.Slug.IMPRESSUM: (
        "Impressum",
        "Angaben nach § 5 Digitale-Dienste-Gesetz (DDG).",
        PLACEHOLDER + "Hier trägt die Stadt ein:\n\n"
        "- den vollständigen Namen der Stadtverwaltung und ihre Anschrift,\n"
        "- wer die Stadt vertritt (Bürgermeisterin oder Bürgermeister),\n"
        "- Telefon und E-Mail-Adresse für eine schnelle Kontaktaufnahme,\n"
        "- die Umsatzsteuer-Identifikationsnummer, falls vorhanden,\n"
        "- die für den Inhalt verantwortliche Person (§ 18 Abs. 2 MStV) mit Anschrift,\n"
        "- die zuständige Aufsichtsbehörde.\n",
    ),
    Page.Slug.DATENSCHUTZ: (
        "Datenschutzerklärung",
        "Wie wir mit Ihren Daten umgehen – Informationen nach Art. 13 DSGVO.",
        PLACEHOLDER + "Hier trägt die Stadt ein:\n\n"
        "- den Namen und die Kontaktdaten der Verantwortlichen (Stadtverwaltung),\n"
        "- die Kontaktdaten der oder des behördlichen Datenschutzbeauftragten,\n"
        "- Zwecke und Rechtsgrundlagen: Anmeldungen zu Mitmach-Angeboten und Konferenzen "
        "(Einwilligung, Art. 6 Abs. 1 lit. a DSGVO), Rückmeldungen zur Barrierefreiheit,\n"
        "- die Speicherdauer (Anmeldedaten werden eine einstellbare Zeit nach dem Ende "
        "des Angebots automatisch gelöscht, Voreinstellung 180 Tage),\n"
        "- die Rechte der Betroffenen (Auskunft, Berichtigung, Löschung, Einschränkung, "
        "Widerspruch, Widerruf der Einwilligung, Beschwerde bei der "
        "Landesbeauftragten für Datenschutz und Informationsfreiheit NRW).\n\n"
        "Was das Portal technisch tut: Es setzt keine Cookies zur Analyse und lädt nichts "
        "von fremden Servern. Nur auf Seiten mit einem Formular setzt es ein technisch "
        "notwendiges Sicherheits-Cookie (CSRF-Schutz).\n",
    ),
    Page.Slug.BARRIEREFREIHEIT: (
        "Erklärung zur Barrierefreiheit",
        "Die Stadt ist bemüht, dieses Portal im Einklang mit der Barrierefreie-"
        "Informationstechnik-Verordnung NRW (BITV NRW) barrierefrei zugänglich zu machen.",
        "Diese Erklärung gilt für das Portal der Engagierten Stadt.\n",
    ),
    Page.Slug.LEICHTE_SPRACHE: (
        "Leichte Sprache",
        "Hier erklären wir das Portal in Leichter Sprache.",
        PLACEHOLDER + "Auf dieser Seite steht bald ein Text in Leichter Sprache. "
        "Die Stadt lässt ihn schreiben und prüfen. Der Text erklärt:\n\n"
        "- Was ist die Engagierte Stadt?\n"
        "- Was steht auf dieser Internet-Seite?\n"
        "- Wie kann ich mitmachen?\n"
        "- Wen kann ich fragen?\n",
    ),
    Page.Slug.GEBAERDENSPRACHE: (
        "Gebärdensprache",
        "Informationen zu diesem Portal in Deutscher Gebärdensprache.",
        PLACEHOLDER + "Hier bindet die Stadt Videos in Deutscher Gebärdensprache (DGS) ein. "
        "Die Videos liegen auf dem Server der Stadt, nicht bei einer Videoplattform. "
        "Sie erklären den Inhalt des Portals, die Barrierefreiheit und wie man mitmachen kann.\n",
    ),
    Page.Slug.UEBER: (
        "Über das Programm „Engagierte Stadt“",
        "Ein bundesweites Netzwerk von Städten und Gemeinden, die bürgerschaftliches "
        "Engagement vor Ort stärken.",
        "Das Programm „Engagierte Stadt“ verbindet Städte und Gemeinden in ganz Deutschland, "
        "die Engagement langfristig fördern wollen. Getragen wird es vom "
        "Bundesministerium für Familie, Senioren, Frauen und Jugend gemeinsam mit der "
        "Bertelsmann Stiftung, der Körber-Stiftung, der Robert Bosch Stiftung, der "
        "Breuninger Stiftung und der Joachim Herz Stiftung, dem Deutschen Städtetag und dem "
        "Bundesnetzwerk Bürgerschaftliches Engagement (BBE).\n\n"
        "## Was Hattingen vorhat\n\n"
        "- Stadtteilkonferenzen in **jedem** Ortsteil, nicht nur in einigen,\n"
        "- die Projekte der Quartiere gebündelt in diesem Portal,\n"
        "- Menschen erreichen, die helfen möchten, aber nicht wissen wie,\n"
        "- die Wirtschaft für das Netzwerk gewinnen,\n"
        "- Austausch mit einer Partnerstadt aus dem Netzwerk.\n",
    ),
    Page.Slug.KONTAKT: (
        "Kontakt",
        "So erreichen Sie das Team der Engagierten Stadt.",
        "Sie haben eine Frage, eine Idee für Ihr Quartier oder möchten mitmachen? "
        "Schreiben Sie uns oder rufen Sie an.\n",
    ),
}

ARTICLE_BODY = """Hattingen gehört jetzt zum bundesweiten Netzwerk „Engagierte Stadt“. Seit Juli
ist die Stadt Teil eines Programms, in dem Städte und Gemeinden voneinander lernen, wie
sich bürgerschaftliches Engagement dauerhaft stärken lässt.

## Was sich ändern soll

Viele Menschen in Hattingen möchten sich einbringen, wissen aber nicht, wo sie anfangen
sollen. Dieses Portal bündelt deshalb die Projekte aus den Quartieren, die Termine der
Stadtteilkonferenzen und die Vereine, Initiativen und Unternehmen, die mitmachen.

Ein Ziel ist ehrgeizig: In **jedem** Ortsteil soll es eine Stadtteilkonferenz geben. Heute
treffen sich solche Runden erst in einigen Stadtteilen.

## Mit starken Partnern

Kooperationspartner vor Ort sind die Bürgergesellschaft Blankenstein e.V. und die
Wohnungsgenossenschaft hwg eG. Als Nächstes möchte die Stadt auch Unternehmen für das
Netzwerk gewinnen und sich mit einer Partnerstadt austauschen.

Sie möchten mitmachen? Schauen Sie in Ihr Quartier oder melden Sie sich bei uns.
"""


class Command(BaseCommand):
    help = (
        "Load the Hattingen demo content (districts, projects, opportunities, conferences, "
        "partners, pages, first news, a staff account). With --scale N, add the bulk data of "
        "bench/scale_data.py for performance work: N × 1000 projects, N × 3000 "
        "opportunities, N × 2000 meetings, N × 250 partners."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="Also create N units of bulk data (one unit: 1000 projects, 3000 opportunities).",
        )
        parser.add_argument(
            "--scale-unit",
            type=int,
            default=None,
            metavar="PROJECTS",
            help="Projects per unit of --scale (default 1000); opportunities are 3×.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        scale, unit = options["scale"], options["scale_unit"]
        if scale < 0 or (unit is not None and unit < 1):
            raise CommandError("--scale must be 0 or more and --scale-unit at least 1.")
        self.site_settings()
        self.statement()
        created_quartiere = self.quartiere()
        created = quartiere_demo.load(stdout=self.stdout)
        created_pages = self.pages()
        created_articles = self.articles()
        konferenzen_demo.load(stdout=self.stdout)
        partner_demo.load(stdout=self.stdout)
        self.stdout.write(
            f"Demo content ready: {Quartier.objects.count()} Stadtteile/Quartiere "
            f"({created_quartiere} new), {Project.objects.count()} projects "
            f"({created['projects']} new, {created['images']} new images), "
            f"{Opportunity.objects.count()} opportunities ({created['opportunities']} new), "
            f"{created['topics']} new topics, {created['skills']} new skills, "
            f"{Page.objects.count()} pages ({created_pages} new), "
            f"{Article.objects.count()} articles ({created_articles} new)."
        )
        if scale:
            # Imported only here: the demo itself needs none of the benchmark code.
            from bench import scale_data

            scale_data.load(scale, unit=unit, stdout=self.stdout)
        self.staff_account()

    def site_settings(self):
        site = SiteSettings.load()
        if not site.intro:
            site.intro = (
                "Hier finden Sie, was in Ihrem Stadtteil passiert: Projekte in den Quartieren, "
                "Termine der Stadtteilkonferenzen und Vereine, die Unterstützung suchen. "
                "Und Sie finden heraus, wie Sie selbst mitmachen können – ohne Anmeldung "
                "und ohne Vorkenntnisse."
            )
            site.tagline = "Gemeinsam für unsere Quartiere"
            site.programme_text = (
                "Hattingen ist Teil des bundesweiten Netzwerks „Engagierte Stadt“. "
                "Gemeinsam mit Vereinen, Initiativen, der Wohnungswirtschaft und "
                "Unternehmen stärkt die Stadt das Engagement in allen Stadtteilen."
            )
            site.contact_organisation = "Stadt Hattingen – Engagierte Stadt (Platzhalter)"
            site.contact_name = "Ansprechperson bitte eintragen"
            site.contact_address = "Rathausplatz 1\n45525 Hattingen"
            site.contact_email = "engagement@hattingen.example"
            site.contact_phone = "02324 000000"
            site.logo_alt = "Logo Engagierte Stadt Hattingen"
            if not site.logo:
                site.logo.save("logo-engagierte-stadt.png", demo.logo(), save=False)
            site.save()

    def statement(self):
        statement = AccessibilityStatement.load()
        if not statement.enforcement:
            statement.known_gaps = (
                "- Die Seiten in Leichter Sprache und in Gebärdensprache sind noch nicht fertig.\n"
                "- Hochgeladene PDF-Dateien (zum Beispiel Protokolle) sind nicht immer "
                "barrierefrei.\n"
            )
            statement.method = (
                "Die Erklärung beruht auf einer Selbstbewertung: automatische Prüfungen mit "
                "axe-core bei jeder Änderung und Prüfungen von Hand mit Tastatur und "
                "Bildschirmleser."
            )
            statement.enforcement = (
                "Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, "
                "können Sie sich an die **Ombudsstelle für barrierefreie "
                "Informationstechnik** des Landes Nordrhein-Westfalen wenden. Sie ist bei "
                "der oder dem Beauftragten der Landesregierung für Menschen mit Behinderung "
                "sowie für Patientinnen und Patienten in NRW angesiedelt.\n\n"
                "> Platzhalter: Anschrift, Telefon und E-Mail der Ombudsstelle trägt die "
                "Stadt aus der aktuellen Veröffentlichung des Landes ein."
            )
            statement.save()

    def quartiere(self) -> int:
        created = 0
        for name, slug, teaser in STADTTEILE:
            _obj, was_created = Quartier.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "kind": Quartier.Kind.DISTRICT, "teaser": teaser},
            )
            created += was_created
        _obj, was_created = Quartier.objects.get_or_create(
            slug="rauendahl",
            defaults={
                "name": "Rauendahl",
                "kind": Quartier.Kind.NEIGHBOURHOOD,
                "parent": Quartier.objects.get(slug="hattingen-mitte"),
                "teaser": "Wohnquartier mit eigener Quartiersentwicklung.",
                "description": (
                    "Im Rauendahl begleitet die **Quartiersentwicklung im Rauendahl** "
                    "Nachbarschaftsprojekte, Treffpunkte und Ideen der Menschen, die hier "
                    "wohnen."
                ),
                "contact_name": "Quartiersbüro Rauendahl (Platzhalter)",
                "contact_role": "Quartiersentwicklung",
                "contact_email": "rauendahl@hattingen.example",
            },
        )
        return created + was_created

    def pages(self) -> int:
        created = 0
        for slug, (title, lead, body) in PAGES.items():
            _page, was_created = Page.objects.get_or_create(
                slug=slug, defaults={"title": title, "lead": lead, "body": body}
            )
            created += was_created
        return created

    def articles(self) -> int:
        slug = "hattingen-ist-engagierte-stadt"
        if Article.objects.filter(slug=slug).exists():
            return 0
        article = Article(
            slug=slug,
            title="Hattingen ist jetzt „Engagierte Stadt“",
            teaser=(
                "Die Stadt ist dem bundesweiten Netzwerk beigetreten. Ein neues Portal bündelt "
                "Projekte, Stadtteilkonferenzen und Partner – und zeigt, wie man mitmachen kann."
            ),
            body=ARTICLE_BODY,
            photo_alt=(
                "Gezeichnete Häuserzeile mit Fachwerkhäusern vor grünen Hügeln im Abendlicht"
            ),
            photo_caption="Fachwerk, Hügel, Ruhrtal: Engagement gibt es in jedem Stadtteil.",
            photo_credit="Grafik: Stadt Hattingen",
            status=Article.Status.PUBLISHED,
            publish_at=timezone.make_aware(datetime(timezone.now().year, 7, 15, 10, 0)),
        )
        article.photo.save(f"{slug}.jpg", demo.townscape(seed=2026), save=False)
        article.full_clean()
        article.save()
        return 1

    def staff_account(self):
        User = get_user_model()
        group, _created = Group.objects.get_or_create(name="Redaktion")
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=[
                    "engagierte_stadt",
                    "quartiere",
                    "konferenzen",
                    "partner",
                ]
            )
        )
        if User.objects.filter(username="redaktion").exists():
            self.stdout.write(
                "Staff account 'redaktion' exists already; its password is not shown again. "
                "Set a new one with: python manage.py changepassword redaktion"
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username="redaktion", password=password, is_staff=True, first_name="Redaktion"
        )
        user.groups.add(group)
        self.stdout.write(
            self.style.WARNING(
                "Demo staff account created – this password is shown only once:\n"
                f"  user: redaktion\n  password: {password}\n  admin: /admin/"
            )
        )
