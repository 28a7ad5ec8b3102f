import Foundation
import Testing
@testable import TebikiCore

/// Runs every case of Tests/Fixtures/malformed (see its README): the case's files are laid over
/// `_base/` in a temporary folder, the site is read from disk and checked, and the diagnostics
/// must be exactly the ones in the case's `expected.txt` (`path:line:column: severity: phrase`,
/// the phrase being part of the message). Cases that need symbolic links or megabytes are made here.
@Suite struct MalformedCorpusTests {
    static let corpus = Fixtures.repoRoot.appendingPathComponent("Tests/Fixtures/malformed")
    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? [])
        .filter { !$0.hasPrefix("_") && !$0.hasPrefix(".") && !$0.hasSuffix(".md") }
        .sorted()

    struct Expected: CustomStringConvertible {
        var path: String, line: Int, column: Int, severity: String, phrase: String
        var description: String { "\(path):\(line):\(column): \(severity): …\(phrase)…" }

        func matches(_ d: Diagnostic) -> Bool {
            d.path == path && d.line == line && d.column == column && d.severity.rawValue == severity && d.description.contains(phrase)
        }
    }

    static func expected(_ name: String) throws -> [Expected] {
        let text = try String(contentsOf: corpus.appendingPathComponent(name).appendingPathComponent("expected.txt"), encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { line in
            let m = try #require(line.wholeMatch(of: /(.+?):(\d+):(\d+): (error|warning): (.+)/), "bad line in \(name)/expected.txt: \(line)")
            return Expected(path: String(m.1), line: Int(m.2)!, column: Int(m.3)!, severity: String(m.4), phrase: String(m.5))
        }
    }

    /// `_base/` plus the case's files (and what `generate` makes) in a new temporary folder.
    static func materialize(_ name: String) throws -> URL {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("tebiki-malformed-\(name)-\(UUID().uuidString)")
        try fm.copyItem(at: corpus.appendingPathComponent("_base"), to: dir)
        let caseDir = corpus.appendingPathComponent(name)
        for case let relative as String in fm.enumerator(atPath: caseDir.path)! where relative != "expected.txt" {
            var isDirectory: ObjCBool = false
            let from = caseDir.appendingPathComponent(relative), to = dir.appendingPathComponent(relative)
            _ = fm.fileExists(atPath: from.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                try fm.createDirectory(at: to, withIntermediateDirectories: true)
            } else {
                try? fm.removeItem(at: to)
                try fm.copyItem(at: from, to: to)
            }
        }
        try generate(name, in: dir)
        return dir
    }

    static func page(_ id: String, body: String) -> String {
        "---\nid: \(id)\ntitle: 規定\nsummary: 要約です。\nsources:\n  - doc: doc-a\n    section: \"1.1\"\n---\n\(body)\n"
    }

    static func generate(_ name: String, in dir: URL) throws {
        let fm = FileManager.default
        let requirements = dir.appendingPathComponent("content/requirements")
        func link(_ name: String, to target: String) throws {
            try fm.createSymbolicLink(atPath: requirements.appendingPathComponent(name).path, withDestinationPath: target)
        }
        switch name {
        case "large-file":
            // About 1.5 MB of ordinary Markdown (links included), above the 1 MB warning.
            let paragraph = "委託先の管理について確認します。[基本の規定](base-rule.md) **重要** な点を記録します。\n\n"
            let body = String(repeating: paragraph, count: 1_500_000 / paragraph.utf8.count + 1)
            try Data(page("large", body: body).utf8).write(to: requirements.appendingPathComponent("large.md"))
        case "deep-markdown":
            let n = 10_000
            let body = [
                String(repeating: "> ", count: n) + "引用",
                String(repeating: "- ", count: n) + "項目",
                String(repeating: "1. ", count: n) + "番号",
                String(repeating: "[", count: n) + "リンク" + String(repeating: "](base-rule.md)", count: n),
                String(repeating: "*", count: n) + "強調" + String(repeating: "*", count: n),
                String(repeating: "<div>", count: n),
                (0..<n).map { String(repeating: "  ", count: $0 % 12) + "- 段\($0)" }.joined(separator: "\n"),
            ].joined(separator: "\n\n")
            try Data(page("deep", body: body).utf8).write(to: requirements.appendingPathComponent("deep.md"))
        case "symlink-loop":
            try link("a.md", to: "b.md")
            try link("b.md", to: "a.md")
            try link("dangling.md", to: "nowhere.md")
            try fm.createDirectory(at: requirements.appendingPathComponent("loop"), withIntermediateDirectories: true)
            try link("loop/up", to: "..")
        case "symlink-outside":
            try link("passwd.md", to: "/etc/passwd")
            try Data(page("inside", body: "フォルダの中のリンク先").utf8).write(to: dir.appendingPathComponent("inside-target.md"))
            try link("inside.md", to: "../../inside-target.md")
        default:
            break
        }
    }

    /// The site as `tebiki` reads it, with the repository's theme.
    static func source(_ dir: URL) throws -> SiteSource {
        var source = try SiteSource.read(from: dir)
        let theme = try SiteSource.read(from: Fixtures.repoRoot)
        for (path, data) in theme.files where path.hasPrefix("theme/") { source.files[path] = data }
        return source
    }

    @Test func corpusIsComplete() throws {
        #expect(Self.cases.count >= 24, "\(Self.cases)")
        let readme = try String(contentsOf: Self.corpus.appendingPathComponent("README.md"), encoding: .utf8)
        for name in Self.cases {
            #expect(readme.contains("`\(name)`"), "\(name) is not listed in Tests/Fixtures/malformed/README.md")
        }
    }

    @Test(.timeLimit(.minutes(2)), arguments: cases)
    func malformedCase(_ name: String) throws {
        let dir = try Self.materialize(name)
        defer { try? FileManager.default.removeItem(at: dir) }
        let expected = try Self.expected(name)
        let actual = Builder.check(try Self.source(dir)).sorted
        var unmatched = actual
        var missing: [Expected] = []
        for e in expected {
            if let i = unmatched.firstIndex(where: e.matches) { unmatched.remove(at: i) } else { missing.append(e) }
        }
        #expect(missing.isEmpty && unmatched.isEmpty,
                "\(name): expected but not reported: \(missing.map(\.description)); reported but not expected: \(unmatched.map(\.description))")
        // A case without errors must also build (render every page, index, export).
        if !actual.contains(where: { $0.severity == .error }) {
            let result = try Builder.build(try Self.source(dir))
            #expect(result.files.contains { $0.path == "index.html" })
        }
    }
}
