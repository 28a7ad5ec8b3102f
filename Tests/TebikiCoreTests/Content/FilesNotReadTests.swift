import Foundation
import Testing
@testable import TebikiCore

/// Issue 13 §4 "silent content loss": inputs the build does not read get a diagnostic instead
/// of vanishing from the site.
@Suite struct FilesNotReadTests {
    /// A copy of the minimal fixture site in a temporary folder.
    func site() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tebiki-notread-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let site = dir.appendingPathComponent("site")
        try FileManager.default.copyItem(at: Fixtures.site("minimal"), to: site)
        return site
    }

    func diagnostics(_ root: URL) throws -> [String] {
        let codes: Set = ["missing-content", "file-not-read", "folder-not-read", "unreferenced-file", "invalid-file-name", "symlink-outside", "broken-symlink"]
        return Builder.check(try SiteSource.read(from: root)).sorted.filter { codes.contains($0.code) }
            .map { "\($0.path): \($0.severity.rawValue) [\($0.code)]" }
    }

    @Test func missingContentIsAnError() throws {
        let root = try site()
        try FileManager.default.removeItem(at: root.appendingPathComponent("content"))
        #expect(try diagnostics(root) == ["content: error [missing-content]"])
    }

    @Test func contentAsASymbolicLinkIsFollowedInsideTheSiteOnly() throws {
        let root = try site()
        let fm = FileManager.default
        try fm.moveItem(at: root.appendingPathComponent("content"), to: root.appendingPathComponent("real-content"))
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("content").path, withDestinationPath: "real-content")
        #expect(try diagnostics(root) == [])
        #expect(try SiteSource.read(from: root).paths(under: "content/requirements", suffix: ".md").count == 3)
        // Outside the site's folder: refused, not an empty site.
        let outside = root.deletingLastPathComponent().appendingPathComponent("elsewhere")
        try fm.moveItem(at: root.appendingPathComponent("real-content"), to: outside)
        try fm.removeItem(at: root.appendingPathComponent("content"))
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("content").path, withDestinationPath: outside.path)
        #expect(try diagnostics(root) == ["content: error [symlink-outside]"])
    }

    @Test func filesAndFoldersTheBuildDoesNotRead() throws {
        let root = try site()
        let content = root.appendingPathComponent("content")
        let page = try Data(contentsOf: content.appendingPathComponent("requirements/subcontracting.md"))
        try FileManager.default.createDirectory(at: content.appendingPathComponent("requirement"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: content.appendingPathComponent("images"), withIntermediateDirectories: true)
        for (path, data) in [("requirements/x.MD", page), ("requirements/y.markdown", page), ("requirement/z.md", page),
                             ("images/a.png", Data([0x89])), ("requirements/map.png", Data([0x89])), ("notes.md", page), ("registries/extra.yml", Data())] {
            try data.write(to: content.appendingPathComponent(path))
        }
        // A file name that is not UTF-8 (Latin-1 "é").
        var raw = Array((content.path + "/requirements/caf").utf8)
        raw += [0xE9] + Array(".md".utf8) + [0]
        let fd = raw.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_WRONLY | O_CREAT, 0o644) }
        #expect(fd >= 0)
        close(fd)
        #expect(try diagnostics(root) == [
            // Not Markdown: published when a page references it, else a warning (issue 17).
            "content/images/a.png: warning [unreferenced-file]",
            "content/notes.md: warning [file-not-read]",
            "content/registries/extra.yml: warning [file-not-read]",
            "content/requirement: error [folder-not-read]",
            "content/requirements/caf\u{FFFD}.md: error [invalid-file-name]",
            "content/requirements/map.png: warning [unreferenced-file]",
            "content/requirements/x.MD: error [file-not-read]",
            "content/requirements/y.markdown: warning [file-not-read]",
        ])
    }
}
