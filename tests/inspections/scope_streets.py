"""Two streets with places of every kind and a helper for users of any role: for the scope tests.

Not a test module; the fixture built on it, `scopes_world`, is in conftest.py."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from inspections.models import Office, Place, Profile, PropertyCompany, Street

User = get_user_model()


def make_scope_streets() -> dict:
    """Street S: communities A and B. A has compounds A1 (company X; stations A1-1, A1-2 retired),
    A2 (company Y; A2-1) and unit AU (office O1; station AU-1); B has compound B1 (company X; B1-1)
    and unit BU (office O2). Street T: community C with compound C1 (company Z)."""
    s = Street.objects.create(code="S", name="S街道")
    t = Street.objects.create(code="T", name="T街道")
    o1 = Office.objects.create(street=s, code="O1", name="经发办")
    o2 = Office.objects.create(street=s, code="O2", name="党政办")
    x, y, z = (PropertyCompany.objects.create(code=c, name=f"{c}物业") for c in "XYZ")

    def place(street, kind, code, parent=None, **extra):
        return Place.objects.create(street=street, kind=kind, code=code, name=code, parent=parent, **extra)

    a = place(s, "community", "A")
    b = place(s, "community", "B")
    a1 = place(s, "compound", "A1", a, company=x)
    a2 = place(s, "compound", "A2", a, company=y)
    place(s, "bin_station", "A1-1", a1)
    place(s, "bin_station", "A1-2", a1).retire()
    place(s, "bin_station", "A2-1", a2)
    au = place(s, "enterprise", "AU", a, office=o1)
    place(s, "bin_station", "AU-1", au)
    b1 = place(s, "compound", "B1", b, company=x)
    place(s, "bin_station", "B1-1", b1)
    place(s, "public_institution", "BU", b, office=o2)
    c = place(t, "community", "C")
    place(t, "compound", "C1", c, company=z)
    return {"S": s, "T": t, "O1": o1, "X": x, "A": a}


def user_with(role, **scope):
    communities = scope.pop("communities", [])
    user = User.objects.create_user(f"u-{role}-{User.objects.count()}", password="x")
    profile = Profile.objects.create(user=user, role=role, **scope)
    profile.communities.set(communities)
    return User.objects.get(pk=user.pk)  # fresh, as a request would load it
