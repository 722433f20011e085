"""Places on the route: launch beaches, landing places, checkpoints, drop points.

Coordinates are approximate public locations; launches move along the Côte d'Opale
between Dunkirk and Boulogne as the police cover one stretch and not another.
"""

from __future__ import annotations

BEACHES = (
    ("Plage de Gravelines", "Gravelines", "59820", 51.0113, 2.1040),
    ("Plage du Clipon", "Loon-Plage", "59279", 51.0232, 2.2060),
    ("Canal de l'Aa", "Gravelines", "59820", 50.9930, 2.1240),
    ("Plage de Malo-les-Bains", "Dunkerque", "59240", 51.0530, 2.4020),
    ("Plage de Sangatte", "Sangatte", "62231", 50.9460, 1.7500),
    ("Plage de Wissant", "Wissant", "62179", 50.8860, 1.6630),
    ("Dunes de la Slack", "Ambleteuse", "62164", 50.8090, 1.6040),
    ("Plage de Wimereux", "Wimereux", "62930", 50.7700, 1.6040),
    ("Plage du Portel", "Le Portel", "62480", 50.7080, 1.5700),
    ("Plage d'Équihen", "Équihen-Plage", "62224", 50.6810, 1.5690),
    ("Plage d'Hardelot", "Neufchâtel-Hardelot", "62152", 50.6380, 1.5810),
)
LANDINGS = (
    ("Western Jet Foil", "Dover", "CT17 9DQ", 51.1190, 1.3080),
    ("Dover Harbour", "Dover", "CT17 9BU", 51.1200, 1.3270),
    ("Dungeness beach", "Dungeness", "TN29 9NE", 50.9130, 0.9760),
    ("Folkestone Harbour", "Folkestone", "CT20 1QH", 51.0780, 1.1890),
    ("Deal beach", "Deal", "CT14 6HA", 51.2240, 1.4050),
    ("Kingsdown beach", "Kingsdown", "CT14 8AA", 51.1830, 1.4030),
)

CHECKPOINTS = {
    "DE-BPOL": (
        ("BAB 44 Aachen-Lichtenbusch", "Aachen", "DE"),
        ("BAB 4 Aachen-Vetschau", "Aachen", "DE"),
        ("BAB 3 Emmerich", "Emmerich am Rhein", "DE"),
    ),
    "NL-KMAR": (
        ("A67 Venlo", "Venlo", "NL"),
        ("A2 Maastricht", "Maastricht", "NL"),
        ("A16 Hazeldonk", "Breda", "NL"),
    ),
    "BE-FJP": (
        ("E40 Jabbeke", "Jabbeke", "BE"),
        ("E40 Groot-Bijgaarden", "Dilbeek", "BE"),
        ("E17 Kortrijk", "Kortrijk", "BE"),
    ),
}

# Where vans unload near the beaches (rest areas and industrial estates off the A16).
DROP_POINTS = (
    ("Aire de Saint-Laurent, A16", "Loon-Plage", "59279", 51.0011, 2.2181),
    ("Zone industrielle des Dunes", "Gravelines", "59820", 50.9991, 2.1310),
    ("Parking du Fort Vert", "Marck", "62730", 50.9830, 1.9740),
)
