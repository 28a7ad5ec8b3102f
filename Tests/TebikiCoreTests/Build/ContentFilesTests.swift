import Foundation
import Testing
@testable import TebikiCore

/// Files beside the Markdown in `content/` (issue 17): a referenced one is copied and the page
/// points at it; a missing one is an error at the reference; an unreferenced one a warning.
@Suite struct ContentFilesTests {
    func source(_ pages: [String: String], files: [String: Data] = [:], config: String = Fixtures.siteYML) throws -> SiteSource {
        var source = try Fixtures.inline(pages, config: config)
        for (path, data) in files { source.files[path] = data }
        return source
    }

    func html(_ files: [OutputFile], _ path: String) throws -> String {
        String(decoding: try #require(files.first { $0.path == path }).data, as: UTF8.self)
    }

    @Test func outputPathsFollowThePages() {
        #expect(ContentFiles.outputPath("content/requirements/img/a.png") == "rules/img/a.png")
        #expect(ContentFiles.outputPath("content/glossary/a.png") == "glossary/a.png")
        #expect(ContentFiles.outputPath("content/img/a.png") == "img/a.png")
        #expect(ContentFiles.outputPath("content/a.pdf") == "a.pdf")
        #expect(ContentFiles.isPublishable("content/requirements/a.png"))
        #expect(!ContentFiles.isPublishable("content/requirements/a.MD"))
        #expect(!ContentFiles.isPublishable("content/requirements/a.markdown"))
        #expect(!ContentFiles.isPublishable("content/registries/sources.yml"))
        #expect(!ContentFiles.isPublishable("static/a.png"))
        #expect(LinkResolver.relative(from: "rules/x.html", to: "rules/img/a.png") == "img/a.png")
        #expect(LinkResolver.relative(from: "rules/x.html", to: "img/a.png") == "../img/a.png")
        #expect(LinkResolver.relative(from: "rules/x.html", to: "rules/sub/a.png") == "sub/a.png")
        #expect(LinkResolver.relative(from: "index.html", to: "rules/a.png") == "rules/a.png")
    }

    @Test func referencedFilesAreCopiedAndThePageNamesThem() throws {
        let pdf = Data("%PDF-1.4\n".utf8)
        let src = try source([
            "content/requirements/a.md": Fixtures.requirement(id: "a", body: """
            ![流れ](img/flow.png) ![共通](../img/shared.png) [手順書](手順書.pdf#page=2) [再](img/flow.png?v=2)

            ![参照][図]

            [図]: img/ref.png
            """),
            "content/requirements/sub/b.md": Fixtures.requirement(id: "b", body: "![下](img/b.png) ![上](../img/flow.png)"),
        ], files: ["content/requirements/img/flow.png": Fixtures.png, "content/img/shared.png": Fixtures.png,
                   "content/requirements/手順書.pdf": pdf, "content/requirements/sub/img/b.png": Fixtures.png,
                   "content/requirements/img/ref.png": Fixtures.png])
        let result = try Builder.build(src)
        #expect(result.diagnostics.items.isEmpty, "\(result.diagnostics.items.map(\.description))")
        let files = result.files
        for path in ["rules/img/flow.png", "img/shared.png", "rules/sub/img/b.png", "rules/img/ref.png"] {
            #expect(files.first { $0.path == path }?.data == Fixtures.png, "\(path)")
        }
        #expect(files.first { $0.path == "rules/手順書.pdf" }?.data == pdf)
        let a = try html(files, "rules/a.html")
        #expect(a.contains("<img src=\"img/flow.png\" alt=\"流れ\""))
        #expect(a.contains("<img src=\"../img/shared.png\" alt=\"共通\""))
        #expect(a.contains("href=\"%E6%89%8B%E9%A0%86%E6%9B%B8.pdf#page=2\""))
        #expect(a.contains("href=\"img/flow.png?v=2\""))
        #expect(a.contains("<img src=\"img/ref.png\" alt=\"参照\""))
        // A page in a sub-folder of requirements/ is still rules/b.html: the URL is rewritten.
        let b = try html(files, "rules/b.html")
        #expect(b.contains("<img src=\"sub/img/b.png\" alt=\"下\""))
        #expect(b.contains("<img src=\"img/flow.png\" alt=\"上\""))
    }

    @Test func missingFilesAreErrorsAtTheirPlaceWithTheNearestFile() throws {
        let src = try source([
            "content/requirements/a.md": Fixtures.requirement(id: "a", body: "![流れ](img/flw.png) [資料](資料.pfd)\n\n![地図](../img/mapp.png)"),
        ], files: ["content/requirements/img/flow.png": Fixtures.png, "content/requirements/資料.pdf": Data("%PDF".utf8),
                   "static/img/map.png": Fixtures.png])
        let d = Builder.check(src).sorted.filter { $0.severity == .error }
        #expect(d.map(\.code) == ["missing-image", "broken-link", "missing-image"], "\(d.map(\.description))")
        #expect(d.map { "\($0.line):\($0.column)" } == ["10:1", "10:24", "12:1"])  // columns in bytes, as everywhere
        #expect(d[0].message.contains("「img/flow.png」の誤りではありませんか"))
        #expect(d[0].message.contains("content/requirements/img/flw.png"))
        #expect(d[1].message.contains("「資料.pdf」の誤りではありませんか"))
        // A static/ file, as the page in the output names it.
        #expect(d[2].message.contains("「../img/map.png」の誤りではありませんか"))
        // Misspelt, they are referenced by no page.
        #expect(Builder.check(src).sorted.filter { $0.code == "unreferenced-file" }.map(\.path) == ["content/requirements/img/flow.png", "content/requirements/資料.pdf"])
    }

    @Test func unreferencedFilesAreWarnedAboutAndNotCopied() throws {
        let src = try source(["content/requirements/a.md": Fixtures.requirement(id: "a")],
                             files: ["content/requirements/img/old.png": Fixtures.png, "content/img/x.pdf": Data("%PDF".utf8)])
        let result = try Builder.build(src)
        let w = result.diagnostics.sorted
        #expect(w.map { "\($0.path) \($0.severity.rawValue) \($0.code)" } == [
            "content/img/x.pdf warning unreferenced-file", "content/requirements/img/old.png warning unreferenced-file",
        ])
        #expect(!result.files.contains { $0.path.hasSuffix("old.png") || $0.path.hasSuffix("x.pdf") })
    }

    @Test func aFileOnlyADraftUsesIsNotPublished() throws {
        let src = try source(["content/requirements/a.md": Fixtures.requirement(id: "a", extra: "draft: true", body: "![図](a.png)"),
                              "content/requirements/b.md": Fixtures.requirement(id: "b")],
                             files: ["content/requirements/a.png": Fixtures.png])
        #expect(!(try Builder.build(src)).files.contains { $0.path == "rules/a.png" })
        #expect(Builder.check(src).items.map(\.code) == ["unreferenced-file"])
        #expect((try Builder.build(src, drafts: true)).files.contains { $0.path == "rules/a.png" })
    }

    @Test(arguments: [
        // A page's output path (an .html file: allowed from content/ only with unsafe_html).
        ("content/requirements/b.html", "b.html", "ページ「b」（content/requirements/b.md）"),
        // A file the build writes.
        ("content/data/catalog.json", "../data/catalog.json", "Tebiki が生成するファイル"),
        // A static/ file.
        ("content/img/map.png", "../img/map.png", "static のファイル「static/img/map.png」"),
        // Another content file (content/rules/ is no kind's folder: rules/x.png as well).
        ("content/rules/x.png", "../rules/x.png", "content のファイル「content/requirements/x.png」"),
        // A folder of the output.
        ("content/search", "../search", "出力のフォルダ search/"),
        ("content/img", "../img", "出力のフォルダ img/"),
    ])
    func outputCollisionsNameBothSources(_ file: String, _ url: String, _ other: String) throws {
        let src = try source([
            "content/requirements/a.md": Fixtures.requirement(id: "a", body: "[x](\(url)) [y](x.png)"),
            "content/requirements/b.md": Fixtures.requirement(id: "b"),
        ], files: [file: Fixtures.png, "static/img/map.png": Fixtures.png, "content/requirements/x.png": Fixtures.png],
           config: Fixtures.siteYML + "\nmarkdown:\n  unsafe_html: true\n")
        let d = Builder.check(src).items.filter { $0.code == "output-collision" }
        #expect(d.count == 1, "\(Builder.check(src).items.map(\.description))")
        #expect(d.first?.path == file)
        #expect(d.first?.message.contains(other) == true, "\(d.first?.message ?? "")")
        #expect(throws: ContentErrors.self) { try Builder.build(src) }
    }

    @Test func filesThatCouldRunScriptAreRefusedFromContent() throws {
        let body = "![図](img/a.svg) [頁](page.html)"
        let files = ["content/requirements/img/a.svg": Data("<svg onload='alert(1)'/>".utf8), "content/requirements/page.html": Data("<script>alert(1)</script>".utf8)]
        let src = try source(["content/requirements/a.md": Fixtures.requirement(id: "a", body: body)], files: files)
        let d = Builder.check(src).sorted
        #expect(d.map(\.code) == ["unsafe-file", "unsafe-file"])
        #expect(d.map { "\($0.path):\($0.line):\($0.column)" } == ["content/requirements/a.md:10:1", "content/requirements/a.md:10:19"])
        // The site owner can trust the content's HTML (markdown.unsafe_html), as for raw HTML.
        let trusted = try source(["content/requirements/a.md": Fixtures.requirement(id: "a", body: body)], files: files,
                                 config: Fixtures.siteYML + "\nmarkdown:\n  unsafe_html: true\n")
        #expect(try Builder.build(trusted).files.contains { $0.path == "rules/img/a.svg" })
    }

    @Test func pathsLeavingContentAreRefusedAndNotCopied() throws {
        let src = try source(["content/requirements/a.md": Fixtures.requirement(id: "a", body: """
            [passwd](../../../etc/passwd) [設定](../../site.yml) ![テーマ](../../theme/assets/img/x.png) [符号](%2e%2e/%2e%2e/%2e%2e/etc/passwd)
            """)])
        let d = Builder.check(src).sorted
        #expect(d.map(\.code) == Array(repeating: "link-outside-site", count: 4), "\(d.map(\.description))")
        #expect(ContentFiles.target(of: "../../site.yml", fromSource: "content/requirements/a.md") == nil)
        #expect(ContentFiles.target(of: "../../../etc/passwd", fromSource: "content/requirements/a.md") == nil)
        #expect(ContentFiles.target(of: "x.md", fromSource: "content/requirements/a.md") == nil)
        #expect(ContentFiles.target(of: "img%2Fa.png", fromSource: "content/requirements/a.md") == nil)
        #expect(ContentFiles.target(of: "img/%2E%2E%2F..%2Fa.png", fromSource: "content/requirements/a.md") == nil)
        #expect(ContentFiles.target(of: "img/a%20b.png", fromSource: "content/requirements/a.md")?.file == "content/requirements/img/a b.png")
        #expect(ContentFiles.target(of: "https://example.go.jp/a.png", fromSource: "content/requirements/a.md") == nil)
    }

    @Test func aSymbolicLinkLeavingTheSiteIsNotRead() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("tebiki-media-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        let site = dir.appendingPathComponent("site")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        try fm.copyItem(at: Fixtures.site("media"), to: site)
        // The fixture names the repository's theme relatively; from the copy it must be absolute.
        let config = site.appendingPathComponent("site.yml")
        let yml = try String(contentsOf: config, encoding: .utf8)
            .replacingOccurrences(of: "theme: ../../../../theme", with: "theme: " + Fixtures.repoRoot.appendingPathComponent("theme").path)
        try yml.write(to: config, atomically: true, encoding: .utf8)
        let secret = dir.appendingPathComponent("secret.png")
        try Fixtures.png.write(to: secret)
        let flow = site.appendingPathComponent("content/requirements/img/flow.png")
        try fm.removeItem(at: flow)
        try fm.createSymbolicLink(atPath: flow.path, withDestinationPath: secret.path)
        let d = Builder.check(try SiteSource.read(from: site)).sorted.filter { $0.severity == .error }
        #expect(d.map { "\($0.path) \($0.code)" } == [
            "content/requirements/flow.md missing-image", "content/requirements/img/flow.png symlink-outside",
        ], "\(d.map(\.description))")
    }
}
