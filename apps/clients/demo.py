"""Demo step 1: the six demo brands, their platform stores, the vendor's two sites and the demo users.

Everything is keyed on business keys (client code, platform + shop id, site code, username, contact
e-mail) and written with update_or_create, so a re-run finds what the first run made and changes
nothing. The brand catalogue (BRANDS) is plain data that the later demo steps read as well: the
conversations step takes each store's daily volume and each brand's product category from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.db import transaction

from apps.clients.choices import ClientStatus, Platform
from apps.clients.models import BillingContact, Client, ClientMembership, Site, Store
from apps.clients.validators import uscc_check_character
from apps.core.choices import Role
from apps.core.demo import DEMO_PASSWORD, DemoContext


@dataclass(frozen=True)
class DemoStore:
    platform: str
    shop_id: str
    name: str
    is_24h: bool
    daily_conversations: int  # a normal weekday at scale 1, before the weekly and promo shapes


@dataclass(frozen=True)
class DemoContact:
    name: str
    email: str
    phone: str
    receives_reports: bool = True
    receives_invoices: bool = True


@dataclass(frozen=True)
class DemoBrand:
    code: str
    name: str
    short: str  # the prefix of its agents' chat nicks and of its bot's name
    category: str  # skincare | outdoor | baby | appliance | snacks | cosmetics_xb
    legal_name: str
    uscc_body: str  # the first 17 characters; the check character is computed
    address: str
    bank_name: str
    bank_account: str
    contacts: tuple[DemoContact, ...]
    stores: tuple[DemoStore, ...]

    @property
    def uscc(self) -> str:
        return self.uscc_body + uscc_check_character(self.uscc_body)


@dataclass(frozen=True)
class DemoSite:
    code: str
    name: str
    city: str
    seats: int
    employee_prefix: str  # employee numbers of its agents: HF0001, CD0001, …


BRANDS: tuple[DemoBrand, ...] = (
    DemoBrand(
        code="yuefu",
        name="悦肤",
        short="悦肤",
        category="skincare",
        legal_name="杭州悦肤生物科技有限公司",
        uscc_body="91330106MA2H7K3L9",
        address="浙江省杭州市西湖区文一西路 588 号中节能西溪首座 B2 幢 6 层",
        bank_name="招商银行杭州分行营业部",
        bank_account="571915238610801",
        contacts=(
            DemoContact("沈佳怡", "finance@yuefu.example.com", "0571-8793 2210"),
            DemoContact("陆文博", "ecom.ops@yuefu.example.com", "0571-8793 2236", receives_invoices=False),
        ),
        stores=(
            DemoStore(Platform.TMALL, "TM-67012345", "悦肤官方旗舰店", True, 110),
            DemoStore(Platform.DOUYIN, "DY-4519023876", "悦肤护肤抖音官方旗舰店", False, 80),
        ),
    ),
    DemoBrand(
        code="shanye",
        name="山野户外",
        short="山野",
        category="outdoor",
        legal_name="北京山野户外用品有限公司",
        uscc_body="91110105MA01RT8X2",
        address="北京市朝阳区酒仙桥路 10 号恒通商务园 B22 座 3 层",
        bank_name="中国工商银行北京酒仙桥支行",
        bank_account="0200004509200187653",
        contacts=(DemoContact("郭志强", "ap@shanye.example.com", "010-6431 8870"),),
        stores=(
            DemoStore(Platform.JD, "JD-1000087312", "山野户外京东自营旗舰店", True, 45),
            DemoStore(Platform.TMALL, "TM-69830211", "山野户外旗舰店", False, 55),
        ),
    ),
    DemoBrand(
        code="mengbao",
        name="萌宝乐",
        short="萌宝",
        category="baby",
        legal_name="广州萌宝乐母婴用品有限公司",
        uscc_body="91440101MA5CQ4N87",
        address="广东省广州市天河区黄埔大道西 638 号广东农信大厦 17 层",
        bank_name="中国建设银行广州天河支行",
        bank_account="44050158040100002871",
        contacts=(
            DemoContact("黄晓琳", "billing@mengbao.example.com", "020-3892 1145"),
            DemoContact("周敏", "cs.lead@mengbao.example.com", "020-3892 1160", receives_invoices=False),
        ),
        stores=(
            DemoStore(Platform.PINDUODUO, "PDD-608812", "萌宝乐母婴旗舰店", False, 70),
            DemoStore(Platform.TAOBAO, "TB-158207733", "萌宝乐母婴企业店", False, 50),
        ),
    ),
    DemoBrand(
        code="lanju",
        name="澜居电器",
        short="澜居",
        category="appliance",
        legal_name="佛山市澜居电器科技有限公司",
        uscc_body="91440606MA4WJ2E3X",
        address="广东省佛山市顺德区北滘镇工业大道 21 号",
        bank_name="中国银行佛山顺德北滘支行",
        bank_account="665771230148",
        contacts=(DemoContact("梁家豪", "finance@lanju.example.com", "0757-2663 9051"),),
        stores=(DemoStore(Platform.JD, "JD-1000298844", "澜居电器京东官方旗舰店", True, 85),),
    ),
    DemoBrand(
        code="koufu",
        name="口福记",
        short="口福",
        category="snacks",
        legal_name="长沙口福记食品有限公司",
        uscc_body="91430104MA4RB6P1K",
        address="湖南省长沙市岳麓区麓谷大道 627 号长沙海创科技园 C 座 5 层",
        bank_name="交通银行长沙麓谷支行",
        bank_account="431899991010003366817",
        contacts=(
            DemoContact("刘芳", "caiwu@koufu.example.com", "0731-8871 0032"),
            DemoContact("彭磊", "ops@koufu.example.com", "0731-8871 0058", receives_invoices=False),
        ),
        stores=(
            DemoStore(Platform.DOUYIN, "DY-7730194528", "口福记零食抖音旗舰店", True, 60),
            DemoStore(Platform.PINDUODUO, "PDD-719204", "口福记官方旗舰店", False, 45),
        ),
    ),
    DemoBrand(
        code="haijing",
        name="海境全球购",
        short="海境",
        category="cosmetics_xb",
        legal_name="上海海境跨境电子商务有限公司",
        uscc_body="91310115MA1K4F0G6",
        address="上海市浦东新区基隆路 6 号外高桥保税区 1 号楼 9 层",
        bank_name="上海浦东发展银行外高桥保税区支行",
        bank_account="98730078801600001296",
        contacts=(DemoContact("陈思远", "ar@haijing.example.com", "021-5046 7720"),),
        stores=(DemoStore(Platform.CROSS_BORDER, "XB-90012877", "海境全球购美妆海外旗舰店", True, 30),),
    ),
)

SITES: tuple[DemoSite, ...] = (
    DemoSite("hefei", "合肥客服中心", "合肥", 220, "HF"),
    DemoSite("chengdu", "成都客服中心", "成都", 160, "CD"),
)

# (role label, username, role group or None, superuser, full name: reports and statements print
# the person who wrote, reviewed or issued them, not their login)
STAFF_USERS: tuple[tuple[str, str, str | None, bool, str], ...] = (
    ("Superuser", "admin", None, True, "陈志远"),
    ("BPO manager", "manager", Role.BPO_MANAGER, False, "刘静"),
    ("Account manager", "accounts", Role.ACCOUNT_MANAGER, False, "王敏"),
    ("QA supervisor", "qa", Role.QA_SUPERVISOR, False, "赵磊"),
)


def viewer_username(brand: DemoBrand) -> str:
    return f"viewer-{brand.code}"


class _Passwords:
    """Hashing is slow on purpose (~0.4 s each); the demo users share one hash of DEMO_PASSWORD, so a
    run hashes once and a re-run verifies each distinct stored hash once."""

    def __init__(self):
        self._verdicts: dict[str, bool] = {}
        self._encoded: str | None = None

    def is_demo(self, encoded: str) -> bool:
        if encoded not in self._verdicts:
            self._verdicts[encoded] = bool(encoded) and check_password(DEMO_PASSWORD, encoded)
        return self._verdicts[encoded]

    def encoded(self) -> str:
        if self._encoded is None:
            self._encoded = make_password(DEMO_PASSWORD)
            self._verdicts[self._encoded] = True
        return self._encoded


def _seed_user(
    *, username: str, email: str, superuser: bool, group: str | None, passwords: _Passwords, first_name: str = ""
):
    user, _ = get_user_model().objects.update_or_create(
        username=username,
        defaults={
            "email": email,
            "is_staff": True,
            "is_superuser": superuser,
            "is_active": True,
            "first_name": first_name,
        },
    )
    if not passwords.is_demo(user.password):
        user.password = passwords.encoded()
        user.save(update_fields=["password"])
    user.groups.set([Group.objects.get(name=group)] if group else [])
    return user


@transaction.atomic
def _seed_sites_and_brands() -> dict[str, Client]:
    """The demo sites, brands, their billing contacts and stores (update_or_create: safe to re-run)."""
    for spec in SITES:
        Site.objects.update_or_create(
            code=spec.code, defaults={"name": spec.name, "city": spec.city, "seats": spec.seats}
        )
    clients: dict[str, Client] = {}
    for brand in BRANDS:
        client, _ = Client.objects.update_or_create(
            code=brand.code,
            defaults={
                "name": brand.name,
                "legal_name": brand.legal_name,
                "uscc": brand.uscc,
                "status": ClientStatus.ACTIVE,
                "address": brand.address,
                "bank_name": brand.bank_name,
                "bank_account": brand.bank_account,
            },
        )
        client.full_clean(validate_unique=False)
        clients[brand.code] = client
        for contact in brand.contacts:
            BillingContact.objects.update_or_create(
                client=client,
                email=contact.email,
                defaults={
                    "name": contact.name,
                    "phone": contact.phone,
                    "receives_reports": contact.receives_reports,
                    "receives_invoices": contact.receives_invoices,
                },
            )
        for store in brand.stores:
            Store.objects.update_or_create(
                platform=store.platform,
                shop_id=store.shop_id,
                defaults={
                    "client": client,
                    "name": store.name,
                    "is_24h": store.is_24h,
                    "opens_at": time(0, 0) if store.is_24h else time(8, 0),
                    "closes_at": time(0, 0),
                    "is_active": True,
                },
            )
    return clients


def _seed_logins(ctx: DemoContext, clients: dict[str, Client]) -> None:
    """The staff logins and one client viewer per brand, listed on ctx.logins."""
    passwords = _Passwords()
    for label, username, group, superuser, full_name in STAFF_USERS:
        _seed_user(
            username=username,
            email=f"{username}@tideline.example.com",
            superuser=superuser,
            group=group,
            passwords=passwords,
            first_name=full_name,
        )
        ctx.logins.append((label, username, DEMO_PASSWORD))
    for brand in BRANDS:
        username = viewer_username(brand)
        user = _seed_user(
            username=username,
            email=f"{username}@example.com",
            superuser=False,
            group=Role.CLIENT_VIEWER,
            passwords=passwords,
            # a statement's confirmation or dispute names the person who answered, not a login
            first_name=f"{brand.contacts[0].name}（{brand.short}）",
        )
        ClientMembership.objects.update_or_create(user=user, defaults={"client": clients[brand.code]})
        ctx.logins.append((f"Client viewer ({brand.name})", username, DEMO_PASSWORD))


def seed(ctx: DemoContext) -> None:
    clients = _seed_sites_and_brands()
    ctx.say(f"  {len(SITES)} sites, {len(BRANDS)} brands, {sum(len(b.stores) for b in BRANDS)} stores")
    _seed_logins(ctx, clients)
