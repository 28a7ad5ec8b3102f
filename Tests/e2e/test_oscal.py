"""The OSCAL exports of the default site (exports/oscal/), validated with compliance-trestle's
OSCAL models and profile resolver, and checked against data/catalog.json and the lookup rule
of docs/search.md recomputed here from data/lookup.js."""
import json
import os
import pathlib
import re

import pytest
import trestle  # compliance-trestle, installed by scripts/ensure-deps.sh test
from trestle.oscal import OSCAL_VERSION_REGEX
from trestle.oscal.catalog import Catalog
from trestle.oscal.profile import Profile
try:  # trestle 4+ only (OSCAL 1.2): flags 1.1 shapes that 1.2 no longer accepts
    from trestle.core.oscal_backward_compatibility import check_file
except ImportError:  # trestle 3.x validates OSCAL 1.1.x, which is what Tebiki writes
    def check_file(path):
        return []
from trestle.core.profile_resolver import ProfileResolver

from conftest import load_lookup


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def oscal_dir(site_dir):
    d = os.path.join(site_dir, "exports", "oscal")
    assert os.path.isfile(os.path.join(d, "catalog.json")), "exports/oscal/catalog.json was not built"
    return d


@pytest.fixture(scope="module")
def requirements(site_dir):
    return load(os.path.join(site_dir, "data", "catalog.json"))["requirements"]


@pytest.fixture(scope="module")
def lookup(site_dir):
    return load_lookup(site_dir)


def profile_paths(oscal_dir):
    d = os.path.join(oscal_dir, "profiles")
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".json"))


def applies(req, selection, facets):
    """docs/search.md matching rule (issue 15), written independently of the Swift LookupMatch:
    a facet left empty does not filter (opt-in values excepted); a selected facet needs `all`
    or a selected value (graded: grade other than na); no value is not a match."""
    if req.get("status", "active") != "active":
        return False
    own = req.get("facets") or {}
    for f in facets:
        chosen = selection.get(f["key"]) or []
        v = own.get(f["key"])
        if isinstance(v, str):
            v = [v]
        if not chosen:
            opt_in = {x["key"] for x in f["values"] if x.get("optIn")}
            if v and opt_in and all(k in opt_in for k in v):
                return False
            continue
        if not v:
            return False
        if "all" in v:
            continue
        if isinstance(v, dict):  # graded: value -> grade ("" = applies without a grade)
            ok = any(c in v and v[c] != "na" for c in chosen)
        else:
            ok = any(c in v for c in chosen)
        if not ok:
            return False
    return True


def walk_controls(catalog_json):
    for g in catalog_json["catalog"].get("groups", []):
        yield from g.get("controls", [])


def test_catalog_is_valid_oscal(oscal_dir):
    path = pathlib.Path(oscal_dir, "catalog.json")
    raw = load(path)
    version = raw["catalog"]["metadata"]["oscal-version"]
    assert re.match(OSCAL_VERSION_REGEX, version), f"oscal-version {version} is not one trestle {trestle.__version__} supports ({OSCAL_VERSION_REGEX})"
    assert check_file(path) == []
    catalog = Catalog.oscal_read(path)  # pydantic models: types, patterns, required fields, no extra keys
    assert catalog is not None and catalog.groups


def test_every_requirement_is_a_control(oscal_dir, requirements):
    raw = load(os.path.join(oscal_dir, "catalog.json"))
    controls = {c["id"]: c for c in walk_controls(raw)}
    assert sorted(controls) == sorted(r["id"] for r in requirements)
    for r in requirements:
        c = controls[r["id"]]
        assert c["title"] == r["title"]
        parts = {p["name"]: p["prose"] for p in c["parts"]}
        assert parts["statement"] == r["summary"]
        props = {(p["name"], p["value"], p.get("class")) for p in c.get("props", []) if p.get("ns")}
        for key, v in r["facets"].items():
            expected = {(key, val, grade or None) for val, grade in v.items()} if isinstance(v, dict) else {(key, val, None) for val in v}  # "" = applies, no grade
            assert expected <= props, f"{r['id']}: facet {key}"
        withdrawn = {"name": "status", "value": "withdrawn"} in c.get("props", [])
        assert withdrawn == (r["status"] != "active"), r["id"]


def test_catalog_references_resolve_and_uuids_are_unique(oscal_dir):
    raw = load(os.path.join(oscal_dir, "catalog.json"))
    resources = raw["catalog"]["back-matter"]["resources"]
    uuids = [raw["catalog"]["uuid"]] + [r["uuid"] for r in resources]
    assert len(uuids) == len(set(uuids))
    ids = {c["id"] for c in walk_controls(raw)}
    targets = ids | {r["uuid"] for r in resources}
    for c in walk_controls(raw):
        for link in c.get("links", []):
            if link["href"].startswith("#"):
                assert link["href"][1:] in targets, f"{c['id']}: {link['href']}"
        assert any(l["rel"] == "reference" for l in c["links"]), f"{c['id']} cites no source"


def test_one_profile_per_scenario(oscal_dir, lookup):
    names = [os.path.basename(p)[: -len(".json")] for p in profile_paths(oscal_dir)]
    assert names == sorted(s["id"] for s in lookup["scenarios"])


def test_profiles_are_valid_and_select_the_lookup_result(oscal_dir, requirements, lookup, tmp_path_factory, monkeypatch):
    by_id = {s["id"]: s for s in lookup["scenarios"]}
    trestle_root = tmp_path_factory.mktemp("trestle")
    (trestle_root / ".trestle").mkdir()
    monkeypatch.chdir(os.path.join(oscal_dir, "profiles"))  # trestle resolves relative hrefs from the cwd
    for path in profile_paths(oscal_dir):
        sid = os.path.basename(path)[: -len(".json")]
        raw = load(path)
        assert re.match(OSCAL_VERSION_REGEX, raw["profile"]["metadata"]["oscal-version"])
        assert check_file(pathlib.Path(path)) == []
        assert Profile.oscal_read(pathlib.Path(path)) is not None
        expected = {r["id"] for r in requirements if applies(r, by_id[sid]["selection"], lookup["facets"])}
        imp = raw["profile"]["imports"]
        assert len(imp) == 1 and imp[0]["href"] == "../catalog.json"
        with_ids = [i for sel in imp[0].get("include-controls", []) for i in sel.get("with-ids", [])]
        assert len(with_ids) == len(set(with_ids))
        assert set(with_ids) == expected, f"{sid}: extra {set(with_ids) - expected}, missing {expected - set(with_ids)}"
        # Resolving the profile against the catalog gives exactly those controls.
        resolved = ProfileResolver.get_resolved_profile_catalog(trestle_root, os.path.basename(path))
        got = {c.id for g in resolved.groups or [] for c in g.controls or []} | {c.id for c in resolved.controls or []}
        assert got == expected, sid
