"""Reading both layouts, and bad input naming row and field."""

import pytest

from deliberatie.core.errors import InputError
from deliberatie.core.sortition import parse_people, parse_quotas, read_instance
from deliberatie.core.sortition.instance import group_types

SF_QUOTAS = "feature,value,min,max,min_flex,max_flex\ngender,f,1,2,0,3\ngender,m,1,2,0,3\nage,young,0,2,,\nage,old,0,2,,\n"
SF_PEOPLE = "pid,name,gender,age,street\nb,Bea,f,young,x1\na,Ann,f,old,x1\nc,Cor,m,old,x2\nd,Dirk,m,young,x3\n"


def test_sortition_foundation_layout():
    quotas = parse_quotas(SF_QUOTAS)
    assert [(q.category, q.value, q.min, q.max) for q in quotas][0] == ("gender", "f", 1, 2)
    assert quotas[0].max_flex == 3 and quotas[2].min_flex is None
    inst = parse_people(SF_PEOPLE, quotas, household_columns=("street",))
    assert inst.ids == ("a", "b", "c", "d")  # canonical order
    assert inst.categories == ("age", "gender")
    assert inst.features[0] == ("old", "f")
    assert inst.households[0] == inst.households[1] != inst.households[2]


def test_category_name_header_and_replication_ids():
    quotas = parse_quotas("category,name,min,max\ng,f,0,1\ng,m,0,1\n")
    inst = parse_people("g\nm\nf\nm\n", quotas)
    assert inst.ids == ("r0", "r1", "r2")
    assert dict(zip(inst.ids, inst.features))["r1"] == ("f",)


def test_folder_layouts_and_hash_independent_of_order(shared_dir, tmp_path):
    folder = shared_dir / "data" / "sortition" / "example_small_20"
    inst, files = read_instance(folder)
    assert inst.n == 200 and files["people"]["path"].endswith("respondents.csv")
    lines = (folder / "respondents.csv").read_text().splitlines()
    sf_people = "id," + lines[0] + "\n" + "\n".join(f"r{i},{line}" for i, line in reversed(list(enumerate(lines[1:]))))
    (tmp_path / "people.csv").write_text(sf_people)
    (tmp_path / "quotas.csv").write_text((folder / "categories.csv").read_text().replace(
        "category,feature", "feature,value"))
    other, _ = read_instance(tmp_path / "people.csv", tmp_path / "quotas.csv")
    assert other.sha256() == inst.sha256()


def test_types_group_identical_people():
    inst = parse_people(SF_PEOPLE, parse_quotas(SF_QUOTAS), household_columns=("street",))
    types = group_types(inst, households=False)
    assert sum(types.sizes) == 4 and len(types.sizes) == 4
    inst2 = parse_people("id,gender,age\n" + "\n".join(f"p{i},f,old" for i in range(50)), parse_quotas(SF_QUOTAS))
    assert group_types(inst2).sizes == (50,)
    with_households = group_types(inst, households=True)
    assert with_households.household_groups == ((0, 1),) or len(with_households.household_groups) == 1


@pytest.mark.parametrize("people, code, row, field", [
    ("pid,gender,age\na,f,young\nb,x,old\n", "sortition.unknown_value", 3, "gender"),
    ("pid,gender,age\na,f,young\na,m,old\n", "sortition.duplicate_id", 3, "pid"),
    ("pid,gender,age\na,f,young\nb,m\n", "sortition.malformed_csv", 3, None),
    ("pid,gender\na,f\n", "sortition.missing_column", 1, "age"),
    ("pid,gender,age\n,f,young\n", "sortition.missing_id", 2, "pid"),
])
def test_bad_people(people, code, row, field):
    with pytest.raises(InputError) as info:
        parse_people(people, parse_quotas(SF_QUOTAS), file="people.csv")
    assert info.value.code == code
    assert info.value.params["row"] == row
    assert info.value.params.get("field") == field
    assert "people.csv" in str(info.value)


@pytest.mark.parametrize("quotas, code, row", [
    ("feature,value,min,max\ng,f,x,2\n", "sortition.not_an_integer", 2),
    ("feature,value,min,max\ng,f,3,2\n", "sortition.bad_quota_bounds", 2),
    ("feature,value,min,max,min_flex,max_flex\ng,f,1,2,0,3\ng,m,1,2,2,3\n", "sortition.bad_flex", 3),
    ("feature,value,min,max,min_flex,max_flex\ng,f,1,2,0,1\n", "sortition.bad_flex", 2),
    ("feature,value,min,max\ng,f,1,2\ng,f,1,2\n", "sortition.duplicate_quota", 3),
    ("feat,val,lo,hi\ng,f,1,2\n", "sortition.bad_quota_header", 1),
    ('feature,value,min,max\n"g,f,1,2\n', "sortition.malformed_csv", None),
])
def test_bad_quotas(quotas, code, row):
    with pytest.raises(InputError) as info:
        parse_quotas(quotas, file="q.csv")
    assert info.value.code == code
    assert info.value.params.get("row") == row
