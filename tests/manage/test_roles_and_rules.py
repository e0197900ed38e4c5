"""The lieu's rules read as what they do, and the members list offers no change the server
would refuse (a lieu always keeps a co-manager)."""

import html
import re

from tests.people import LIEU_A, LIEU_B, add_member, sign_in


def explanations(page: str) -> dict[str, str]:
    return {
        value: " ".join(html.unescape(text).split())
        for value, text in re.findall(
            r'<p class="hint governance-hint" id="governance-([\w-]+)">(.*?)</p>', page, re.S
        )
    }


def test_each_governance_choice_has_its_own_accurate_explanation(client, seeded_path):
    sign_in(client, seeded_path, add_member(seeded_path, "Co", {LIEU_A: "co-manager"}))
    page = client.get(f"/manage/{LIEU_A}/settings").text
    found = explanations(page)
    assert set(found) == {"coordinated", "co-managed", "self-managed"}
    assert len(set(found.values())) == 3
    # coordinated and co-managed decide alike (one co-manager), and the page says so.
    assert "qu'un·e co-gestionnaire l'accepte ou la refuse" in found["coordinated"]
    assert "rien ne change par rapport à « coordonné »" in found["co-managed"]
    assert "Participant·es et professionnel·les" in found["co-managed"]
    assert "nombre de soutiens" in found["self-managed"]
    # Each radio is described by its own explanation.
    for value in found:
        assert re.search(rf'value="{value}" aria-describedby="governance-{value}"', page)


def member_forms(page: str) -> dict[str, list[str]]:
    """Each member row of the dashboard: the roles its buttons offer ("remove" behind its
    confirmation)."""
    section = page.split('id="members-title"', 1)[1].split("</section>", 1)[0]
    rows = {}
    for item in re.findall(r'<li id="member-\d+" tabindex="-1">(.*?)</li>', section, re.S):
        name = item.split(" — ", 1)[0].strip()
        rows[name] = re.findall(r'name="role" value="([\w-]+)"', item)
    return rows


def test_the_only_co_manager_is_not_offered_to_step_down(client, seeded_path):
    me = add_member(seeded_path, "Claire", {LIEU_B: "co-manager"})
    add_member(seeded_path, "Malik", {LIEU_B: "member"})
    sign_in(client, seeded_path, me)
    page = client.get(f"/manage/{LIEU_B}").text
    assert member_forms(page) == {"Claire": [], "Malik": ["co-manager", "remove"]}
    plain = " ".join(html.unescape(page).split())
    assert "Vous êtes la seule personne co-gestionnaire" in plain
    assert f'href="/manage/{LIEU_B}/invites"' in page


def test_with_two_co_managers_both_may_step_down(client, seeded_path):
    me = add_member(seeded_path, "Claire", {LIEU_B: "co-manager"})
    add_member(seeded_path, "Zoé", {LIEU_B: "co-manager"})
    sign_in(client, seeded_path, me)
    page = client.get(f"/manage/{LIEU_B}").text
    assert member_forms(page) == {"Claire": ["member", "remove"], "Zoé": ["member", "remove"]}
    assert "seule personne co-gestionnaire" not in page


def test_an_admin_sees_why_the_only_co_manager_has_no_buttons(client, seeded_path):
    add_member(seeded_path, "Claire", {LIEU_B: "co-manager"})
    sign_in(client, seeded_path, add_member(seeded_path, "Admin", admin=True))
    page = client.get(f"/manage/{LIEU_B}").text
    assert member_forms(page) == {"Claire": []}
    assert "Seule personne co-gestionnaire : pour changer son rôle" in html.unescape(page)
