"""The demo's profile texts and hours confirmation dates (lieux/demo.py seeds them)."""

# Dutch and English versions of the guide's French descriptions, for the demo's nl/en pages:
# translations only, no fact the French text does not state. Some lieux keep none, so the
# marked French fallback shows too. Written only where a lieu has no such text yet.
DEMO_TEXTS: dict[str, dict[str, str]] = {
    "babel-zin": {
        "description_nl": "Laagdrempelige, participatieve gemeenschapsplek. Deelnemers kunnen er"
        " even tot rust komen, een koffie drinken of activiteiten voorstellen. Iedereen komt"
        " vrij binnen; de plek is zelfbeheerd.",
        "description_en": "A low-threshold, participatory community drop-in. Participants can"
        " sit down, have a coffee or suggest activities. Anyone may come; the place is"
        " self-managed.",
    },
    "circuit": {
        "description_nl": "Ontmoetingsplek van het Centre Antonin Artaud. Een gezellige ruimte"
        " om elkaar te ontmoeten, soep te eten, te lezen, te tekenen of te breien. Koffie,"
        " thee en soep tegen democratische prijzen; open voor iedereen, niemand uitgesloten.",
        "description_en": "The drop-in of the Centre Antonin Artaud. A friendly space to meet,"
        " have soup, read, draw or knit. Coffee, tea and soup at low prices; open to all,"
        " nobody excluded.",
    },
    "espace-jv-jean-vermeylen": {
        "description_nl": "Sociotherapeutische plek voor mensen van 16 tot 65 jaar met een band"
        " met Anderlecht. Gratis en zonder inschrijving.",
        "description_en": "A socio-therapeutic place for people aged 16 to 65 with a link to"
        " Anderlecht. Free, no registration.",
    },
    "l-entr-act": {
        "description_nl": "Onthaalplek die open is in het weekend en op feestdagen, wanneer de"
        " meeste andere plekken dicht zijn: babbelkoffie, kleine hapjes met vrije bijdrage,"
        " gezellige activiteiten. Gedragen door WOPS (Woluwé-Psycho-Social).",
    },
    "le-delta": {
        "description_nl": "Onthaalplek zonder voorwaarden waar men spontane activiteiten deelt"
        " (koekjes bakken, spelletjes, muziekquiz) om het isolement te doorbreken.",
        "description_en": "A drop-in with no conditions where people share spontaneous"
        " activities (baking biscuits, games, a music quiz), to break isolation.",
    },
}
# Days before the demo day the demo hours were last confirmed: most recently, one long ago
# (past LIEUX_HOURS_STALE_DAYS' default of 90), so the "to be confirmed" wording shows too.
DEMO_VERIFIED_DAYS_AGO = {
    "babel-zin": 6,
    "circuit": 2,
    "club-55": 13,
    "club-norwest": 20,
    "coin-des-cerises": 9,
    "espace-51": 1,
    "espace-jv-jean-vermeylen": 27,
    "l-entr-act": 4,
    "la-trace": 15,
    "le-delta": 140,
    "le-pianocktail": 3,
}
