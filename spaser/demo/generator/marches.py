"""Fresh marchés assembled row by row from the batches of `marche_rows`, and their re-publications."""

from dataclasses import dataclass

import numpy as np

from spaser.demo.generator.defects import DIRTY_KIND_NAMES, MARCHE_DEFECTS
from spaser.demo.generator.marche_rows import MarcheRows
from spaser.demo.generator.population import Population
from spaser.demo.generator.sampling import BATCH_SIZE
from spaser.demo.generator.schema import (
    CCAGS,
    COMMUNE_CODE,
    COUNTRY_CODE,
    DAY_NUMBER,
    DAYS,
    DEPARTEMENT_CODE,
    ENVIRONMENTAL_OPTIONS,
    EXTRACTION_DAY,
    FORMES_PRIX,
    GROUPEMENTS,
    LIEU_TYPES,
    MODALITE_OPTIONS,
    NATURES,
    PROCEDURES,
    REGION_CODE,
    SOCIAL_MARCHE_OPTIONS,
    TECHNIQUE_OPTIONS,
    TYPES_PRIX_OPTIONS,
    VARIATIONS_PRIX,
)
from spaser.demo.generator.vocabulary import (
    CPV_ENTRIES,
    CPV_GROUPS,
    DEPT_CODES,
    DEPT_REGIONS,
    DESTINATIONS,
    EXTERIEURS,
    LIEUX,
    NEUFS,
    SECTEURS,
    VOIES,
    CpvEntry,
)


def _lieu_code(kind: int, dept: int, uniform: float) -> str:
    code = DEPT_CODES[dept]
    if kind == DEPARTEMENT_CODE:
        return code
    if kind == REGION_CODE:
        return DEPT_REGIONS[dept]
    if kind == COUNTRY_CODE:
        return "FR"
    if kind == COMMUNE_CODE:
        return f"{code}{1 + int(uniform * 30):02d}" if len(code) == 3 else f"{code}{1 + int(uniform * 600):03d}"
    if len(code) == 3:
        return f"{code}{int(uniform * 10)}0"
    if code == "2A":
        return f"20{int(uniform * 20):02d}0"
    if code == "2B":
        return f"20{20 + int(uniform * 40)}0"
    return f"{code}{int(uniform * 100):02d}0"


def _fill(template: str, slots: list[int], year: str) -> str:
    lieu, voie, ext, dest, neuf, secteur = slots
    return template.format(
        lieu=LIEUX[lieu],
        voie=VOIES[voie],
        ext=EXTERIEURS[ext],
        dest=DESTINATIONS[dest],
        neuf=NEUFS[neuf],
        annee=year,
        secteur=SECTEURS[secteur],
    )


def _marche_id(style: int, year: str, number: int, lot: int) -> str:
    """Identifier of at most 16 characters in one of the styles producers use."""
    if style == 0:
        return f"{year}-{number:06d}-{max(lot, 1):02d}"
    if style == 1:
        return f"{year[2:]}-{number:07d}" + (f"-{lot}" if lot else "")
    if style == 2:
        return f"{year}{number:06d}" + (f"-{lot}" if lot else "")
    return f"{year[2:]}MP{number:05d}" + (f"_LOT{lot}" if lot else "")


@dataclass(frozen=True)
class _Chain:
    """The consultation whose lots are being written."""

    number: int
    style: int
    operation: str
    lot: int
    identifier: str  # of the last lot written


class MarcheFactory:
    """Builds fresh marchés row by row from vectorised batches, and re-publications of earlier ones."""

    def __init__(self, rng: np.random.Generator, population: Population, total: int, force_every_dirty_kind: bool):
        self._rng = rng
        self._population = population
        self._total = max(total, 1)
        self._numbers = list(population.buyers.first_number)
        self._force = force_every_dirty_kind
        self._rows: MarcheRows | None = None
        self._row = 0
        self._chain: _Chain | None = None
        self._previous_awardees: list[int] = []

    def fresh(self, slot: int, remaining: int) -> tuple[dict, str | None, bool]:
        """The next fresh record, its defect if any, and whether it reuses the id of the previous lot."""
        if self._rows is None or self._row >= self._rows.size:
            size = max(1, min(BATCH_SIZE, remaining))
            position = (slot + np.arange(size)) / self._total
            self._rows = MarcheRows(self._rng, self._population, size, position, self._force)
            self._force = False
            self._row = 0
        row = self._row
        self._row += 1
        record = self._build(self._rows, row)
        dirty = self._rows.dirty[row]
        kind = None
        if dirty:
            kind = DIRTY_KIND_NAMES[dirty - 1]
            MARCHE_DEFECTS[kind](record, self._rows.dirty_uniform[row], self._population)
        return record, kind, self._rows.link[row] == 2

    def _build(self, rows: MarcheRows, row: int) -> dict:
        buyer = rows.buyer[row]
        notification = rows.notification[row]
        year = DAYS[notification][:4]
        cpv = rows.cpv[row]
        entry = CPV_ENTRIES[cpv]
        identifier, objet = self._identity(rows, row, buyer, year, entry)
        duration = rows.duration[row]
        record = {
            "id": identifier,
            "acheteur": {"id": self._population.buyers.sirets[buyer][rows.site[row]]},
            "nature": NATURES[rows.nature[row]],
            "objet": objet,
            "codeCPV": entry.code,
            "procedure": PROCEDURES[rows.procedure[row]],
            "lieuExecution": {
                "code": _lieu_code(rows.lieu_type[row], rows.lieu_dept[row], rows.lieu_uniform[row]),
                "typeCode": LIEU_TYPES[rows.lieu_type[row]],
            },
            "dureeMois": duration,
            "dateNotification": DAYS[notification],
            "datePublicationDonnees": DAYS[rows.publication[row]],
            "montant": rows.amount[row],
            "formePrix": FORMES_PRIX[rows.forme_prix[row]],
            "attributionAvance": rows.advance[row],
        }
        if rows.advance_rate[row] is not None:
            record["tauxAvance"] = rows.advance_rate[row]
        record["offresRecues"] = rows.offers[row]
        record["marcheInnovant"] = rows.innovant[row]
        record["ccag"] = CCAGS[rows.ccag[row]]
        record["sousTraitanceDeclaree"] = rows.declared[row] or rows.acte_count[row] > 0
        titulaires = self._titulaires(rows, row)
        record["typeGroupementOperateurs"] = GROUPEMENTS[rows.groupement[row] if len(titulaires) > 1 else 0]
        if rows.framework_number[row]:
            record["idAccordCadre"] = (
                f"AC{int(year) - 1 - rows.framework_number[row] % 2}-{rows.framework_number[row]:04d}"
            )
        record["titulaires"] = titulaires
        record["considerationsSociales"] = SOCIAL_MARCHE_OPTIONS[rows.social[row]]
        record["considerationsEnvironnementales"] = ENVIRONMENTAL_OPTIONS[rows.environmental[row]]
        record["modalitesExecution"] = MODALITE_OPTIONS[rows.modalite[row]]
        record["techniques"] = TECHNIQUE_OPTIONS[rows.technique[row]]
        record["typesPrix"] = TYPES_PRIX_OPTIONS[rows.types_prix[row]]
        if rows.origin[row]:
            record["origineUE"] = rows.origine_ue[row]
            record["origineFrance"] = rows.origine_france[row]
        if rows.acte_count[row]:
            record["actesSousTraitance"] = self._actes(rows, row, notification, duration)
        if rows.modification_count[row]:
            record["modifications"] = self._modifications(rows, row, duration)
        return record

    def _identity(self, rows: MarcheRows, row: int, buyer: int, year: str, entry: CpvEntry) -> tuple[str, str]:
        """Identifier and objet; the lots of one consultation share the operation and a numbering."""
        link = rows.link[row]
        if link == 0:
            self._numbers[buyer] += 1
            number, style = self._numbers[buyer], self._population.buyers.id_style[buyer]
            if not rows.starts_chain[row]:
                self._chain = None
                template = entry.objets[int(rows.objet_uniform[row] * len(entry.objets))]
                return _marche_id(style, year, number, 0), _fill(template, rows.slots[row], year)
            operations = CPV_GROUPS[entry.group].operations
            operation = _fill(operations[int(rows.objet_uniform[row] * len(operations))], rows.slots[row], year)
            identifier = _marche_id(style, year, number, 1)
            self._chain = _Chain(number, style, operation, 1, identifier)
            return identifier, f"{operation} : Lot 1 : {entry.lot}"
        chain = self._chain
        lot = chain.lot + 1
        # Some buyers give every lot the id of the consultation: the lot then repeats the previous lot's id.
        identifier = chain.identifier if link == 2 else _marche_id(chain.style, year, chain.number, lot)
        self._chain = _Chain(chain.number, chain.style, chain.operation, lot, identifier)
        return identifier, f"{chain.operation} : Lot {lot} : {entry.lot}"

    def _titulaires(self, rows: MarcheRows, row: int) -> list[dict]:
        awardees = self._population.awardees
        # Co-contractors are distinct companies, and a lot reusing the previous lot's id goes to someone else.
        excluded = self._previous_awardees if rows.link[row] == 2 else []
        chosen: list[int] = []
        for column in range(rows.titulaire_count[row]):
            awardee = rows.titulaires[column][row]
            while awardee in chosen or awardee in excluded:
                awardee = (awardee + 1) % len(awardees.ids)
            chosen.append(awardee)
        self._previous_awardees = chosen
        return [{"titulaire": {"typeIdentifiant": awardees.kinds[a], "id": awardees.ids[a]}} for a in chosen]

    def _actes(self, rows: MarcheRows, row: int, notification: int, duration: int) -> list[dict]:
        awardees = self._population.awardees
        uniforms = rows.acte_uniforms[row]
        actes = []
        for number in range(1, rows.acte_count[row] + 1):
            signed = min(notification + int(uniforms[number] * 60), EXTRACTION_DAY - 30)
            subcontractor = rows.subcontractors[number - 1][row]
            acte = {
                "id": number,
                "sousTraitant": {"typeIdentifiant": awardees.kinds[subcontractor], "id": awardees.ids[subcontractor]},
                "dureeMois": max(1, duration - int(uniforms[2] * duration / 2)),
                "dateNotification": DAYS[signed],
                "datePublicationDonnees": DAYS[signed + int(uniforms[3] * 20)],
                "montant": max(1, int(float(rows.amount[row]) * (0.05 + 0.25 * uniforms[4]))),
                "variationPrix": VARIATIONS_PRIX[int(uniforms[0] * 3)],
            }
            actes.append({"acteSousTraitance": acte})
        return actes

    def _modifications(self, rows: MarcheRows, row: int, duration: int) -> list[dict]:
        uniforms = rows.modification_uniforms[row]
        amount, modifications = float(rows.amount[row]), []
        for number in range(1, rows.modification_count[row] + 1):
            day = rows.modification_days[row][number - 1]
            offset = 4 * (number - 1)
            change = _modification_change(uniforms[offset : offset + 3], amount, duration)
            amount = change.get("montant", amount)
            duration = change.get("dureeMois", duration)
            modification = {
                "id": number,
                "dateNotificationModification": DAYS[day],
                "datePublicationDonneesModification": DAYS[day + int(uniforms[offset + 3] * 30)],
                **change,
            }
            modifications.append({"modification": modification})
        return modifications

    @staticmethod
    def republish(record: dict, uniforms: list[float]) -> None:
        """Append one modification, as a producer re-publishing the marché after an amendment."""
        modifications = list(record.get("modifications", []))
        amount, duration = float(record["montant"]), record["dureeMois"]
        last_day = DAY_NUMBER[record["dateNotification"]]
        for item in modifications:
            modification = item["modification"]
            last_day = DAY_NUMBER[modification["dateNotificationModification"]]
            amount = modification.get("montant", amount)
            duration = modification.get("dureeMois", duration)
        day = min(last_day + 10 + int(uniforms[0] * 120), max(last_day + 1, EXTRACTION_DAY - 40))
        publication = day + int(uniforms[1] * 30)
        modification = {
            "id": len(modifications) + 1,
            "dateNotificationModification": DAYS[day],
            "datePublicationDonneesModification": DAYS[publication],
            **_modification_change(uniforms[2:5], amount, duration),
        }
        record["modifications"] = [*modifications, {"modification": modification}]
        record["datePublicationDonnees"] = DAYS[max(publication, DAY_NUMBER[record["datePublicationDonnees"]])]


def _modification_change(uniforms, amount: float, duration: int) -> dict:
    """A modification carries only what changed: the new total amount, the new duration, or both."""
    change: dict = {}
    changes_amount = uniforms[0] < 0.7
    if changes_amount:
        change["montant"] = round(amount * (1.02 + 0.13 * uniforms[1]), 2)
    if not changes_amount or uniforms[2] < 0.35:
        change["dureeMois"] = duration + 1 + int(uniforms[2] * 12)
    return change
