import Foundation
import Testing
@testable import TebikiCore

/// A build whose inputs, tool and output are all as the previous build left them stops after
/// reading the inputs (issue 7); anything else builds.
@Suite struct NothingChangedTests {
    func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tebiki-nochange-\(UUID().uuidString)").appendingPathComponent("_site")
    }

    @Test func secondBuildWritesNothingAndAChangeIsBuilt() throws {
        let out = folder()
        var source = try SiteSource.read(from: Fixtures.site("minimal"))
        let first = try SiteBuild.run(source, output: out, tool: "test 1")
        #expect(first.stats.written == first.fileCount && first.fileCount > 0)

        let second = try SiteBuild.run(source, output: out, tool: "test 1")
        #expect(second.stats == .init(written: 0, unchanged: first.fileCount))
        #expect(second.pagesReused == second.pageCount && second.pageCount == first.pageCount)

        // An output file changed by hand: the build notices and writes it again.
        let page = out.appendingPathComponent("rules/subcontracting.html")
        let original = try Data(contentsOf: page)
        try Data("changed".utf8).write(to: page)
        let third = try SiteBuild.run(source, output: out, tool: "test 1")
        #expect(third.stats.written >= 1)
        #expect(try Data(contentsOf: page) == original)

        // A changed input file.
        let path = "content/requirements/subcontracting.md"
        source.files[path] = Data((source.text(path)! + "\n追記した段落。\n").utf8)
        let fourth = try SiteBuild.run(source, output: out, tool: "test 1")
        #expect(fourth.stats.written >= 1 && fourth.pagesReused < fourth.pageCount)

        // Another tool binary.
        let fifth = try SiteBuild.run(source, output: out, tool: "test 2")
        #expect(fifth.pagesReused == 0)

        // A deleted output file.
        try FileManager.default.removeItem(at: page)
        let sixth = try SiteBuild.run(source, output: out, tool: "test 2")
        #expect(sixth.stats.written >= 1 && FileManager.default.fileExists(atPath: page.path))
    }

    /// The check from the files' stat alone: it answers only when nothing changed, and a file
    /// changed without changing its size is seen (its change time moves).
    @Test func unchangedFromStatAlone() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("tebiki-stat-\(UUID().uuidString)")
        let fixture = Fixtures.site("minimal")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        try fm.copyItem(at: fixture.appendingPathComponent("content"), to: root.appendingPathComponent("content"))
        let yml = try String(contentsOf: fixture.appendingPathComponent("site.yml"), encoding: .utf8)
            .replacingOccurrences(of: "theme: ../../../../theme", with: "theme: \(Fixtures.repoRoot.appendingPathComponent("theme").path)")
        try yml.write(to: root.appendingPathComponent("site.yml"), atomically: true, encoding: .utf8)
        let out = root.appendingPathComponent("_site")
        #expect(SiteBuild.unchanged(root: root, output: out, tool: "t") == nil)   // never built

        // Files changed less than a second before the build are not trusted from their stat.
        _ = try SiteBuild.run(SiteSource.read(from: root), output: out, tool: "t")
        #expect(SiteBuild.unchanged(root: root, output: out, tool: "t") == nil)

        Thread.sleep(forTimeInterval: 1.1)
        let built = try SiteBuild.run(SiteSource.read(from: root), output: out, tool: "t")
        let same = try #require(SiteBuild.unchanged(root: root, output: out, tool: "t"))
        #expect(same.stats.written == 0 && same.fileCount == built.fileCount && same.pageCount == built.pageCount)
        #expect(SiteBuild.unchanged(root: root, output: out, tool: "another tool") == nil)

        // Same size, other bytes.
        let page = root.appendingPathComponent("content/requirements/subcontracting.md")
        let text = try String(contentsOf: page, encoding: .utf8)
        let stop = try #require(text.range(of: "。"))
        let edited = text.replacingCharacters(in: stop, with: "．")   // 3 UTF-8 bytes each
        #expect(edited.utf8.count == text.utf8.count)
        try Data(edited.utf8).write(to: page)
        #expect(SiteBuild.unchanged(root: root, output: out, tool: "t") == nil)
        let rebuilt = try SiteBuild.run(SiteSource.read(from: root), output: out, tool: "t")
        #expect(rebuilt.stats.written >= 1)

        // An output file removed.
        Thread.sleep(forTimeInterval: 1.1)
        _ = try SiteBuild.run(SiteSource.read(from: root), output: out, tool: "t")
        #expect(SiteBuild.unchanged(root: root, output: out, tool: "t") != nil)
        try fm.removeItem(at: out.appendingPathComponent("rules/subcontracting.html"))
        #expect(SiteBuild.unchanged(root: root, output: out, tool: "t") == nil)
    }

    @Test func warningsAreReportedAgainWhenNothingChanged() throws {
        let out = folder()
        let source = try SiteSource.read(from: Fixtures.site("minimal"))
        let first = try SiteBuild.run(source, output: out, tool: "t")
        let second = try SiteBuild.run(source, output: out, tool: "t")
        #expect(second.stats.written == 0)
        #expect(second.diagnostics.sorted.map(\.description) == first.diagnostics.sorted.map(\.description))
    }

    @Test func stateSurvivesTheCacheFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tebiki-cache-\(UUID().uuidString)")
        var cache = BuildCache(entries: ["a.html": .init(fingerprint: "f", plainText: "x\ty\n")], tool: "tool")
        cache.state = .init(inputs: "abc", pageCount: 3,
                            outputs: [.init(path: "a.html", size: 5, mtime: 123_456_789_012, inode: 42)],
                            warnings: [.warning("w-code", "警告\tです\n", at: SourceLocation(path: "content/x.md", line: 2, column: 3))])
        try cache.save(to: url)
        let loaded = BuildCache.load(from: url, tool: "tool")
        #expect(loaded.state == cache.state)
        #expect(loaded.entries == cache.entries)
        #expect(BuildCache.loadState(from: url, tool: "tool") == cache.state)
        #expect(BuildCache.loadState(from: url, tool: "other") == nil)
    }

    @Test func inputFingerprintSeesEveryByte() {
        let a = SiteSource(texts: ["site.yml": "title: a", "content/x.md": "本文"])
        var b = a
        b.files["content/x.md"] = Data("本文 ".utf8)
        var c = a
        c.files["content/y.md"] = Data()
        let fa = BuildCache.inputFingerprint(a, tool: "t")
        #expect(fa == BuildCache.inputFingerprint(a, tool: "t"))
        #expect(fa != BuildCache.inputFingerprint(b, tool: "t"))
        #expect(fa != BuildCache.inputFingerprint(c, tool: "t"))
        #expect(fa != BuildCache.inputFingerprint(a, tool: "u"))
    }
}
