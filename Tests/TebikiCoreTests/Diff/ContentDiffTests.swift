import Foundation
import Testing
@testable import TebikiCore

@Suite struct ContentDiffTests {
    func parsed(_ files: [String: String]) throws -> ParsedSite {
        let (p, d) = ContentDiff.load(try Fixtures.inline(files))
        #expect(!d.hasErrors, "\(d.sorted)")
        return try #require(p)
    }

    let base = [
        "content/requirements/keep.md": Fixtures.requirement(id: "keep", extra: "facets:\n  phase: [contract]", body: "再委託は原則として禁止する。"),
        "content/requirements/gone.md": Fixtures.requirement(id: "gone", body: "約款による外部サービスでは要機密情報を扱わない。"),
        "content/requirements/old-name.md": Fixtures.requirement(id: "old-name", body: "媒体の運搬は受領から返却まで記録する。"),
    ]

    @Test func addedRemovedRenamedChangedAndMovedBetweenFacets() throws {
        let old = try parsed(base)
        var next = base
        next["content/requirements/gone.md"] = nil
        next["content/requirements/old-name.md"] = nil
        next["content/requirements/new-name.md"] = Fixtures.requirement(id: "new-name", body: "媒体の運搬は受領から返却まで記録する。")
        next["content/requirements/fresh.md"] = Fixtures.requirement(id: "fresh", body: "外部サービスの利用手続を定める。")
        next["content/requirements/keep.md"] = Fixtures.requirement(id: "keep", extra: "facets:\n  phase: [operation]", body: "再委託は必要な場合に限り認める。")
        let changes = ContentDiff.compare(old: old, new: try parsed(next))
        #expect(changes.map { "\($0.kind.rawValue):\($0.id)" } == ["added:fresh", "removed:gone", "renamed:new-name", "changed:keep"])
        #expect(changes[2].oldID == "old-name")
        let keep = changes[3]
        #expect(keep.fields.map(\.field) == ["facets.phase", "body"])
        #expect(keep.fields[0].before == .list(["contract"]) && keep.fields[0].after == .list(["operation"]))
        let report = ContentDiff.report(changes)
        #expect(report.contains("[ID変更] new-name（旧ID: old-name）"))
        #expect(report.contains("再委託は[-原則として禁止す-]{+必要な場合に限り認め+}る。"))
        #expect(report.contains("観点 phase: contract → operation"))
        // With site.yml's labels, a facet shows by its label, in the report and in the draft.
        #expect(ContentDiff.report(changes, facetLabels: ["phase": "段階"]).contains("観点 段階: contract → operation"))
        #expect(ContentDiff.draftHistory(changes, edition: "doc-b", facetLabels: ["phase": "段階"]).contains("観点 段階・本文が変わった。"))
    }

    /// A site that calls its requirements 取組 (the second site's strings.yml) reads 取組 in the
    /// report, in the draft's header and in `check --outdated`, never the built-in 規定.
    @Test func reportsUseTheSitesWordForRequirements() throws {
        let labels = KindLabels.of(folder: Fixtures.site("second-site"))
        #expect(labels[.requirement] == "取組" && labels[.glossary] == "用語")
        #expect(KindLabels.of(try SiteSource.read(from: Fixtures.site("second-site"))) == labels)
        #expect(KindLabels.builtin[.requirement] == "規定")
        #expect(ContentDiff.report([], labels: labels) == "取組に違いはありません。\n")
        var next = base
        next["content/requirements/gone.md"] = nil
        let changes = ContentDiff.compare(old: try parsed(base), new: try parsed(next))
        let report = ContentDiff.report(changes, labels: labels)
        #expect(report.hasPrefix("取組の違い: "))
        #expect(!report.contains("規定の違い"))
        #expect(ContentDiff.draftHistory(changes, edition: "doc-b", labels: labels).contains("各取組の front matter"))
        #expect(OlderEditions.report([], labels: labels) == "tebiki: 古い版だけを出典としている取組はありません。\n")
    }

    @Test func draftHistoryIsValidFrontMatterYAML() throws {
        let old = try parsed(base)
        var next = base
        next["content/requirements/keep.md"] = Fixtures.requirement(id: "keep", extra: "facets:\n  phase: [contract]", body: "再委託は必要な場合に限り認める。")
        let draft = ContentDiff.draftHistory(ContentDiff.compare(old: old, new: try parsed(next)), edition: "doc-b")
        let block = draft.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        let page = Fixtures.requirement(id: "keep", extra: "history:\n" + block.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        let site = try parsed(["content/requirements/keep.md": page])
        let entry = try #require(site.pages.first?.history.first)
        #expect(entry.change == .changed)
        #expect(entry.before?.trimmingCharacters(in: .newlines) == "再委託は原則として禁止する。")
        #expect(entry.after?.trimmingCharacters(in: .newlines) == "再委託は必要な場合に限り認める。")
    }

    /// `--json`: one object with the four kinds, each a list; sources as {doc, section} lists,
    /// a graded facet as value → grade, as data/catalog.json has them.
    @Test func jsonIsOneObjectWithSourcesAsLists() throws {
        let old = try parsed(base)
        var next = base
        next["content/requirements/gone.md"] = nil
        next["content/requirements/old-name.md"] = nil
        next["content/requirements/new-name.md"] = Fixtures.requirement(id: "new-name", body: "媒体の運搬は受領から返却まで記録する。")
        next["content/requirements/keep.md"] = Fixtures.requirement(id: "keep", extra: "facets:\n  phase: [contract]\n  form: {build: required}", body: "再委託は原則として禁止する。")
            .replacingOccurrences(of: "section: \"1.1\"", with: "section: \"1.1\"\n  - doc: doc-b\n    section: \"2.3\"")
        let changes = ContentDiff.compare(old: old, new: try parsed(next))
        let object = try #require(try JSONSerialization.jsonObject(with: ContentDiff.json(changes)) as? [String: [[String: Any]]])
        #expect(object.keys.sorted() == ["added", "changed", "removed", "renamed"])
        #expect(object["added"]?.isEmpty == true)
        #expect(object["removed"]?.map { $0["id"] as? String } == ["gone"])
        let renamed = try #require(object["renamed"]?.first)
        #expect(renamed["id"] as? String == "new-name" && renamed["oldId"] as? String == "old-name")
        #expect(renamed["sources"] as? [[String: String]] == [["doc": "doc-a", "section": "1.1"]])
        let keep = try #require(object["changed"]?.first)
        let fields = try #require(keep["fields"] as? [[String: Any]])
        #expect(fields.map { $0["field"] as? String } == ["sources", "facets.form"])
        #expect(fields[0]["before"] as? [[String: String]] == [["doc": "doc-a", "section": "1.1"]])
        #expect(fields[0]["after"] as? [[String: String]] == [["doc": "doc-a", "section": "1.1"], ["doc": "doc-b", "section": "2.3"]])
        #expect(fields[1]["before"] as? [String: String] == [:])
        #expect(fields[1]["after"] as? [String: String] == ["build": "required"])
        // No change at all is still one object, with four empty lists.
        let none = try #require(try JSONSerialization.jsonObject(with: ContentDiff.json([])) as? [String: [Any]])
        #expect(none.keys.sorted() == ["added", "changed", "removed", "renamed"] && none.values.allSatisfy(\.isEmpty))
    }

    /// `--draft-history` names an edition the new tree registers, or the draft would not validate.
    @Test func draftEditionMustBeRegistered() throws {
        let site = try parsed(base)
        #expect(ContentDiff.unknownEdition("doc-b", in: site) == nil)
        let typo = try #require(ContentDiff.unknownEdition("doc-bb", in: site))
        #expect(typo.contains("「doc-bb」は比較先の content/registries/sources.yml に登録されていません") && typo.contains("「doc-b」の誤りではありませんか"))
        let unknown = try #require(ContentDiff.unknownEdition("unified-standards-r7", in: site))
        #expect(unknown.contains("登録済みの版: doc-a、doc-b"))
    }

    @Test func noChangesSaysSo() throws {
        let a = try parsed(base)
        #expect(ContentDiff.compare(old: a, new: a).isEmpty)
        #expect(ContentDiff.report([]) == "規定に違いはありません。\n")
    }

    @Test func characterDiffOfJapaneseText() {
        let (before, after) = TextDiff.compare("外部委託先の再委託", "業務委託先の再委託")
        #expect(before.map(\.kind) == [.removed, .same])
        #expect(after.first == .init(kind: .inserted, text: "業務"))
    }

    /// A change in the middle: the common head and tail are kept, offsets land in place.
    @Test func changeBetweenCommonHeadAndTail() {
        let (before, after) = TextDiff.compare("委託先の管理を行う。", "委託先の監督を行う。")
        #expect(before == [.init(kind: .same, text: "委託先の"), .init(kind: .removed, text: "管理"), .init(kind: .same, text: "を行う。")])
        #expect(after == [.init(kind: .same, text: "委託先の"), .init(kind: .inserted, text: "監督"), .init(kind: .same, text: "を行う。")])
        let (b2, a2) = TextDiff.compare("契約書に明記する", "契約書に必ず明記する")
        #expect(b2 == [.init(kind: .same, text: "契約書に明記する")])
        #expect(a2 == [.init(kind: .same, text: "契約書に"), .init(kind: .inserted, text: "必ず"), .init(kind: .same, text: "明記する")])
    }
}
