"""schema.*: JSON-LD that parses, a business description, and visible NAP that matches it."""

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
_DIGITS = re.compile(r"\d")
_PHONE = re.compile(r"\+?\d[\d\s().\-]{6,}\d")


def _types(node: dict) -> list[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return [v.rsplit("/", 1)[-1].split(":")[-1] for v in values if isinstance(v, str)]


def _nodes(data) -> list[dict]:
    """Every object in a JSON-LD document, @graph members and nested values included."""
    found, stack = [], [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            found.append(item)
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
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


def business_nodes(page) -> list[dict]:
    nodes = []
    for raw in page.jsonld:
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        nodes += [n for n in _nodes(data) if set(_types(n)) & BUSINESS_TYPES]
    return nodes


def check(ctx: Context) -> None:
    site = ctx.site
    for page in site.html_pages():
        if page.status != 200:
            continue
        for number, raw in enumerate(page.jsonld, start=1):
            element = f'<script type="application/ld+json"> #{number}'
            try:
                data = json.loads(raw)
            except ValueError as exc:
                ctx.add("schema.invalid-jsonld", page,
                        f"The structured data block #{number} on {page.path} is not valid JSON ({exc}).",
                        element=element, value=str(exc))
                continue
            problem = _problem(data)
            if problem:
                ctx.add("schema.invalid-jsonld", page,
                        f"The structured data block #{number} on {page.path} is not usable: {problem}.",
                        element=element, value=problem)
        _nap(ctx, page)
    home = site.pages.get("/")
    if home is not None and home.is_html and home.status == 200 and not business_nodes(home):
        ctx.add("schema.missing-business", home,
                "The home page has no structured data describing the business (LocalBusiness or Organization "
                "in JSON-LD).", element='<script type="application/ld+json">')


def _phone_key(text: str) -> str:
    digits = "".join(_DIGITS.findall(text))
    return digits[-10:]  # national number: "+1-802-555-0142" and "(802) 555-0142" agree


def _nap(ctx: Context, page) -> None:
    if not page.nap and not page.phones:
        return
    nodes = business_nodes(page)
    visible = fold(" ".join(page.nap)) if nodes else ""
    for node in nodes:
        name = node.get("name") if isinstance(node.get("name"), str) else "the business"
        telephone = node.get("telephone")
        if isinstance(telephone, str) and telephone.strip():
            shown = [m.group(0) for m in _PHONE.finditer(" ".join(page.nap))] + page.phones
            wrong = sorted({p for p in shown if _phone_key(p) and _phone_key(p) != _phone_key(telephone)})
            if wrong:
                ctx.add("schema.nap-mismatch", page,
                        f"{page.path} shows the phone number {wrong[0]}, but its structured data gives {name}'s "
                        f"telephone as {telephone}.", element="<address> / tel: link", value=wrong[0],
                        target=telephone)
        address = node.get("address")
        if isinstance(address, dict) and page.nap:
            for key in ("streetAddress", "postalCode"):
                value = address.get(key)
                if isinstance(value, str) and value.strip() and fold(" ".join(value.split())) not in visible:
                    ctx.add("schema.nap-mismatch", page,
                            f"The address shown on {page.path} ({quote(' / '.join(page.nap), 80)}) does not contain "
                            f"the {key} {value!r} of the structured data.",
                            element="<address>", value=" / ".join(page.nap), target=value)
