"""The alerts' cells of the permission matrix
(tests/partners/test_partners_permissions.py): each returns whether the
person could do it, through the route they would use."""

from django.urls import reverse
from wagtail.models import Site

from alerts.models import NetworkSubscription


def alerts_admin(world, role, client) -> bool:
    """See the alerts' admin listing (counts, addresses, erasure)."""
    return client.get(reverse("alerts_admin")).status_code == 200


def invite_network(world, role, client) -> bool:
    """Invite a network's members' published contacts in bulk."""
    from directory.factories import ActorContactFactory, ActorPageFactory, NetworkFactory
    from directory.models import ActorContact, DirectoryIndexPage
    from network_minutes.factories import NetworkPageFactory, NetworksIndexPageFactory
    from network_minutes.models import NetworksIndexPage

    home = Site.objects.get(is_default_site=True).root_page.specific
    directory_network = NetworkFactory(name=f"Réseau matrice {role}")
    index = NetworksIndexPage.objects.child_of(home).first() or NetworksIndexPageFactory(
        parent=home, slug="reseaux-matrice"
    )
    network = NetworkPageFactory(
        parent=index, title=f"Réseau matrice {role}", network=directory_network
    )
    network.save_revision().publish()
    directory = DirectoryIndexPage.objects.child_of(home).first()
    member = ActorPageFactory(parent=directory, title=f"Membre matrice {role}")
    member.networks.add(directory_network)
    member.save_revision().publish()
    email = f"elu.matrice.{role}@example.org"
    ActorContactFactory(actor=member, role=ActorContact.ELECTED, email=email)
    client.post(reverse("alerts_network_invite", args=[network.pk]), {"confirm": "1"})
    return NetworkSubscription.objects.filter(email=email, network=network).exists()
