"""The store is a function of the records read, never of their order (rows, records, files)."""

import csv
import io
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from spaser.decp.importer import import_files
from tests.decp.factories import (
    AWARDEE,
    BUYER,
    DROP,
    OTHER_AWARDEE,
    marche,
    modification,
    query,
    titulaires,
    write_2022,
)


PROVENANCE = "source_file, source_position, read_seq, run_id"
SAME_COMPANY = "81450962600044"  # another establishment of AWARDEE's company
EXAMPLES = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def contents(store: Path) -> list[dict]:
    """The contracts without where and when they were read."""
    return query(store, f"SELECT * EXCLUDE ({PROVENANCE}) FROM contracts ORDER BY uid")


def import_both(tmp_path: Path, write, records: list, shuffled: list) -> tuple[list[dict], list[dict]]:
    stores = []
    for name, batch in (("given", records), ("shuffled", shuffled)):
        folder = tmp_path / name
        folder.mkdir()
        import_files(write(folder, batch), folder / "store")
        stores.append(contents(folder / "store"))
    return stores[0], stores[1]


RECORD = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["2024-A", "2024-B"]),
        "dateNotification": st.sampled_from(["2024-03-18", "2024-05-02", DROP]),
        "datePublicationDonnees": st.sampled_from(["2024-04-02", "2024-10-01", DROP]),
        "montant": st.sampled_from([100000.0, 80000.0]),
        "titulaires": st.sampled_from(
            [
                titulaires(AWARDEE),
                titulaires(OTHER_AWARDEE),
                titulaires(SAME_COMPANY),
                titulaires(AWARDEE, OTHER_AWARDEE),
            ]
        ),
        "objet": st.sampled_from(["Voirie", "Voirie – lot 2"]),
        "modifications": st.sampled_from(
            [[], [modification(1, montant=120000.0)], [modification(1), modification(2)]]
        ),
    }
).map(lambda fields: marche(**fields))


@EXAMPLES
@given(records=st.lists(RECORD, min_size=2, max_size=7), data=st.data(), one_file=st.booleans())
def test_json_records_in_any_order_give_the_same_contracts(records, data, one_file, tmp_path_factory):
    shuffled = data.draw(st.permutations(records))

    def write(folder: Path, batch: list[dict]) -> list[Path]:
        if one_file:
            return [write_2022(folder / "all.json", batch)]
        return [write_2022(folder / f"{index:02d}.json", [record]) for index, record in enumerate(batch)]

    given_order, other_order = import_both(tmp_path_factory.mktemp("json"), write, records, shuffled)

    assert given_order == other_order


TABULAR_HEADER = (
    "uid",
    "id",
    "acheteur_id",
    "titulaire_id",
    "titulaire_typeIdentifiant",
    "objet",
    "montant",
    "dateNotification",
    "datePublicationDonnees",
    "considerationsSociales",
    "modification_id",
)
ROW = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["202", "203"]),
        "titulaire_id": st.sampled_from([AWARDEE, OTHER_AWARDEE, SAME_COMPANY]),
        "objet": st.sampled_from(["Travaux", "Travaux de voirie"]),
        "montant": st.sampled_from(["21000.0", "37000.0", "17700000.0"]),
        "dateNotification": st.sampled_from(["2024-10-21", "2024-11-04", "2025-01-01", ""]),
        "datePublicationDonnees": st.sampled_from(["2024-11-01", "2025-01-15", ""]),
        "considerationsSociales": st.sampled_from(["Clause sociale", "Sans objet", ""]),
        "modification_id": st.sampled_from(["0", "0", "1", "2"]),
    }
)


def write_tabular(path: Path, rows: list[dict]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=TABULAR_HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "uid": BUYER + row["id"], "acheteur_id": BUYER, "titulaire_typeIdentifiant": "SIRET"})
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@EXAMPLES
@given(rows=st.lists(ROW, min_size=2, max_size=9), data=st.data(), with_states=st.booleans())
def test_tabular_rows_in_any_order_give_the_same_contracts(rows, data, with_states, tmp_path_factory):
    if not with_states:
        rows = [{**row, "modification_id": "0"} for row in rows]
    shuffled = data.draw(st.permutations(rows))

    given_order, other_order = import_both(
        tmp_path_factory.mktemp("tabular"),
        lambda folder, batch: [write_tabular(folder / "decp.csv", batch)],
        rows,
        shuffled,
    )

    assert given_order == other_order


def test_the_observed_decp_info_case_keeps_every_contract(tmp_path):
    """One id, six rows notified from 2024-10-21 to 2025-01-01, amounts from 21 k€ to 17.7 M€, three awardees,
    newest first as decp.info sorts them, no modification_id: six contracts, none dropped."""
    notified = ["2025-01-01", "2024-12-16", "2024-12-02", "2024-11-18", "2024-11-04", "2024-10-21"]
    amounts = ["17700000.0", "640000.0", "21000.0", "98000.0", "250000.0", "37000.0"]
    awardees = [AWARDEE, OTHER_AWARDEE, SAME_COMPANY] * 2
    rows = [
        {"id": "202", "titulaire_id": awardee, "objet": "Travaux", "montant": amount, "dateNotification": day,
         "datePublicationDonnees": "", "considerationsSociales": "", "modification_id": "0"}
        for day, amount, awardee in zip(notified, amounts, awardees, strict=True)
    ]  # fmt: skip
    store = tmp_path / "store"

    report = import_files([write_tabular(tmp_path / "decp.csv", rows)], store)

    assert (report.records_read, report.new) == (6, 6)
    found = query(store, "SELECT montant, dateNotification FROM contracts WHERE id = '202' ORDER BY montant")
    assert sum(row["montant"] for row in found) == sum(map(float, amounts))
    assert len({row["dateNotification"] for row in found}) == 6


def test_files_in_another_order_give_the_same_contracts(tmp_path):
    rng = random.Random(4)
    records = [
        marche(id=f"2024-{n % 4}", datePublicationDonnees=day, montant=amount, objet=f"Objet {n}")
        for n, (day, amount) in enumerate(
            [("2024-04-02", 1.0e5), ("2024-10-01", 1.0e5), ("2024-10-01", 9.0e4), ("2024-04-02", 9.0e4)] * 3
        )
    ]
    files = [write_2022(tmp_path / f"jour-{n}.json", records[n::4]) for n in range(4)]
    shuffled = rng.sample(files, len(files))
    found = []
    for name, order in (("given", files), ("reversed", files[::-1]), ("shuffled", shuffled)):
        import_files(order, tmp_path / name)
        found.append(contents(tmp_path / name))

    assert found[0] == found[1] == found[2]
    assert len(found[0]) == 4


def test_decp_info_states_are_modifications_never_other_contracts(tmp_path):
    """With modification_id, decp.info numbers the states of one uid: states 1 and 2, notified later with other
    amounts and awardees, are modifications of the contract of state 0 whatever the identity rule would say."""
    states = [
        ("0", "2024-10-21", "37000.0", AWARDEE),
        ("1", "2024-11-04", "250000.0", OTHER_AWARDEE),
        ("2", "2025-01-01", "17700000.0", SAME_COMPANY),
    ]
    rows = [
        {"id": "202", "titulaire_id": awardee, "objet": "Travaux", "montant": amount, "dateNotification": day,
         "datePublicationDonnees": "", "considerationsSociales": "", "modification_id": state}
        for state, day, amount, awardee in reversed(states)
    ]  # fmt: skip
    store = tmp_path / "store"

    report = import_files([write_tabular(tmp_path / "decp.csv", rows)], store)

    assert (report.records_read, report.new) == (1, 1)
    [contract] = query(store, "SELECT * FROM contracts WHERE id = '202'")
    assert (contract["montant"], contract["montant_actuel"]) == (37000.0, 17700000.0)
    assert [(m["id"], str(m["dateNotificationModification"])) for m in contract["modifications"]] == [
        (1, "2024-11-04"),
        (2, "2025-01-01"),
    ]
