import Foundation
import Testing
@testable import TebikiCore

/// `static/` is copied as is; it may hold the logo; it may not overwrite a generated file.
@Suite struct StaticFilesTests {
    func source(_ extra: [String: String], config: String = Fixtures.siteYML) throws -> SiteSource {
        var files = extra
        files["content/requirements/a.md"] = Fixtures.requirement(id: "a")
        return try Fixtures.inline(files, config: config)
    }

    @Test func staticFilesAreCopiedToTheSamePath() throws {
        let files = try Builder.build(try source(["static/img/map.svg": "<svg/>", "static/guide.html": "<p>案内</p>"])).files
        #expect(files.first { $0.path == "img/map.svg" }?.data == Data("<svg/>".utf8))
        #expect(files.contains { $0.path == "guide.html" })
    }

    @Test func logoMayComeFromStatic() throws {
        let d = Builder.check(try source(["static/img/logo.svg": "<svg/>"], config: Fixtures.siteYML + "\nlogo: img/logo.svg\n"))
        #expect(!d.hasErrors, "\(d.items.map(\.description))")
    }

    @Test(arguments: ["static/index.html", "static/rules/a.html", "static/assets/css/site.css", "static/data/x.json", "static/sitemap.xml"])
    func staticFileMayNotReplaceAGeneratedOne(_ path: String) throws {
        let d = Builder.check(try source([path: "x"]))
        let e = try #require(d.items.first { $0.code == "static-conflict" })
        #expect(e.path == path)
    }
}
