"""Capability sets for EU actors: DEU data carry positions and saliences but no capabilities.

Each set is documented with its source. Member-state sets depend on the treaty period of the
proposal's introduction date; the Commission and the Parliament get a share of the member
states' total (an analyst's judgement, exposed as ``institution_share``).
"""

from __future__ import annotations

from datetime import date

__all__ = [
    "CAPABILITY_SETS",
    "capabilities_for",
    "council_votes",
    "COUNCIL_WEIGHTS_EU12",
    "COUNCIL_WEIGHTS_EU15",
    "COUNCIL_WEIGHTS_NICE",
    "POPULATION_2014",
]

#: Council votes under QMV 1986-1994 (Single European Act; Art. 148(2) EEC) [Thomson2006, ch. 1].
COUNCIL_WEIGHTS_EU12 = {
    "fr": 10,
    "de": 10,
    "it": 10,
    "uk": 10,
    "es": 8,
    "be": 5,
    "el": 5,
    "nl": 5,
    "pt": 5,
    "dk": 3,
    "ie": 3,
    "lu": 2,
}
#: Council votes 1995 - April 2004 (1994 Act of Accession; Art. 205(2) EC, Amsterdam), total 87.
COUNCIL_WEIGHTS_EU15 = {**COUNCIL_WEIGHTS_EU12, "at": 4, "se": 4, "fi": 3}
#: Council votes under the Treaty of Nice, Nov 2004 - Oct 2014 (Protocol on enlargement and
#: Acts of Accession 2003/2005/2011), total 352 for 28 states.
COUNCIL_WEIGHTS_NICE = {
    "de": 29,
    "fr": 29,
    "it": 29,
    "uk": 29,
    "es": 27,
    "pl": 27,
    "ro": 14,
    "nl": 13,
    "be": 12,
    "cz": 12,
    "el": 12,
    "hu": 12,
    "pt": 12,
    "at": 10,
    "bu": 10,
    "se": 10,
    "dk": 7,
    "ie": 7,
    "lt": 7,
    "sk": 7,
    "fi": 7,
    "cr": 7,
    "cy": 4,
    "ee": 4,
    "lv": 4,
    "lu": 4,
    "si": 4,
    "mt": 3,
}
#: Population in millions on 1 January 2014 (Eurostat demo_pjan, rounded to 0.01 M; approximate),
#: the basis of the Lisbon double majority (Art. 16(4) TEU) from November 2014.
POPULATION_2014 = {
    "de": 80.78,
    "fr": 65.86,
    "uk": 64.31,
    "it": 60.78,
    "es": 46.51,
    "pl": 38.02,
    "ro": 19.95,
    "nl": 16.83,
    "be": 11.20,
    "el": 10.93,
    "cz": 10.51,
    "pt": 10.43,
    "hu": 9.88,
    "se": 9.64,
    "at": 8.51,
    "bu": 7.25,
    "dk": 5.63,
    "fi": 5.45,
    "sk": 5.42,
    "ie": 4.61,
    "cr": 4.25,
    "lt": 2.94,
    "si": 2.06,
    "lv": 2.00,
    "ee": 1.32,
    "cy": 0.86,
    "lu": 0.55,
    "mt": 0.43,
}

CAPABILITY_SETS = {
    "equal": "every actor 1 (the salience-weighted baseline of the DEU literature)",
    "council": "Council QMV votes of the treaty period of the proposal's introduction "
    "(EU12 to 1994, EU15 1995-2004, Nice 2004-2014, Lisbon population shares from Nov 2014); "
    "Commission and Parliament each get `institution_share` of the member states' total",
    "population": "member states' population (Eurostat 2014, Lisbon-style); institutions as in "
    "'council'",
    "gdp": "member states' GDP figures from the DEU file's own GDP row; institutions as in "
    "'council'",
}


def council_votes(day: date | None) -> dict[str, float]:
    """Member states' QMV votes of the treaty period of ``day`` (Lisbon population from
    November 2014 and when the date is unknown), as the 'council' set uses them."""
    if day is None or day >= date(2014, 11, 1):
        return dict(POPULATION_2014)
    if day < date(1995, 1, 1):
        return dict(COUNCIL_WEIGHTS_EU12)
    if day < date(2004, 5, 1):
        return dict(COUNCIL_WEIGHTS_EU15)
    return dict(COUNCIL_WEIGHTS_NICE)


def capabilities_for(
    name: str,
    day: date | None,
    *,
    gdp: dict[str, float] | None = None,
    institution_share: float = 0.1,
) -> dict[str, float]:
    """Capability of every DEU actor under set ``name`` for a proposal introduced on ``day``."""
    if name == "equal":
        from .deu import DEU_ACTORS

        return {a: 1.0 for a in DEU_ACTORS}
    if name == "council":
        states = council_votes(day)
    elif name == "population":
        states = dict(POPULATION_2014)
    elif name == "gdp":
        if not gdp:
            raise ValueError("capability set 'gdp' needs the GDP row of the DEU file")
        states = dict(gdp)
    else:
        raise ValueError(f"capability set must be one of {sorted(CAPABILITY_SETS)}, got {name!r}")
    total = sum(states.values())
    states["com"] = institution_share * total
    states["ep"] = institution_share * total
    return {k: float(v) for k, v in states.items()}
