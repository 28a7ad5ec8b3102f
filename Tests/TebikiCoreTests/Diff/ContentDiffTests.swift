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
        #expect(keep.fields[0].before == "contract" && keep.fields[0].after == "operation")
        let report = ContentDiff.report(changes)
        #expect(report.contains("[ID変更] new-name（旧ID: old-name）"))
        #expect(report.contains("再委託は[-原則として禁止す-]{+必要な場合に限り認め+}る。"))
        #expect(report.contains("観点 phase: contract → operation"))
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
