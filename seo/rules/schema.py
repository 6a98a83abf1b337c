"""schema.*: JSON-LD that parses, a business description, visible NAP that matches it, and one phone
number per business address across the site."""

from __future__ import annotations

import json
import re

from ..language import fold
from . import Context, quote

# schema.org Organization and its LocalBusiness subtypes (the ones a small business uses).
BUSINESS_TYPES = frozenset(
    """Organization Corporation LocalBusiness OnlineBusiness OnlineStore NGO Project SportsOrganization
    AnimalShelter ArchiveOrganization AutomotiveBusiness AutoBodyShop AutoDealer AutoPartsStore AutoRental
    AutoRepair AutoWash GasStation MotorcycleDealer MotorcycleRepair ChildCare Dentist DryCleaningOrLaundry
    EmergencyService FireStation Hospital PoliceStation EmploymentAgency EntertainmentBusiness AdultEntertainment
    AmusementPark ArtGallery Casino ComedyClub MovieTheater NightClub FinancialService AccountingService
    AutomatedTeller BankOrCreditUnion InsuranceAgency FoodEstablishment Bakery BarOrPub Brewery CafeOrCoffeeShop
    Distillery FastFoodRestaurant IceCreamShop Restaurant Winery GovernmentOffice PostOffice HealthAndBeautyBusiness
    BeautySalon DaySpa HairSalon HealthClub NailSalon TattooParlor HomeAndConstructionBusiness Electrician
    GeneralContractor HVACBusiness HousePainter Locksmith MovingCompany Plumber RoofingContractor InternetCafe
    LegalService Attorney Notary Library LodgingBusiness BedAndBreakfast Campground Hostel Hotel Motel Resort
    MedicalBusiness MedicalClinic Optician Pharmacy Physician ProfessionalService RadioStation RealEstateAgent
    RecyclingCenter SelfStorage ShoppingCenter SportsActivityLocation BowlingAlley ExerciseGym GolfCourse
    PublicSwimmingPool SkiResort SportsClub StadiumOrArena TennisComplex Store BikeStore BookStore ClothingStore
    ComputerStore ConvenienceStore DepartmentStore ElectronicsStore Florist FurnitureStore GardenStore GroceryStore
    HardwareStore HobbyShop HomeGoodsStore JewelryStore LiquorStore MensClothingStore MobilePhoneStore MovieRentalStore
    MusicStore OfficeEquipmentStore OutletStore PawnShop PetStore ShoeStore SportingGoodsStore TireShop ToyStore
    WholesaleStore TelevisionStation TouristInformationCenter TravelAgency VeterinaryCare EducationalOrganization
    School CollegeOrUniversity MedicalOrganization NewsMediaOrganization PerformingGroup""".split()
)
# BUSINESS_TYPES that are not places of business (not LocalBusiness): they may share an address.
_NOT_LOCAL = frozenset(
    """Organization Corporation OnlineBusiness OnlineStore NGO Project SportsOrganization EducationalOrganization
    CollegeOrUniversity School MedicalOrganization NewsMediaOrganization PerformingGroup""".split()
)
_DIGITS = re.compile(r"\d")
_PHONE = re.compile(r"\+?\d[\d\s().\-]{6,}\d")


def _types(node: dict) -> list[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return [v.rsplit("/", 1)[-1].split(":")[-1] for v in values if isinstance(v, str)]


def _nodes(data) -> list[dict]:
    """The objects of a JSON-LD document that describe things: top-level ones, @graph
    members, and the objects they hold directly (a publisher, a location)."""
    tops = data if isinstance(data, list) else [data]
    found = []
    for top in tops:
        if not isinstance(top, dict):
            continue
        graph = top.get("@graph")
        members = [m for m in graph if isinstance(m, dict)] if isinstance(graph, list) else []
        for node in [top, *members]:
            found.append(node)
            for value in node.values():
                if isinstance(value, dict) and "@type" in value:
                    found.append(value)
                elif isinstance(value, list):
                    found.extend(v for v in value if isinstance(v, dict) and "@type" in v)
    return found


def _problem(data) -> str | None:
    """Why a parsed JSON-LD document is not usable structured data, or None."""
    tops = data if isinstance(data, list) else [data]
    if not tops or not all(isinstance(t, dict) for t in tops):
        return "it is not a JSON object"
    for top in tops:
        context = top.get("@context")
        text = json.dumps(context) if context is not None else ""
        if "schema.org" not in text:
            return "it has no @context naming https://schema.org" if context is None else f"its @context {text} is not schema.org"
        members = top.get("@graph") if isinstance(top.get("@graph"), list) else [top]
        for member in members:
            if not isinstance(member, dict) or not _types(member):
                return "an item has no @type"
    return None


def business_nodes(parsed: list) -> list[dict]:
    return [n for n in _all_nodes(parsed) if set(_types(n)) & BUSINESS_TYPES]


def _all_nodes(parsed: list) -> list[dict]:
    nodes = []
    for data in parsed:
        if not isinstance(data, ValueError):
            nodes += _nodes(data)
    return nodes


def check(ctx: Context) -> None:
    site = ctx.site
    phones: dict[str, dict[str, tuple]] = {}  # address -> phone -> (page, phone as written, name)
    for page in site.html_pages():
        if page.status != 200:
            continue
        parsed = ctx.jsonld(page)
        for number, data in enumerate(parsed, start=1):
            element = f'<script type="application/ld+json"> #{number}'
            if isinstance(data, ValueError):
                ctx.add("schema.invalid-jsonld", page,
                        f"The structured data block #{number} on {page.path} is not valid JSON ({data}).",
                        element=element, value=str(data))
                continue
            problem = _problem(data)
            if problem:
                ctx.add("schema.invalid-jsonld", page,
                        f"The structured data block #{number} on {page.path} is not usable: {problem}.",
                        element=element, value=problem)
        _nap(ctx, page, parsed)
        _collect_phones(page, parsed, phones)
    _phone_conflicts(ctx, phones)
    home = site.pages.get("/")
    if home is not None and home.is_html and home.status == 200 and not business_nodes(ctx.jsonld(home)):
        ctx.add("schema.missing-business", home,
                "The home page (/) has no structured data describing the business (LocalBusiness or Organization "
                "in JSON-LD).", element='<script type="application/ld+json">')


def _phone_key(text: str) -> str:
    digits = "".join(_DIGITS.findall(text))
    return digits[-10:]  # the national number: "+1-802-555-0142" and "(802) 555-0142" agree


def _disagreements(block, node: dict) -> list[tuple[str, str, str]]:
    """(what, shown, in the data) for each part of the block that differs from ``node``."""
    found = []
    telephone = node.get("telephone")
    if isinstance(telephone, str) and _phone_key(telephone):
        shown = block.phones + [m.group(0) for m in _PHONE.finditer(block.text) if len(_DIGITS.findall(m.group(0))) >= 10]
        for phone in shown:
            if _phone_key(phone) and _phone_key(phone) != _phone_key(telephone):
                found.append(("phone number", phone, telephone))
                break
    address = node.get("address")
    if isinstance(address, dict):
        visible = fold(block.text)
        for key, label in (("streetAddress", "street address"), ("postalCode", "postal code")):
            value = address.get(key)
            if isinstance(value, str) and value.strip() and fold(" ".join(value.split())) not in visible:
                found.append((label, block.text, value))
    return found


def _nap(ctx: Context, page, parsed: list) -> None:
    """Each visible NAP block must agree with the JSON-LD node it shows.

    A block names its node with ``data-entity`` (or ``itemid``), the node's
    @id; a block without one must agree with one of the page's businesses.
    """
    if not page.nap:
        return
    nodes = _all_nodes(parsed)
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    businesses = None  # found when a block names no node
    for block in page.nap:
        if block.entity:
            node = by_id.get(block.entity)
            if node is None:
                if nodes:
                    ctx.add("schema.nap-mismatch", page,
                            f"The address block on {page.path} ({quote(block.text, 60)}) is for {block.entity}, "
                            "which the page's structured data does not describe.",
                            element=f'<address data-entity="{block.entity}">', target=block.entity)
                continue
            candidates = [node]
        else:
            if businesses is None:
                businesses = [n for n in nodes if set(_types(n)) & BUSINESS_TYPES]
            if not businesses:
                continue
            candidates = businesses
        problems = [_disagreements(block, node) for node in candidates]
        if all(problems):
            what, shown, data = problems[0][0]
            name = candidates[0].get("name") if isinstance(candidates[0].get("name"), str) else "the business"
            ctx.add("schema.nap-mismatch", page,
                    f"The {what} shown on {page.path} ({quote(shown, 70)}) differs from the structured data of "
                    f"{name}: {data!r}.",
                    element="<address>", value=shown, target=data)


def _address_key(address) -> str:
    """A postal address compared loosely: case, accents, punctuation and spacing do not matter."""
    if not isinstance(address, dict):
        return ""
    parts = [address.get(k) for k in ("streetAddress", "postalCode", "addressLocality")]
    if not isinstance(parts[0], str) or not parts[0].strip():
        return ""
    return " ".join(re.sub(r"[^\w]+", " ", fold(p)).strip() for p in parts if isinstance(p, str))


def _collect_phones(page, parsed: list, phones: dict) -> None:
    for node in _all_nodes(parsed):
        types = set(_types(node))
        if not types & BUSINESS_TYPES or types <= _NOT_LOCAL:
            continue
        key, telephone = _address_key(node.get("address")), node.get("telephone")
        if not key or not isinstance(telephone, str) or not _phone_key(telephone):
            continue
        name = node.get("name") if isinstance(node.get("name"), str) else "/".join(sorted(types))
        phones.setdefault(key, {}).setdefault(_phone_key(telephone), (page, telephone, name))


def _phone_conflicts(ctx: Context, phones: dict) -> None:
    """Two businesses at one postal address with different phone numbers: search engines pick one."""
    for numbers in phones.values():
        if len(numbers) < 2:
            continue
        (first, first_phone, first_name), *others = numbers.values()
        for page, phone, name in others:
            ctx.add("schema.nap-conflict", page,
                    f"{name} on {page.path} has the telephone {phone!r}, but {first_name} on {first.path} at the same "
                    f"address has {first_phone!r}: search engines see two phone numbers for one place.",
                    element='<script type="application/ld+json">', value=phone, target=ctx.site.url_for(first.path))
