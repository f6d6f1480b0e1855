"""The demo stores: ~60 real-sounding points of sale across Kazakhstan, more in Almaty and Astana."""

from __future__ import annotations

from dataclasses import dataclass

# city, IATA-like code, centre (lat, lon), malls/streets where phones are sold, and how many stores
CITIES: tuple[tuple[str, str, tuple[float, float], tuple[str, ...]], ...] = (
    ("Almaty", "ALA", (43.238, 76.889), (
        "Mega Alma-Ata", "Dostyk Plaza", "Esentai Mall", "Forum Almaty", "Aport Mall", "Moskva Metropolitan",
        "Sputnik", "ADK", "Mart", "Almaly", "Tole Bi 52", "Abay 109", "Raiymbek 239", "Rozybakiev 247",
    )),
    ("Astana", "AST", (51.128, 71.430), (
        "Khan Shatyr", "Mega Silk Way", "Keruen", "Asia Park", "Abu Dhabi Plaza", "Saryarka", "Aruzhan",
        "Kenesary 40", "Respublika 34", "Mangilik El 37", "Beibitshilik 25", "Sarayshyk 5",
    )),
    ("Shymkent", "CIT", (42.341, 69.590), ("Mega Shymkent", "Shymkent Plaza", "Shymkent City", "Tauke Khan 17", "Baitursynov 9", "Kunaev 59")),
    ("Karaganda", "KGF", (49.806, 73.085), ("City Mall", "Tair", "Bukhar Zhyrau 57", "Yerubaev 38", "Nurken Abdirov 15")),
    ("Aktobe", "AKX", (50.283, 57.167), ("Keruen City", "Mega Aktobe", "Abulkhair Khan 44", "Sankibai Batyr 1")),
    ("Pavlodar", "PWQ", (52.287, 76.967), ("Batyr Mall", "Toraigyrov 64", "Satpaev 75")),
    ("Atyrau", "GUW", (47.106, 51.918), ("Atyrau Plaza", "Baimukhanov 45", "Azattyk 74")),
    ("Oral", "URA", (51.233, 51.367), ("Sary-Arka", "Dostyk 186", "Kurmangazy 172")),
    ("Kostanay", "KSN", (53.214, 63.624), ("Kostanay Plaza", "Al-Farabi 119", "Baimagambetov 183")),
    ("Kyzylorda", "KZO", (44.853, 65.509), ("Syr Ana", "Auezov 12")),
    ("Ust-Kamenogorsk", "UKK", (49.948, 82.628), ("Adk Oskemen", "Nursat", "Ushanov 64")),
    ("Taraz", "DMB", (42.900, 71.367), ("Mega Taraz", "Tole Bi 36")),
    ("Semey", "PLX", (50.411, 80.227), ("Semey Plaza", "Shakarim 108")),
)  # fmt: skip

# chain, its code, how often it appears
CHAINS: tuple[tuple[str, str, int], ...] = (
    ("Technodom", "TDM", 30),
    ("Sulpak", "SUL", 25),
    ("Mechta", "MEC", 14),
    ("OPPO Store", "OPP", 10),
    ("Kaspi", "KSP", 8),
    ("Evrika", "EVR", 6),
    ("independent", "IND", 7),
)

SUPERVISORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # email, full name, the cities (or "Almaty:1" halves of a big city) they supervise
    ("nurlan.s@oppo.kz", "Нурлан Сейткали", ("Almaty:0",)),
    ("aliya.b@oppo.kz", "Алия Бекова", ("Almaty:1",)),
    ("yerlan.k@oppo.kz", "Ерлан Касымов", ("Astana:0",)),
    ("dinara.zh@oppo.kz", "Динара Жумабаева", ("Astana:1",)),
    ("bauyrzhan.t@oppo.kz", "Бауыржан Тулеев", ("Shymkent", "Taraz", "Kyzylorda")),
    ("gulnara.o@oppo.kz", "Гульнара Омарова", ("Karaganda", "Pavlodar", "Ust-Kamenogorsk", "Semey")),
    ("marat.a@oppo.kz", "Марат Ахметов", ("Aktobe", "Atyrau", "Oral")),
    ("saule.n@oppo.kz", "Сауле Нурпеисова", ("Kostanay",)),
)


@dataclass(frozen=True)
class DemoStore:
    code: str
    name: str
    chain: str
    city: str
    address: str
    latitude: float
    longitude: float
    region: str  # which supervisor: a city, or "Almaty:0" / "Almaty:1" for the halves of a big city


def _chain_for(index: int) -> tuple[str, str]:
    wheel = [(name, code) for name, code, weight in CHAINS for _ in range(weight)]
    return wheel[(index * 37) % len(wheel)]


def demo_stores() -> list[DemoStore]:
    """The same stores every time, in the same order."""
    stores: list[DemoStore] = []
    for city, city_code, (lat, lon), places in CITIES:
        for n, place in enumerate(places):
            chain, chain_code = _chain_for(len(stores))
            big_city = len(places) >= 10
            region = f"{city}:{n % 2}" if big_city else city
            label = chain if chain != "independent" else "Smart Point"
            stores.append(
                DemoStore(
                    code=f"{city_code}-{chain_code}-{n + 1:03d}",
                    name=f"{label} {place}",
                    chain=chain,
                    city=city,
                    address=f"{city}, {place}",
                    latitude=round(lat + ((n * 7) % 11 - 5) * 0.004, 5),
                    longitude=round(lon + ((n * 5) % 13 - 6) * 0.005, 5),
                    region=region,
                )
            )
    return stores
