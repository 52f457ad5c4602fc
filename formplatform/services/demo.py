"""A demo city for trying the platform: a few Sở, districts with a division and wards, one login per role.

Idempotent: agencies are matched by code and accounts by user name, so it is safe on every start.
Agency codes, phone numbers and e-mail addresses are illustrative, not the official ones.
"""

from __future__ import annotations

from mongoengine.errors import NotUniqueError

from formplatform.accounts.models import User
from formplatform.accounts.services import create_user
from formplatform.agencies.models import Agency
from formplatform.agencies.services import update_contact
from formplatform.services.seed import HOME_AFFAIRS_CODE, ROOT_CODE, ensure_agency, ensure_core_agencies

# Shared by every demo login; meets the password policy. Never enable demo data on a production server.
DEMO_PASSWORD = "DemoHCMC-2026"
Q1, Q3, THU_DUC = "000.00.31.H29", "000.00.33.H29", "000.00.30.H29"
Q1_HOME_AFFAIRS = "000.01.31.H29"
# code, parent code, type, vi, en (the core agencies exist already: their names here are not used)
DEMO_AGENCIES = (
    (ROOT_CODE, None, "city", "", ""),
    (HOME_AFFAIRS_CODE, ROOT_CODE, "department", "", ""),
    ("000.00.12.H29", ROOT_CODE, "department", "Sở Tư pháp", "Department of Justice"),
    ("000.00.17.H29", ROOT_CODE, "department", "Sở Y tế", "Department of Health"),
    (Q1, ROOT_CODE, "district", "Ủy ban nhân dân Quận 1", "District 1 People's Committee"),
    (Q1_HOME_AFFAIRS, Q1, "division", "Phòng Nội vụ Quận 1", "District 1 Home Affairs Division"),
    ("000.21.31.H29", Q1, "ward", "Ủy ban nhân dân Phường Bến Nghé", "Ben Nghe Ward People's Committee"),
    ("000.22.31.H29", Q1, "ward", "Ủy ban nhân dân Phường Bến Thành", "Ben Thanh Ward People's Committee"),
    (Q3, ROOT_CODE, "district", "Ủy ban nhân dân Quận 3", "District 3 People's Committee"),
    ("000.01.33.H29", Q3, "division", "Phòng Nội vụ Quận 3", "District 3 Home Affairs Division"),
    ("000.21.33.H29", Q3, "ward", "Ủy ban nhân dân Phường Võ Thị Sáu", "Vo Thi Sau Ward People's Committee"),
    ("000.22.33.H29", Q3, "ward", "Ủy ban nhân dân Phường 9", "Ward 9 People's Committee"),
    (THU_DUC, ROOT_CODE, "district", "Ủy ban nhân dân thành phố Thủ Đức", "Thu Duc City People's Committee"),
    ("000.01.30.H29", THU_DUC, "division", "Phòng Nội vụ thành phố Thủ Đức", "Thu Duc City Home Affairs Division"),
    ("000.21.30.H29", THU_DUC, "ward", "Ủy ban nhân dân Phường Thảo Điền", "Thao Dien Ward People's Committee"),
    ("000.22.30.H29", THU_DUC, "ward", "Ủy ban nhân dân Phường An Khánh", "An Khanh Ward People's Committee"),
)
# code -> contact person (name, position, phone, e-mail)
WARD_OFFICER = "Công chức Văn phòng – Thống kê"
DEMO_CONTACTS = {
    ROOT_CODE: ("Lê Minh Tuấn", "Chuyên viên Văn phòng UBND Thành phố", "02838291234", "vanphong@tphcm.example"),
    HOME_AFFAIRS_CODE: ("Nguyễn Thị Lan", "Phó Chánh Văn phòng Sở", "02838293456", "noivu@tphcm.example"),
    "000.00.12.H29": ("Trần Văn Hùng", "Chuyên viên Văn phòng Sở", "02838295678", "tuphap@tphcm.example"),
    "000.00.17.H29": ("Phạm Thị Hồng", "Chuyên viên Phòng Tổ chức cán bộ", "02839309012", "yte@tphcm.example"),
    Q1: ("Võ Thanh Bình", "Chánh Văn phòng HĐND và UBND", "02838296001", "ubnd.q1@tphcm.example"),
    Q1_HOME_AFFAIRS: ("Đặng Thu Trang", "Trưởng phòng", "02838296002", "noivu.q1@tphcm.example"),
    "000.21.31.H29": ("Huỳnh Văn Phúc", WARD_OFFICER, "02838225001", "bennghe.q1@tphcm.example"),
    "000.22.31.H29": ("Lý Ngọc Mai", WARD_OFFICER, "02838225002", "benthanh.q1@tphcm.example"),
    Q3: ("Trương Quốc Việt", "Chánh Văn phòng HĐND và UBND", "02839301001", "ubnd.q3@tphcm.example"),
    "000.01.33.H29": ("Ngô Thị Thảo", "Trưởng phòng", "02839301002", "noivu.q3@tphcm.example"),
    "000.21.33.H29": ("Bùi Văn Khoa", WARD_OFFICER, "02839302001", "vothisau.q3@tphcm.example"),
    "000.22.33.H29": ("Đỗ Thị Hạnh", WARD_OFFICER, "02839302002", "phuong9.q3@tphcm.example"),
    THU_DUC: ("Lâm Hoàng Nam", "Chánh Văn phòng HĐND và UBND", "02837221001", "ubnd.thuduc@tphcm.example"),
    "000.01.30.H29": ("Cao Minh Châu", "Trưởng phòng", "02837221002", "noivu.thuduc@tphcm.example"),
    "000.21.30.H29": ("Tạ Văn Lộc", WARD_OFFICER, "02837442001", "thaodien.thuduc@tphcm.example"),
    "000.22.30.H29": ("Hồ Thị Yến", WARD_OFFICER, "02837442002", "ankhanh.thuduc@tphcm.example"),
}
# username, role, agency code of the grant, home agency code, display name
DEMO_LOGINS = (
    ("demo.quantri", "admin", Q1, Q1, "Quản trị Quận 1 (demo)"),
    ("demo.thietke", "designer", HOME_AFFAIRS_CODE, HOME_AFFAIRS_CODE, "Thiết kế biểu mẫu (demo)"),
    ("demo.thamdinh", "reviewer", ROOT_CODE, HOME_AFFAIRS_CODE, "Thẩm định báo cáo (demo)"),
    ("demo.chuyenvien", "specialist", Q1, Q1, "Chuyên viên Quận 1 (demo)"),
    ("demo.truongphong", "division_head", Q1_HOME_AFFAIRS, Q1_HOME_AFFAIRS, "Trưởng phòng Nội vụ Quận 1 (demo)"),
    ("demo.chutich", "agency_head", Q1, Q1, "Chủ tịch UBND Quận 1 (demo)"),
    ("demo.xem", "viewer", Q1, Q1, "Xem báo cáo Quận 1 (demo)"),
    ("demo.chuyenvien3", "specialist", Q3, Q3, "Chuyên viên Quận 3 (demo)"),
)


def seed_demo_agencies() -> dict[str, Agency]:
    """The demo agencies by code; a contact is filled only where the agency has none yet."""
    ensure_core_agencies()
    agencies = {}
    for code, parent, kind, vi, en in DEMO_AGENCIES:
        agency = ensure_agency(code, parent, kind, vi, en)
        if not (agency.contact or {}).get("name"):  # never overwrite what the agency keeps current
            contact = dict(zip(("name", "position", "phone", "email"), DEMO_CONTACTS[code], strict=True))
            agency = update_contact(agency, contact, actor=None)
        agencies[code] = agency
    return agencies


def seed_demo() -> list[str]:
    """The demo city and its logins (see README); returns the user names created now."""
    agencies = seed_demo_agencies()
    created = []
    for username, role, grant_code, home_code, display_name in DEMO_LOGINS:
        if User.objects(username=username).first() is not None:
            continue
        try:
            create_user(
                username,
                DEMO_PASSWORD,
                roles=[(role, agencies[grant_code].id)],
                agency_id=agencies[home_code].id,
                display_name=display_name,
                must_change_password=False,
            )
        except NotUniqueError:
            continue  # created meanwhile by another process starting at the same time
        created.append(username)
    from formplatform.reporting.demo import seed_demo_reporting

    seed_demo_reporting()
    from formplatform.satisfaction.demo import seed_demo_satisfaction

    seed_demo_satisfaction()
    return created
