import Foundation
import Testing
@testable import TebikiCore

@Suite struct OSCALTests {
    func model(_ source: SiteSource) throws -> SiteModel {
        var diagnostics = Diagnostics()
        let parsed = try #require(ParsePhase.run(source, diagnostics: &diagnostics))
        diagnostics.append(contentsOf: Validator.validate(parsed))
        #expect(!diagnostics.hasErrors, "\(diagnostics.sorted.map(\.description))")
        return SiteModel(parsed)
    }

    func minimal() throws -> SiteModel { try model(try SiteSource.read(from: Fixtures.site("minimal"))) }

    func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func controls(_ catalog: [String: Any]) -> [[String: Any]] {
        ((catalog["groups"] as? [[String: Any]]) ?? []).flatMap { ($0["controls"] as? [[String: Any]]) ?? [] }
    }

    func props(_ control: [String: Any]) -> [[String: String]] {
        (control["props"] as? [[String: String]]) ?? []
    }

    static let uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/

    @Test func everyRequirementIsAControlGroupedByFirstPhase() throws {
        let m = try minimal()
        let root = try json(try OSCALExport.catalog(m))
        let catalog = try #require(root["catalog"] as? [String: Any])
        #expect((catalog["uuid"] as? String)?.wholeMatch(of: Self.uuidPattern) != nil)
        let meta = try #require(catalog["metadata"] as? [String: String])
        #expect(meta["oscal-version"] == OSCALExport.oscalVersion)
        #expect(meta["title"] == "テスト手引")
        #expect(meta["last-modified"] == "2021-07-07T00:00:00+09:00")   // the newest source, not the clock
        #expect(controls(catalog).map { $0["id"] as! String }.sorted() == m.requirements.map(\.id).sorted())
        let groups = try #require(catalog["groups"] as? [[String: Any]])
        // Every phased requirement has contract first; operation stays empty and is left out.
        let unphased = m.requirements.contains { SiteModel.values(of: $0, facet: "phase").isEmpty }
        #expect(groups.map { $0["id"] as! String } == ["grp_phase_contract"] + (unphased ? ["grp_phase"] : []))
        #expect(groups.map { $0["title"] as! String } == ["契約"] + (unphased ? ["全段階"] : []))
        let contract = (groups[0]["controls"] as! [[String: Any]]).map { $0["id"] as! String }
        #expect(contract == ["contract-items", "subcontracting"])
    }

    @Test func controlCarriesFacetsGradesPartsAndLinks() throws {
        let catalog = try json(try OSCALExport.catalog(try minimal()))["catalog"] as! [String: Any]
        let c = try #require(controls(catalog).first { $0["id"] as? String == "subcontracting" })
        #expect(c["title"] as? String == "再委託を制限する")
        let ns = OSCALExport.namespace
        #expect(props(c) == [
            ["name": "phase", "value": "contract", "ns": ns],
            ["name": "form", "value": "build", "ns": ns, "class": "required"],
            ["name": "form", "value": "cloud", "ns": ns, "class": "na"],
        ])
        let parts = try #require(c["parts"] as? [[String: String]])
        #expect(parts[0] == ["id": "subcontracting_smt", "name": "statement", "prose": "再委託は原則として認めず、認める場合は同じ対策を求めます。"])
        #expect(parts[1]["name"] == "guidance" && parts[1]["prose"]!.hasPrefix("## 何を求めているか"))
        let links = try #require(c["links"] as? [[String: String]])
        #expect(links.contains(["href": "#contract-items", "rel": "related"]))
        let resources = try #require((catalog["back-matter"] as? [String: Any])?["resources"] as? [[String: Any]])
        #expect(resources.map { $0["title"] as! String } == ["旧ガイドライン", "新ガイドライン"])
        let newDoc = resources[1]
        #expect(links.contains(["href": "#\(newDoc["uuid"] as! String)", "rel": "reference", "text": "9.3.5"]))
        #expect(props(newDoc).contains(["name": "publisher", "value": "テスト省", "ns": ns]))
        #expect(props(newDoc).contains(["name": "date", "value": "2021-07-07", "ns": ns]))
        #expect((newDoc["citation"] as? [String: String])?["text"] == "テスト省『新ガイドライン』 令和3年度版（2021-07-07）")
    }

    @Test func retiredRequirementIsWithdrawnAndPointsAtItsSuccessor() throws {
        let m = try model(try Fixtures.inline([
            "content/requirements/a.md": Fixtures.requirement(id: "a"),
            "content/requirements/old.md": Fixtures.requirement(id: "old", extra: "status: retired\nsuccessor: a"),
        ]))
        let catalog = try json(try OSCALExport.catalog(m))["catalog"] as! [String: Any]
        let old = try #require(controls(catalog).first { $0["id"] as? String == "old" })
        #expect(props(old).contains(["name": "status", "value": "withdrawn"]))
        #expect((old["links"] as? [[String: String]])?.contains(["href": "#a", "rel": "incorporated-into"]) == true)
        let groups = try #require(catalog["groups"] as? [[String: Any]])
        #expect(groups.map { $0["title"] as! String } == ["全段階"])   // no phase at all
    }

    @Test func outputIsDeterministic() throws {
        let a = try minimal(), b = try minimal()
        #expect(try OSCALExport.catalog(a) == OSCALExport.catalog(b))
        let s = try #require(a.scenarios.first)
        #expect(try OSCALExport.profile(s, model: a) == OSCALExport.profile(b.scenarios[0], model: b))
        #expect(OSCALExport.uuid("x") == OSCALExport.uuid("x"))
        #expect(OSCALExport.uuid("x") != OSCALExport.uuid("y"))
        #expect(OSCALExport.uuid("x").wholeMatch(of: Self.uuidPattern) != nil)
    }

    @Test func fnvMatchesPublishedVectors() {
        var h = FNV1a128()
        h.update(Data("a".utf8))
        #expect(h.bytes.map { String(format: "%02x", $0) }.joined() == "d228cb696f1a8caf78912b704e4a8964")
    }

    @Test func profileSelectsExactlyTheLookupMatches() throws {
        let m = try minimal()
        let s = try #require(m.scenarios.first { $0.id == "scenario-cloud" })
        let root = try json(try OSCALExport.profile(s, model: m))
        let profile = try #require(root["profile"] as? [String: Any])
        #expect((profile["uuid"] as? String)?.wholeMatch(of: Self.uuidPattern) != nil)
        let imports = try #require(profile["imports"] as? [[String: Any]])
        #expect(imports.count == 1 && imports[0]["href"] as? String == "../catalog.json")
        let include = try #require(imports[0]["include-controls"] as? [[String: [String]]])
        // form: [cloud] — contract-items has form: all (applies), subcontracting has cloud = na (does not).
        #expect(include == [["with-ids": ["contract-items"]]])
        #expect((profile["metadata"] as? [String: Any])?["title"] as? String == "クラウドを使う")
    }

    @Test func emptyMatchStillMakesAValidImport() throws {
        let m = try model(try Fixtures.inline([
            "content/requirements/a.md": Fixtures.requirement(id: "a", extra: "facets:\n  form:\n    build: na"),
            "content/scenarios/s.md": "---\nid: s\ntitle: 場面\nsummary: 要約\nselection:\n  form: [build]\n---\n本文\n",
        ]))
        let imp = try #require((try json(try OSCALExport.profile(m.scenarios[0], model: m))["profile"] as? [String: Any])?["imports"] as? [[String: Any]])[0]
        #expect(imp["include-controls"] == nil)
        #expect(imp["include-all"] as? [String: String] == [:])
        #expect(imp["exclude-controls"] as? [[String: [[String: String]]]] == [["matching": [["pattern": "*"]]]])
    }

    @Test func lookupMatchFollowsTheSearchDocRule() throws {
        let config = """
        title: テスト
        grades:
          - { key: required, symbol: ○, label: 必須 }
          - { key: na, symbol: ×, label: 該当なし, applies: false }
        facets:
          - key: phase
            label: 段階
            kind: multi
            all: すべての段階
            values:
              - { key: contract, label: 契約 }
              - { key: operation, label: 履行中 }
          - key: form
            label: 委託の形態
            kind: graded
            all: すべての形態
            values:
              - { key: build, label: 構築 }
              - { key: cloud, label: クラウド }
        """
        let m = try model(try Fixtures.inline([
            "content/requirements/any.md": Fixtures.requirement(id: "any", extra: "facets:\n  phase: all\n  form: all"),
            "content/requirements/ops.md": Fixtures.requirement(id: "ops", extra: "facets:\n  phase: [operation]\n  form: all"),
            "content/requirements/build.md": Fixtures.requirement(id: "build", extra: "facets:\n  phase: all\n  form:\n    build: required\n    cloud: na"),
            "content/requirements/bare.md": Fixtures.requirement(id: "bare"),
            "content/requirements/gone.md": Fixtures.requirement(id: "gone", extra: "status: retired"),
        ], config: config))
        func matches(_ selection: [String: [String]]) -> [String] {
            let sel = selection.sorted { $0.key < $1.key }.map { key, values in
                FacetAssignment(facet: key, location: SourceLocation(path: ""), values: values.map { ($0, nil, SourceLocation(path: "")) })
            }
            return m.requirements.filter { LookupMatch.applies($0, selection: sel, config: m.config) }.map(\.id)
        }
        #expect(matches([:]) == ["any", "bare", "build", "ops"])                // retired never listed
        #expect(matches(["phase": ["contract"]]) == ["any", "build"])          // all = every phase; no value = not listed
        #expect(matches(["phase": ["contract", "operation"]]) == ["any", "build", "ops"])
        #expect(matches(["form": ["cloud"]]) == ["any", "ops"])                // na does not count
        #expect(matches(["form": ["cloud", "build"]]) == ["any", "build", "ops"])
        #expect(matches(["phase": []]) == ["any", "bare", "build", "ops"])     // empty selection = no filter
    }
}
