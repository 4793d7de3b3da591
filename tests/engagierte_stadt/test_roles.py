"""The staff roles are data: `setup_roles` creates them, Administration edits them."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from engagierte_stadt import roles


def setup(*args) -> str:
    out = io.StringIO()
    call_command("setup_roles", *args, stdout=out)
    return out.getvalue()


def codenames(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_setup_roles_creates_the_three_roles(db):
    output = setup()
    assert {g.name for g in Group.objects.all()} >= {
        "Redaktion",
        "Quartiersentwicklung",
        "Administration",
    }
    assert "Role Redaktion: created" in output


def test_setup_roles_twice_changes_nothing(db):
    setup()
    before = {name: codenames(name) for name in roles.ROLES}
    output = setup()
    assert {name: codenames(name) for name in roles.ROLES} == before
    assert "Role Redaktion: kept" in output


def test_redaktion_gets_public_content_of_all_quartiere_and_no_personal_data(db):
    setup()
    granted = codenames("Redaktion")
    assert {"quartiere.change_project", "konferenzen.change_meeting", "partner.change_partner"} <= (
        granted
    )
    assert "quartiere.work_in_all_quartiere" in granted
    for label in roles.personal_data_models():
        app_label, model = label.split(".")
        assert not any(
            code.startswith(app_label) and code.endswith(f"_{model}") for code in granted
        )
    assert "quartiere.view_signup" not in granted
    assert "partner.view_partnerapplication" not in granted
    assert "engagierte_stadt.view_accessibilityfeedback" not in granted
    assert "engagierte_stadt.change_sitesettings" not in granted


def test_every_model_with_personal_data_is_known_as_such(db):
    assert set(roles.personal_data_models()) >= {
        "quartiere.signup",
        "konferenzen.registration",
        "konferenzen.conferencewish",
        "partner.partnerapplication",
        "engagierte_stadt.accessibilityfeedback",
    }


def test_quartiersentwicklung_works_on_sign_ups_but_not_on_all_quartiere(db):
    setup()
    granted = codenames("Quartiersentwicklung")
    assert {"quartiere.view_signup", "konferenzen.view_registration"} <= granted
    assert "quartiere.add_quartierassignment" in granted  # Vertretung
    assert "quartiere.change_quartierassignment" not in granted
    assert "quartiere.work_in_all_quartiere" not in granted


def test_administration_manages_users_and_settings_but_no_content(db):
    setup()
    granted = codenames("Administration")
    assert {"auth.change_user", "auth.change_group", "engagierte_stadt.change_sitesettings"} <= (
        granted
    )
    # Which account works for which partner organisation is account management, not content.
    accounts = {f"partner.{action}_partnerassignment" for action in roles.ALL}
    assert accounts <= granted
    assert not any(code.startswith(("konferenzen.", "partner.")) for code in granted - accounts)
    assert "quartiere.view_signup" not in granted


def test_a_role_edited_in_the_admin_keeps_its_edit_unless_reset(db):
    setup()
    redaktion = Group.objects.get(name="Redaktion")
    redaktion.permissions.remove(Permission.objects.get(codename="delete_project"))
    setup()
    assert "quartiere.delete_project" not in codenames("Redaktion")
    assert "Role Redaktion: reset" in setup("--reset")
    assert "quartiere.delete_project" in codenames("Redaktion")


@pytest.mark.parametrize("name", list(roles.ROLES))
def test_each_role_can_be_edited_in_the_admin(admin_client, name):
    setup()
    group = Group.objects.get(name=name)
    assert admin_client.get(f"/admin/auth/group/{group.pk}/change/").status_code == 200
