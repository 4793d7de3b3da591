"""Districts (Stadtteile) and neighbourhoods (Quartiere) of the town."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class QuartierQuerySet(models.QuerySet):
    def districts(self):
        return self.filter(kind=Quartier.Kind.DISTRICT)

    def with_parent(self):
        return self.select_related("parent")


class Quartier(models.Model):
    """A Stadtteil (district) or a Quartier (neighbourhood), optionally inside another."""

    class Kind(models.TextChoices):
        DISTRICT = "stadtteil", _("district")
        NEIGHBOURHOOD = "quartier", _("neighbourhood")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("address"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DISTRICT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    teaser = models.CharField(_("teaser"), max_length=300, blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown is allowed.")
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_role = models.CharField(_("contact role"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)

    objects = QuartierQuerySet.as_manager()

    class Meta:
        verbose_name = _("district or neighbourhood")
        verbose_name_plural = _("districts and neighbourhoods")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("quartiere:detail", kwargs={"slug": self.slug})

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A district cannot lie inside itself.")})
            ancestor = ancestor.parent

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_email or self.contact_phone)
