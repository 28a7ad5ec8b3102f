import Foundation
import Testing
@testable import TebikiCore

/// A build over the previous output (pages reused from the build cache, unchanged files
/// hard-linked) must give exactly the bytes of a clean build of the same inputs, whatever
/// changed: a page's text or title, pages added, removed or renamed, site.yml, the theme, the
/// registries (issue 18).
@Suite struct IncrementalTests {
    /// Every file under `folder` (relative path → bytes).
    static func tree(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let base = folder.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: base) else { return files }
        while let relative = walker.nextObject() as? String {
            var st = stat()
            guard lstat(base + "/" + relative, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { continue }
            files[relative] = try Data(contentsOf: URL(fileURLWithPath: base + "/" + relative))
        }
        return files
    }

    /// Builds `source` over `incremental` (the previous output and its cache) and into a fresh
    /// folder without a cache, and expects the same files with the same bytes.
    static func expectSameAsClean(_ source: SiteSource, _ incremental: URL, step: String) throws -> SiteBuild.Outcome {
        let clean = incremental.deletingLastPathComponent().appendingPathComponent("clean-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: clean) }
        let outcome = try SiteBuild.run(source, output: incremental, tool: "t")
        _ = try SiteBuild.run(source, output: clean, noCache: true, tool: "t")
        let a = try tree(incremental), b = try tree(clean)
        #expect(a.count > 10, "\(step): the site has its files")
        #expect(Set(a.keys) == Set(b.keys), "\(step): the same files (only in the incremental build: \(Set(a.keys).subtracting(b.keys).sorted()), only in the clean one: \(Set(b.keys).subtracting(a.keys).sorted()))")
        let differing = a.keys.filter { b[$0] != nil && a[$0] != b[$0] }.sorted()
        #expect(differing.isEmpty, "\(step): files whose bytes differ from a clean build: \(differing)")
        return outcome
    }

    static func edit(_ source: inout SiteSource, _ path: String, _ change: (String) -> String) {
        let text = source.text(path)!
        let changed = change(text)
        #expect(changed != text, "the edit of \(path) changes it")
        source.files[path] = Data(changed.utf8)
    }

    @Test func incrementalBuildsEqualCleanBuilds() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tebiki-incremental-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("_site")
        var source = try SiteSource.read(from: Fixtures.site("minimal"))

        let first = try Self.expectSameAsClean(source, out, step: "first build")
        #expect(first.pagesReused == 0)

        // One page's title and body: the pages that show its title (lists, facet pages, the
        // related page, the glossary term linking to it, the checklist) change with it.
        Self.edit(&source, "content/requirements/subcontracting.md") {
            $0.replacingOccurrences(of: "title: 再委託を制限する", with: "title: 再委託を原則として制限する")
              .replacingOccurrences(of: "summary: 再委託は原則として認めず", with: "summary: 再委託は原則認めず") + "\n追記した段落です。\n"
        }
        let edited = try Self.expectSameAsClean(source, out, step: "title and body edited")
        #expect(edited.pagesReused > 0 && edited.pagesReused < edited.pageCount, "some pages are reused, not all")

        // Only the body of another page (a heading renamed, and the link to it with it: the
        // link check would refuse the old anchor).
        Self.edit(&source, "content/requirements/contract-items.md") { $0.replacingOccurrences(of: "## 範囲", with: "## 対象の範囲") }
        Self.edit(&source, "content/requirements/subcontracting.md") { $0.replacingOccurrences(of: "contract-items.md#範囲", with: "contract-items.md#対象の範囲") }
        _ = try Self.expectSameAsClean(source, out, step: "body edited")

        // A page added, linking to an existing one and listed on the facet pages.
        source.files["content/requirements/added-rule.md"] = Data("""
        ---
        id: added-rule
        title: 追加した規定
        summary: 追加した規定の要約です。
        sources:
          - { doc: doc-new, section: "9.3.2" }
        facets:
          phase: [operation]
          form: all
        related: [subcontracting]
        ---
        [再委託の制限](subcontracting.md)とあわせて読みます。

        """.utf8)
        _ = try Self.expectSameAsClean(source, out, step: "page added")

        // The same page under another file name and ID.
        let added = source.files.removeValue(forKey: "content/requirements/added-rule.md")!
        source.files["content/requirements/renamed-rule.md"] = Data(String(decoding: added, as: UTF8.self)
            .replacingOccurrences(of: "id: added-rule", with: "id: renamed-rule").utf8)
        _ = try Self.expectSameAsClean(source, out, step: "page renamed")

        // The page removed again.
        source.files.removeValue(forKey: "content/requirements/renamed-rule.md")
        _ = try Self.expectSameAsClean(source, out, step: "page removed")

        // A glossary term's synonyms (the search index and the term page).
        Self.edit(&source, "content/glossary/term-subcontract.md") { $0.replacingOccurrences(of: "synonyms: [下請, 再請負]", with: "synonyms: [下請, 再請負, 再外注]") }
        _ = try Self.expectSameAsClean(source, out, step: "glossary synonyms edited")

        // The registry of sources: a document's title shows on every page citing it.
        Self.edit(&source, "content/registries/sources.yml") { $0.replacingOccurrences(of: "title: 新ガイドライン", with: "title: 新しいガイドライン") }
        _ = try Self.expectSameAsClean(source, out, step: "registry edited")

        // site.yml: the site's title is on every page, a facet value's label on several.
        Self.edit(&source, "site.yml") {
            $0.replacingOccurrences(of: "title: テスト手引", with: "title: テストの手引")
              .replacingOccurrences(of: "{ key: operation, label: 履行中 }", with: "{ key: operation, label: 契約の履行中 }")
        }
        _ = try Self.expectSameAsClean(source, out, step: "site.yml edited")

        // The theme: a string every page shows, and a template.
        let strings = try #require(source.files.keys.first { $0.hasSuffix("theme/strings.yml") })
        Self.edit(&source, strings) { text in
            // The first quoted or plain value of a `rules:` line gets a suffix.
            text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix("rules:") ? line + "（一覧）" : String(line)
            }.joined(separator: "\n")
        }
        _ = try Self.expectSameAsClean(source, out, step: "theme strings edited")
        let template = try #require(source.files.keys.first { $0.hasSuffix("theme/templates/requirement.mustache") })
        Self.edit(&source, template) { $0 + "\n<p class=\"incremental-test\">{{title}}</p>\n" }
        let themed = try Self.expectSameAsClean(source, out, step: "template edited")
        #expect(themed.pagesReused < themed.pageCount)

        // Nothing changed after all this: nothing is written.
        let again = try SiteBuild.run(source, output: out, tool: "t")
        #expect(again.stats.written == 0)
    }

    /// Files beside the pages in content/ (issue 17): added, changed, moved and removed, each
    /// build equal to a clean one, and no stale copy left behind.
    @Test func imagesBesideThePagesFollowEdits() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tebiki-incremental-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("_site")
        var source = try SiteSource.read(from: Fixtures.site("minimal"))
        _ = try Self.expectSameAsClean(source, out, step: "first build")
        let exists = { (path: String) in FileManager.default.fileExists(atPath: out.appendingPathComponent(path).path) }

        source.files["content/requirements/img/flow.png"] = Fixtures.png
        Self.edit(&source, "content/requirements/subcontracting.md") { $0 + "\n![流れ](img/flow.png)\n" }
        _ = try Self.expectSameAsClean(source, out, step: "image added")
        #expect(exists("rules/img/flow.png"))

        // Only the image's bytes: the page is reused, the copy is new.
        source.files["content/requirements/img/flow.png"] = Fixtures.png + Data([0])
        let changed = try Self.expectSameAsClean(source, out, step: "image changed")
        #expect(changed.pagesReused == changed.pageCount)
        #expect(try Data(contentsOf: out.appendingPathComponent("rules/img/flow.png")) == Fixtures.png + Data([0]))

        // Moved to a shared folder, the reference with it: the old copy is gone.
        source.files["content/img/flow.png"] = source.files.removeValue(forKey: "content/requirements/img/flow.png")
        Self.edit(&source, "content/requirements/subcontracting.md") { $0.replacingOccurrences(of: "](img/flow.png)", with: "](../img/flow.png)") }
        _ = try Self.expectSameAsClean(source, out, step: "image moved")
        #expect(exists("img/flow.png") && !exists("rules/img/flow.png"))

        // A page in a sub-folder: its URL to the copy is rewritten (sub/img/b.png). When the file
        // goes and a static/ file answers the same path from the output, the page's text is the
        // same but its HTML is not: the fingerprint has the copy's path.
        source.files["content/requirements/sub/nested.md"] = Data("""
        ---
        id: nested
        title: 下位フォルダの規定
        summary: 要約です。
        sources:
          - { doc: doc-new, section: "9.3.2" }
        facets:
          phase: [contract]
          form: all
        ---
        ![図](img/b.png)

        """.utf8)
        source.files["content/requirements/sub/img/b.png"] = Fixtures.png
        _ = try Self.expectSameAsClean(source, out, step: "nested page with an image")
        #expect(exists("rules/sub/img/b.png"))
        source.files.removeValue(forKey: "content/requirements/sub/img/b.png")
        source.files["static/rules/img/b.png"] = Fixtures.png
        _ = try Self.expectSameAsClean(source, out, step: "image replaced by a static file")
        #expect(!exists("rules/sub/img/b.png") && exists("rules/img/b.png"))

        // Removed with its reference.
        source.files.removeValue(forKey: "content/img/flow.png")
        Self.edit(&source, "content/requirements/subcontracting.md") { $0.replacingOccurrences(of: "\n![流れ](../img/flow.png)\n", with: "") }
        _ = try Self.expectSameAsClean(source, out, step: "image removed")
        #expect(!exists("img/flow.png"))
    }
}
