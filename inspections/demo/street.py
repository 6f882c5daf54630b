"""The demo street: 联芳街道 (Shapingba district, Chongqing), modelled on the street office's 2023 plan.

Names of compounds, companies and units are invented but typical of the area; coordinates sit in
29.54–29.58 N, 106.44–106.48 E. Everything derives from a fixed random seed and the place codes, so
two runs write the same rows — QR tokens included (demo tokens are derived from the code, which
makes them guessable: fine for a demo, never used for imported or admin-created places).

`demo_street_seed()` upserts by code and writes only what differs, so a second run changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import os
import random
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from checklists.models import PlaceKind
from inspections.models import Office, Place, Profile, PropertyCompany, Role, Street

# Each install makes its own demo passwords (nothing to guess from the repository): stored hashed like any
# password, and in plain text for the person running the demo in settings.DEMO_LOGINS_FILE (mode 0600).
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread from a terminal
PASSWORD_LENGTH = 12
DEMO_EMAIL_DOMAIN = "demo.sortpatrol.invalid"  # marks a user as a demo user (never a real address)
STREET = {"code": "LF", "name": "联芳街道", "district": "沙坪坝区"}
OFFICES = [
    ("LF-GJB", "规建办"), ("LF-JFB", "经发办"), ("LF-DZB", "党政办"), ("LF-MSB", "民社办"),
    ("LF-DJB", "党建办"), ("LF-SFZX", "社服中心"), ("LF-WFZX", "文服中心"),
]
COMMUNITIES = [
    ("PDS", "平顶山社区"), ("LFS", "联芳社区"), ("SNP", "石碾盘社区"), ("HCF", "红槽房社区"),
    ("YGQ", "杨公桥社区"), ("FTL", "凤天路社区"), ("HYL", "汉渝路社区"), ("SXZ", "双巷子社区"),
]
COMPOUND_NAMES = [
    "平顶山小区", "南方花园", "天星苑", "滨江雅居", "锦绣山庄",
    "联芳花园", "金沙港湾", "碧水云天", "翠湖天地", "阳光丽景",
    "石碾盘小区", "融汇半岛", "春森苑", "书香苑", "嘉陵新村",
    "红槽房小区", "山水华府", "学府名都", "银河花园", "和泰家园",
    "杨公桥小区", "幸福里", "青年小区", "桃源居", "西城丽景",
    "凤天锦园", "国宾苑", "东方景苑", "首府花园", "林语溪苑",
    "汉渝大厦", "沙坪坝新村", "时代都汇", "城市花园", "渝碚苑",
    "双巷子小区", "泰和花园", "公园府", "望江台", "磁器口人家",
]
COMPANIES = [
    ("LF-PC01", "重庆联芳物业管理有限公司"), ("LF-PC02", "重庆山城物业服务有限公司"),
    ("LF-PC03", "重庆嘉陵物业管理有限公司"), ("LF-PC04", "重庆渝西物业服务有限公司"),
    ("LF-PC05", "重庆沙磁物业管理有限公司"), ("LF-PC06", "重庆锦程物业服务有限公司"),
    ("LF-PC07", "重庆安居物业管理有限公司"), ("LF-PC08", "重庆和顺物业服务有限公司"),
    ("LF-PC09", "重庆宏远物业管理有限公司"), ("LF-PC10", "重庆长青物业服务有限公司"),
]
# (kind, office code, names): public institutions → 党政办, enterprises → 经发办, public places by theme.
UNITS = [
    (PlaceKind.PUBLIC_INSTITUTION, "LF-DZB", [
        "联芳街道办事处", "平顶山小学", "联芳小学", "联芳中学", "联芳社区卫生服务中心",
        "联芳派出所", "联芳幼儿园", "杨公桥小学", "区图书馆联芳分馆", "红槽房幼儿园"]),
    (PlaceKind.ENTERPRISE, "LF-JFB", [
        "联芳生活超市", "嘉陵酒店", "渝味火锅店", "山城快捷酒店", "联芳加油站",
        "汉渝路商场", "石碾盘餐饮店", "红槽房物流公司", "天星桥汽修厂", "联芳宾馆"]),
    (PlaceKind.PUBLIC_PLACE, "LF-MSB", [
        "平顶山公园", "联芳广场", "杨公桥农贸市场", "汉渝路公交站", "石碾盘体育场"]),
    (PlaceKind.PUBLIC_PLACE, "LF-WFZX", ["联芳文化活动中心", "凤天路步行街"]),
    (PlaceKind.PUBLIC_PLACE, "LF-SFZX", ["红槽房公共厕所", "双巷子菜市场", "嘉陵江滨江步道"]),
]
# username, role, display name, scope
USERS = [
    ("admin", Role.ADMIN, "张管理（规建办）", {}),
    ("street", Role.STREET_INSPECTOR, "李巡查（镇街级指导员）", {}),
    ("community", Role.COMMUNITY_INSPECTOR, "王指导（社区级指导员）", {"communities": ["LF-PDS", "LF-LFS"]}),
    ("office", Role.OFFICE_VIEWER, "赵科员（经发办）", {"office": "LF-JFB"}),
    ("company", Role.COMPANY_USER, "陈经理（联芳物业）", {"company": "LF-PC01"}),
]
RETIRED_DEMO_STATION = "LF-PDS-02-BS03"  # shows what a retired place looks like
SEED = 2023


def demo_qr_token(code: str) -> str:
    digest = hashlib.sha256(f"sortpatrol-demo-qr:{code}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


@dataclass
class DemoPlace:
    code: str
    name: str
    kind: str
    parent: str | None
    lat: Decimal
    lng: Decimal
    company: str | None = None
    office: str | None = None
    households: int | None = None
    address: str = ""
    retired: bool = False


@dataclass
class DemoStreet:
    places: list[DemoPlace] = field(default_factory=list)  # parents before children

    @property
    def codes(self) -> set[str]:
        return {p.code for p in self.places}


def _point(rng: random.Random, lat: float, lng: float, spread: float) -> tuple[Decimal, Decimal]:
    return (Decimal(f"{lat + rng.uniform(-spread, spread):.6f}"), Decimal(f"{lng + rng.uniform(-spread, spread):.6f}"))


def demo_street() -> DemoStreet:
    """The demo places, generated from the fixed seed (no database access)."""
    rng = random.Random(SEED)
    demo = DemoStreet()
    centres = {}
    for index, (short, name) in enumerate(COMMUNITIES):
        # A 4 × 2 grid of community centres inside the box, about 1 km apart.
        lat, lng = 29.546 + 0.009 * (index % 4), 106.452 + 0.016 * (index // 4)
        centres[short] = (lat, lng)
        code = f"LF-{short}"
        demo.places.append(DemoPlace(code, name, PlaceKind.COMMUNITY, None, *_point(rng, lat, lng, 0.0005),
                                     address=f"沙坪坝区联芳街道{name}居委会"))
        for number in range(1, 6):
            compound_code = f"{code}-{number:02d}"
            compound_name = COMPOUND_NAMES[index * 5 + number - 1]
            c_lat, c_lng = _point(rng, lat, lng, 0.0035)
            demo.places.append(DemoPlace(
                compound_code, compound_name, PlaceKind.COMPOUND, code, c_lat, c_lng,
                company=COMPANIES[(index * 5 + number) % len(COMPANIES)][0],
                households=rng.randrange(180, 1800, 10), address=f"沙坪坝区{name[:-2]}路{rng.randint(1, 300)}号",
            ))
            for station in range(1, rng.randint(3, 6) + 1):
                station_code = f"{compound_code}-BS{station:02d}"
                demo.places.append(DemoPlace(
                    station_code, f"{compound_name}{station}号投放点", PlaceKind.BIN_STATION, compound_code,
                    *_point(rng, float(c_lat), float(c_lng), 0.0004), retired=station_code == RETIRED_DEMO_STATION,
                ))
    shorts = [short for short, _name in COMMUNITIES]
    unit_number = 0
    for kind, office, names in UNITS:
        for name in names:
            unit_number += 1
            short = shorts[unit_number % len(shorts)]
            code = f"LF-{short}-U{unit_number:02d}"
            u_lat, u_lng = _point(rng, *centres[short], 0.004)
            demo.places.append(DemoPlace(code, name, kind, f"LF-{short}", u_lat, u_lng, office=office,
                                         address=f"沙坪坝区联芳街道{name}"))
            demo.places.append(DemoPlace(f"{code}-BS01", f"{name}投放点", PlaceKind.BIN_STATION, code,
                                         *_point(rng, float(u_lat), float(u_lng), 0.0003)))
    return demo


# Writing ----------------------------------------------------------------------------------------


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> models.Model:
    """Create, or update only the fields that differ (so an unchanged row is never written)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        extra = ["updated_at"] if any(f.name == "updated_at" for f in model._meta.fields) else []
        obj.save(update_fields=changed + extra)
    return obj


def demo_data_conflicts() -> list[str]:
    """What in the database is not demo data (the seed refuses to mix with it unless forced)."""
    demo = demo_street()
    found = []
    checks = [
        (Street, {STREET["code"]}), (Office, {code for code, _n in OFFICES}),
        (PropertyCompany, {code for code, _n in COMPANIES}), (Place, demo.codes),
    ]
    for model, codes in checks:
        others = list(model.objects.exclude(code__in=codes).values_list("code", flat=True)[:5])
        if others:
            found.append(f"{model._meta.verbose_name}: {', '.join(others)}")
    usernames = [username for username, *_rest in USERS]
    clashing = get_user_model().objects.filter(username__in=usernames).exclude(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    found += [f"user: {username}" for username in clashing.values_list("username", flat=True)]
    return found


@transaction.atomic
def demo_street_seed() -> DemoStreet:
    """Write the demo street, its offices, companies, places and users; idempotent."""
    demo = demo_street()
    street = _upsert(Street, {"code": STREET["code"]}, {"name": STREET["name"], "district": STREET["district"]})
    offices = {code: _upsert(Office, {"code": code}, {"street": street, "name": name}) for code, name in OFFICES}
    companies = {
        code: _upsert(PropertyCompany, {"code": code}, {"name": name, "contact_phone": f"023-6531{index:04d}"})
        for index, (code, name) in enumerate(COMPANIES, start=1)
    }
    places: dict[str, Place] = {}
    for spec in demo.places:
        retired_at = None
        if spec.retired:  # keep the first retirement time so a re-run writes nothing
            existing = Place.objects.filter(code=spec.code).only("retired_at").first()
            retired_at = existing.retired_at if existing and existing.retired_at else timezone.now()
        places[spec.code] = _upsert(Place, {"code": spec.code}, {
            "street": street, "kind": spec.kind, "name": spec.name,
            "parent": places[spec.parent] if spec.parent else None,
            "company": companies[spec.company] if spec.company else None,
            "office": offices[spec.office] if spec.office else None,
            "households": spec.households, "address": spec.address, "lat": spec.lat, "lng": spec.lng,
            "radius_m": None, "qr_token": demo_qr_token(spec.code),
            "status": Place.Status.RETIRED if spec.retired else Place.Status.ACTIVE, "retired_at": retired_at,
        })
    passwords = demo_passwords_ensure()
    for username, role, display_name, scope in USERS:
        _seed_user(username, role, display_name, scope, password=passwords[username], street=street, places=places,
                   offices=offices, companies=companies)
    return demo


def _seed_user(username: str, role: str, display_name: str, scope: dict[str, Any], *, password: str,
               street: Street, places: dict[str, Place], offices: dict[str, Office],
               companies: dict[str, PropertyCompany]) -> None:
    is_admin = role == Role.ADMIN
    user = _upsert(get_user_model(), {"username": username}, {
        "email": f"{username}@{DEMO_EMAIL_DOMAIN}", "first_name": display_name, "is_active": True,
        "is_staff": is_admin, "is_superuser": is_admin,
    })
    # Set the password only when it differs: a fresh hash has a fresh salt and would change the row.
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    profile = _upsert(Profile, {"user": user}, {
        "role": role, "display_name": display_name, "street": street,
        "office": offices[scope["office"]] if "office" in scope else None,
        "company": companies[scope["company"]] if "company" in scope else None,
    })
    wanted = {places[code].pk for code in scope.get("communities", [])}
    if set(profile.communities.values_list("pk", flat=True)) != wanted:
        profile.communities.set(wanted)


def stored_demo_passwords() -> dict[str, str]:
    """username → password as written in DEMO_LOGINS_FILE (empty when there is no file yet)."""
    try:
        lines = settings.DEMO_LOGINS_FILE.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return {row[0]: row[1] for row in rows if len(row) >= 2}


def demo_passwords_ensure() -> dict[str, str]:
    """A password for every demo user: the stored one, or a new random one written to the file."""
    passwords = stored_demo_passwords()
    missing = [username for username, *_rest in USERS if username not in passwords]
    if missing:
        for username in missing:
            passwords[username] = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        _write_private(settings.DEMO_LOGINS_FILE, _logins_text(passwords))
    return passwords


def _logins_text(passwords: dict[str, str]) -> str:
    header = "# SortPatrol demo logins for this install (username, password, role); made by manage.py seed_demo\n"
    roles = {username: str(role.label) for username, role, _d, _s in USERS}
    return header + "".join(f"{name}\t{password}\t{roles.get(name, '')}\n" for name, password in passwords.items())


def _write_private(path: Path, text: str) -> None:
    """Replace `path` in one step with a file only its owner can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, role) for every demo user present in the database; the password is "?" when
    DEMO_LOGINS_FILE was lost (running seed_demo again sets new ones)."""
    present = set(get_user_model().objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
                  .values_list("username", flat=True))
    passwords = stored_demo_passwords()
    return [(username, passwords.get(username, "?"), str(role.label))
            for username, role, _d, _s in USERS if username in present]
