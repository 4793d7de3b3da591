"""Demo content of the partner network.

`load()` can run again at any time: rows are looked up by their address (slug) or name and
only created when missing, so edits made by staff survive. The content, and what is real and
what invented in it, is in demo/partner.toml. The bulk partners for performance work
(`load_demo --scale N`) are made by bench/scale_data.py.
"""

import io
import random
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from engagierte_stadt import demo as shared
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
        self.mail_domain = shared.data("site")["mail_domain"]
        self.created = {"partners": 0, "roles": 0, "supporters": 0, "cities": 0, "topics": 0}

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def run(self) -> dict:
        content = shared.data("partner")
        self.example_note = content["example_note"]
        # The town joined the network in July (see the demo article); its cooperation partners
        # are named from the start.
        self.since = date(
            timezone.localdate().year,
            content["cooperation_since_month"],
            content["cooperation_since_day"],
        )
        quartiere = {q.slug: q for q in Quartier.objects.all()}
        projects = {p.slug: p for p in Project.objects.all()}
        for n, spec in enumerate(content["partners"]):
            self.partner(spec, n, quartiere, projects)
        for position, spec in enumerate(content["supporters"]):
            _row, created = ProgrammeSupporter.objects.get_or_create(
                name=spec["name"],
                defaults={"website": spec.get("website", ""), "position": position},
            )
            self.created["supporters"] += created
        for spec in content["cities"]:
            _row, created = NetworkCity.objects.get_or_create(
                name=spec["name"],
                defaults={
                    "state": spec.get("state", ""),
                    "is_partner_city": spec["partner_city"],
                    "note": spec.get("note", content["city_note"]),
                },
            )
            self.created["cities"] += created
        for position, spec in enumerate(content["exchange_topics"]):
            _row, created = ExchangeTopic.objects.get_or_create(
                title=spec["title"],
                defaults={"description": spec["description"], "position": position},
            )
            self.created["topics"] += created
        return self.created

    def partner(self, spec: dict, n: int, quartiere: dict, projects: dict) -> None:
        if Partner.objects.filter(slug=spec["slug"]).exists():
            return
        description = spec["description"]
        if spec.get("example"):
            description += f"\n\n{self.example_note}"
        cooperation = spec.get("cooperation", False)
        partner = Partner(
            slug=spec["slug"],
            name=spec["name"],
            kind=PartnerKind(spec["kind"]),
            teaser=spec["teaser"],
            description=description,
            website=spec.get("website", ""),
            street=spec.get("street", ""),
            postcode=spec.get("postcode", ""),
            city=spec.get("city", ""),
            is_cooperation_partner=cooperation,
            cooperation_since=self.since if cooperation else None,
            is_published=True,
        )
        if "contact_name" in spec:
            partner.contact_name = spec["contact_name"]
            partner.contact_role = spec["contact_role"]
            partner.contact_email = f"{spec['contact_mailbox']}@{self.mail_domain}"
            partner.contact_phone = spec["contact_phone"]
            partner.show_contact_name = spec["show_contact_name"]
            partner.show_contact_email = spec["show_contact_email"]
            partner.show_contact_phone = spec["show_contact_phone"]
        if "logo_colour" in spec:
            partner.logo.save(
                f"{spec['slug']}.png",
                ContentFile(logo_png(spec["logo_colour"], spec["logo_shape"], seed=n)),
                save=False,
            )
        partner.full_clean()
        partner.save()
        self.created["partners"] += 1
        partner.quartiere.set([quartiere[s] for s in spec["quartiere"] if s in quartiere])
        for role in spec.get("roles", []):
            project = projects.get(role["project"])
            if project is None:
                self.say(f"Partner demo: project {role['project']} missing, role skipped.")
                continue
            ProjectPartner.objects.create(
                project=project, partner=partner, role=ProjectRole(role["role"])
            )
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
