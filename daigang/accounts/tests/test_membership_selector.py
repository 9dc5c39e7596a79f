"""The one membership check (accounts.selectors.membership_get / membership_has /
organisation_for_member) against the one role table (accounts.roles)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from daigang.accounts.models import Membership
from daigang.accounts.roles import ROLES_WITH, Power
from daigang.accounts.selectors import (
    members_with,
    membership_get,
    membership_has,
    organisation_for_member,
)
from daigang.accounts.testing import moderator_make, organisation_registered_make, user_make

pytestmark = pytest.mark.django_db
Role = Membership.Role


def _member(organisation, role):
    user = user_make()
    Membership.objects.create(organisation=organisation, user=user, role=role)
    return user


def test_a_member_whose_role_has_the_power_gets_their_membership_and_organisation():
    # given
    organisation = organisation_registered_make()
    hr = _member(organisation, Role.HR)
    # when
    membership = membership_get(user=hr, organisation_id=organisation.pk, power=Power.APPLICATIONS)
    found = organisation_for_member(
        user=hr, organisation_id=organisation.pk, power=Power.APPLICATIONS
    )
    # then
    assert membership is not None and membership.role == Role.HR
    assert found == organisation
    assert membership_has(user=hr, organisation_id=organisation.pk, power=Power.APPLICATIONS)


def test_a_member_whose_role_lacks_the_power_is_an_outsider_for_it():
    # given an anchor: they may schedule rooms but not see applications
    organisation = organisation_registered_make()
    anchor = _member(organisation, Role.ANCHOR)
    # when / then
    assert membership_has(user=anchor, organisation_id=organisation.pk, power=Power.ROOMS_SCHEDULE)
    assert (
        membership_get(user=anchor, organisation_id=organisation.pk, power=Power.APPLICATIONS)
        is None
    )
    assert not membership_has(
        user=anchor, organisation_id=organisation.pk, power=Power.APPLICATIONS
    )
    with pytest.raises(Http404):
        organisation_for_member(
            user=anchor, organisation_id=organisation.pk, power=Power.APPLICATIONS
        )


@pytest.mark.parametrize("who", ["non_member", "anonymous", "nobody"])
def test_non_members_and_anonymous_visitors_have_no_power(who):
    # given
    organisation = organisation_registered_make()
    user = {"non_member": user_make(), "anonymous": AnonymousUser(), "nobody": None}[who]
    # when / then
    for power in Power:
        assert membership_get(user=user, organisation_id=organisation.pk, power=power) is None
        assert not membership_has(user=user, organisation_id=organisation.pk, power=power)
        with pytest.raises(Http404):
            organisation_for_member(user=user, organisation_id=organisation.pk, power=power)


def test_a_moderator_may_see_licence_documents_and_moderate_chat_and_nothing_else():
    # given a moderator, member of no organisation
    organisation = organisation_registered_make()
    moderator = moderator_make()
    # when / then
    assert membership_has(
        user=moderator, organisation_id=organisation.pk, power=Power.DOCUMENTS_SEE
    )
    assert (
        organisation_for_member(
            user=moderator, organisation_id=organisation.pk, power=Power.DOCUMENTS_SEE
        )
        == organisation
    )
    assert membership_has(
        user=moderator, organisation_id=organisation.pk, power=Power.CHAT_MODERATE
    )
    for power in set(Power) - {Power.DOCUMENTS_SEE, Power.CHAT_MODERATE}:
        assert not membership_has(user=moderator, organisation_id=organisation.pk, power=power)


def test_an_inactive_moderator_is_no_moderator():
    organisation = organisation_registered_make()
    moderator = moderator_make()
    moderator.is_active = False
    moderator.save()

    assert not membership_has(
        user=moderator, organisation_id=organisation.pk, power=Power.DOCUMENTS_SEE
    )


def test_a_changed_role_counts_from_the_next_check_on():
    # given an HR member who could see applications
    organisation = organisation_registered_make()
    hr = _member(organisation, Role.HR)
    assert membership_has(user=hr, organisation_id=organisation.pk, power=Power.APPLICATIONS)
    # when the owner makes them an anchor (no cached role survives)
    Membership.objects.filter(user=hr).update(role=Role.ANCHOR)
    # then
    assert not membership_has(user=hr, organisation_id=organisation.pk, power=Power.APPLICATIONS)


def test_members_with_checks_several_users_at_once_with_the_same_table():
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    hr = _member(organisation, Role.HR)
    anchor = _member(organisation, Role.ANCHOR)
    outsider = user_make()
    ids = [owner.pk, hr.pk, anchor.pk, outsider.pk]

    assert members_with(
        organisation_id=organisation.pk, user_ids=ids, power=Power.APPLICATIONS
    ) == {
        owner.pk,
        hr.pk,
    }
    assert members_with(
        organisation_id=organisation.pk, user_ids=ids, power=Power.ORGANISATION_SEE
    ) == {owner.pk, hr.pk, anchor.pk}


@pytest.mark.parametrize("power", list(Power))
def test_each_role_has_exactly_the_powers_of_the_table(power):
    # given one member of each role
    organisation = organisation_registered_make()
    users = {
        Role.OWNER: organisation.memberships.get().user,
        Role.HR: _member(organisation, Role.HR),
        Role.ANCHOR: _member(organisation, Role.ANCHOR),
    }
    # when / then
    for role, user in users.items():
        expected = role in ROLES_WITH[power]
        assert membership_has(user=user, organisation_id=organisation.pk, power=power) == expected


def test_the_readme_table_says_what_the_code_does():
    # given the "Who may do what" table in README.md
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Who may do what", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows[cells[0].strip("`")] = cells
    # then every power has a row whose ticks match ROLES_WITH (columns: owner, HR, anchor,
    # operator, matchmaker, viewer)
    assert set(rows) == {power.value for power in Power}
    columns = (Role.OWNER, Role.HR, Role.ANCHOR, Role.OPERATOR, Role.MATCHMAKER, Role.VIEWER)
    for power in Power:
        ticks = rows[power.value][2:8]
        assert [tick == "✓" for tick in ticks] == [role in ROLES_WITH[power] for role in columns], (
            power
        )
