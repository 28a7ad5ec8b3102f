import Foundation
import Testing
@testable import TebikiCore

@Suite struct PreviewPathTests {
    /// A site folder `<tmp>/site` with a few files, beside a secret `<tmp>/secret.txt`.
    func makeSite() throws -> (root: URL, site: URL) {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("tebiki-serve-\(UUID().uuidString)")
        let site = root.appendingPathComponent("site")
        try fm.createDirectory(at: site.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try fm.createDirectory(at: site.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try Data("<html><body>home</body></html>".utf8).write(to: site.appendingPathComponent("index.html"))
        try Data("rules".utf8).write(to: site.appendingPathComponent("rules/index.html"))
        try Data("x".utf8).write(to: site.appendingPathComponent("rules/再委託.html"))
        try Data("hidden".utf8).write(to: site.appendingPathComponent(".hidden"))
        try Data("secret".utf8).write(to: root.appendingPathComponent("secret.txt"))
        try fm.createSymbolicLink(atPath: site.appendingPathComponent("out.txt").path, withDestinationPath: "../secret.txt")
        try fm.createSymbolicLink(atPath: site.appendingPathComponent("up").path, withDestinationPath: root.path)
        try fm.createSymbolicLink(atPath: site.appendingPathComponent("home.html").path, withDestinationPath: "index.html")
        try fm.createSymbolicLink(atPath: site.appendingPathComponent("etc").path, withDestinationPath: "/etc")
        return (root, site)
    }

    @Test(arguments: [
        "/../secret.txt", "/rules/../../secret.txt", "/..", "/.", "/./index.html",
        "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/%2e./secret.txt",
        "/..%2fsecret.txt", "/rules%2F..%2F..%2Fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt", "/rules\\..\\index.html",
        "//secret.txt", "/rules//index.html", "/index.html%00", "/index.html\u{0}", "/a\u{1}b",
        "secret.txt", "", "*", "http://localhost/../secret.txt", "C:\\secret.txt",
        "/%zz", "/%", "/%c0%ae%c0%ae/secret.txt", "/%0a",
    ])
    func traversalAndMalformedTargetsAreForbidden(target: String) throws {
        #expect(PreviewPath.segments(ofTarget: target) == nil)
        let (_, site) = try makeSite()
        #expect(PreviewPath.resolve(target: target, root: site) == .forbidden)
    }

    @Test func plainTargetsDecode() {
        #expect(PreviewPath.segments(ofTarget: "/") == [""])
        #expect(PreviewPath.segments(ofTarget: "/rules/") == ["rules", ""])
        #expect(PreviewPath.segments(ofTarget: "/rules/a.html?q=..%2f#x") == ["rules", "a.html"])
        #expect(PreviewPath.segments(ofTarget: "/rules/%E5%86%8D.html") == ["rules", "再.html"])
        #expect(PreviewPath.segments(ofTarget: "/%252e%252e") == ["%2e%2e"])  // decoded once only
        #expect(PreviewPath.segments(ofTarget: "/a..b/c.") == ["a..b", "c."])
    }

    @Test func filesFoldersAndSymlinks() throws {
        let (root, site) = try makeSite()
        let real = { (p: String) in URL(fileURLWithPath: PreviewPath.realPath(site.path)! + "/" + p) }
        #expect(PreviewPath.resolve(target: "/", root: site) == .file(real("index.html")))
        #expect(PreviewPath.resolve(target: "/index.html", root: site) == .file(real("index.html")))
        #expect(PreviewPath.resolve(target: "/rules/", root: site) == .file(real("rules/index.html")))
        #expect(PreviewPath.resolve(target: "/rules", root: site) == .redirect("/rules/"))
        #expect(PreviewPath.resolve(target: "/rules?x=1", root: site) == .redirect("/rules/"))
        #expect(PreviewPath.resolve(target: "/rules/%E5%86%8D%E5%A7%94%E8%A8%97.html", root: site) == .file(real("rules/再委託.html")))
        #expect(PreviewPath.resolve(target: "/empty/", root: site) == .notFound)
        #expect(PreviewPath.resolve(target: "/index.html/", root: site) == .notFound)
        #expect(PreviewPath.resolve(target: "/missing.html", root: site) == .notFound)
        #expect(PreviewPath.resolve(target: "/.hidden", root: site) == .notFound)
        #expect(PreviewPath.resolve(target: "/%2ehidden", root: site) == .notFound)
        // Symlinks: inside the site they are followed, anything resolving outside is refused.
        #expect(PreviewPath.resolve(target: "/home.html", root: site) == .file(real("index.html")))
        #expect(PreviewPath.resolve(target: "/out.txt", root: site) == .forbidden)
        #expect(PreviewPath.resolve(target: "/up/secret.txt", root: site) == .forbidden)
        #expect(PreviewPath.resolve(target: "/up/", root: site) == .forbidden)
        #expect(PreviewPath.resolve(target: "/etc/passwd", root: site) == .forbidden)
        // A site folder reached through a symlink still works.
        let link = root.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: site.path)
        #expect(PreviewPath.resolve(target: "/index.html", root: link) == .file(real("index.html")))
        // No site folder yet (the first build failed): nothing to serve.
        #expect(PreviewPath.resolve(target: "/", root: root.appendingPathComponent("none")) == .notFound)
    }

    @Test func mimeTypes() {
        let cases = [
            "index.html": "text/html; charset=utf-8", "a/site.css": "text/css; charset=utf-8",
            "x.js": "text/javascript; charset=utf-8", "data/catalog.json": "application/json; charset=utf-8",
            "i.svg": "image/svg+xml; charset=utf-8", "p.png": "image/png", "changes/feed.xml": "application/xml; charset=utf-8",
            "c.csv": "text/csv; charset=utf-8", "r.txt": "text/plain; charset=utf-8", "f.woff2": "font/woff2",
            "UPPER.HTML": "text/html; charset=utf-8", "noext": "application/octet-stream", ".hidden": "application/octet-stream",
            "dir.d/file": "application/octet-stream", "a.unknown": "application/octet-stream",
        ]
        for (path, type) in cases { #expect(MIMEType.forPath(path) == type, "\(path)") }
    }
}

@Suite struct PreviewSiteTests {
    func site() throws -> (PreviewSite, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tebiki-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("<!DOCTYPE html><html><body><p>ok</p></body></html>".utf8).write(to: dir.appendingPathComponent("index.html"))
        try Data("body{}".utf8).write(to: dir.appendingPathComponent("site.css"))
        let s = PreviewSite(root: dir)
        s.buildFinished(errors: nil)
        return (s, dir)
    }

    @Test func htmlGetsTheReloadScriptOthersAreUntouched() async throws {
        let (s, _) = try site()
        let r = await s.respond(method: "GET", target: "/", host: "127.0.0.1:8000")
        #expect(r.status == 200)
        let text = String(decoding: r.body, as: UTF8.self)
        #expect(text.contains("<p>ok</p><script src=\"/__tebiki/reload.js?v=\(s.version)\"></script>\n</body>"))
        let css = await s.respond(method: "GET", target: "/site.css", host: nil)
        #expect(css.body == Data("body{}".utf8) && css.header("content-type") == "text/css; charset=utf-8")
        let head = await s.respond(method: "HEAD", target: "/", host: nil)
        #expect(head.body.isEmpty && head.header("Content-Length") == String(r.body.count))
        #expect(await s.respond(method: "POST", target: "/", host: nil).status == 405)
        #expect(await s.respond(method: "GET", target: "/../x", host: nil).status == 403)
        let missing = await s.respond(method: "GET", target: "/nope.html", host: nil)
        #expect(missing.status == 404 && String(decoding: missing.body, as: UTF8.self).contains("ページが見つかりません"))
    }

    @Test func versionChangesWithEveryBuild() async throws {
        let (s, _) = try site()
        let v1 = String(decoding: await s.respond(method: "GET", target: "/__tebiki/version", host: nil).body, as: UTF8.self)
        s.buildStarted()
        s.buildFinished(errors: nil)
        let v2 = String(decoding: await s.respond(method: "GET", target: "/__tebiki/version", host: nil).body, as: UTF8.self)
        #expect(v1 != v2 && v2 == s.version)
        let js = await s.respond(method: "GET", target: "/__tebiki/reload.js", host: nil)
        #expect(js.header("content-type") == "text/javascript; charset=utf-8")
        #expect(String(decoding: js.body, as: UTF8.self).contains("location.reload()"))
    }

    @Test func errorsReplaceHTMLPagesButNotAssets() async throws {
        let (s, _) = try site()
        var d = Diagnostics()
        d.error("unknown-facet-value", "値「<b>」は定義されていません。", at: SourceLocation(path: "content/a.md", line: 3, column: 7))
        s.buildFinished(errors: d.sorted)
        let page = await s.respond(method: "GET", target: "/index.html", host: nil)
        let text = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == 500)
        #expect(text.contains("<code>content/a.md:3:7: error: 値「&lt;b&gt;」は定義されていません。 [unknown-facet-value]</code>"))
        #expect(text.contains("サイトを生成できません"))
        #expect(text.contains("/__tebiki/reload.js?v=\(s.version)"))
        #expect(!text.contains("<script>"))  // no inline script
        #expect(page.header("Content-Security-Policy")?.contains("script-src 'self'") == true)
        #expect(await s.respond(method: "GET", target: "/", host: nil).status == 500)
        #expect(await s.respond(method: "GET", target: "/new-page.html", host: nil).status == 500)
        #expect(await s.respond(method: "GET", target: "/site.css", host: nil).status == 200)
        s.buildFinished(errors: nil)
        #expect(await s.respond(method: "GET", target: "/index.html", host: nil).status == 200)
    }

    @Test func loopbackHostNames() async throws {
        for host in ["127.0.0.1", "127.0.0.1:8000", "localhost:8000", "LOCALHOST", "[::1]:8000", "127.1.2.3"] {
            #expect(PreviewSite.isLoopbackHost(host), "\(host)")
        }
        for host in ["evil.example", "127.0.0.1.evil.example", "10.0.0.1:8000", "[::2]:80", "localhost.evil", "[::1", ""] {
            #expect(!PreviewSite.isLoopbackHost(host), "\(host)")
        }
        let (s, _) = try site()
        #expect(await s.respond(method: "GET", target: "/", host: "evil.example:8000").status == 403)
        let open = PreviewSite(root: s.root, loopbackOnly: false)
        open.buildFinished(errors: nil)
        #expect(await open.respond(method: "GET", target: "/", host: "evil.example:8000").status == 200)
    }

    @Test func injectionWithoutBody() {
        let tag = PreviewPages.reloadTag(version: "v")
        #expect(PreviewPages.inject(tag, into: Data("<p>x".utf8)) == Data(("<p>x" + tag).utf8))
        let twice = PreviewPages.inject(tag, into: Data("<body>a</body>b</BODY>".utf8))
        #expect(String(decoding: twice, as: UTF8.self) == "<body>a</body>b" + tag + "</BODY>")
    }
}

@Suite struct SiteWatcherTests {
    @Test func fingerprintFollowsInputsOnly() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("tebiki-watch-\(UUID().uuidString)")
        try fm.createDirectory(at: root.appendingPathComponent("content/requirements"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("look/templates"), withIntermediateDirectories: true)
        try Data("title: x\ntheme: look\n".utf8).write(to: root.appendingPathComponent("site.yml"))
        try Data("a".utf8).write(to: root.appendingPathComponent("content/requirements/a.md"))
        try Data("t".utf8).write(to: root.appendingPathComponent("look/templates/page.mustache"))
        let watcher = SiteWatcher(root: root, ignoring: [root.appendingPathComponent("content/_out")])
        var last = watcher.fingerprint()
        func changed(_ what: String, _ change: () throws -> Void) rethrows -> Bool {
            try change()
            let now = watcher.fingerprint()
            defer { last = now }
            return now != last
        }
        #expect(try changed("edit") { try Data("ab".utf8).write(to: root.appendingPathComponent("content/requirements/a.md")) })
        #expect(try changed("new file") { try Data("b".utf8).write(to: root.appendingPathComponent("content/b.md")) })
        #expect(try changed("theme") { try Data("tt".utf8).write(to: root.appendingPathComponent("look/templates/page.mustache")) })
        #expect(try changed("site.yml") { try Data("title: y\ntheme: look\n".utf8).write(to: root.appendingPathComponent("site.yml")) })
        #expect(try changed("remove") { try fm.removeItem(at: root.appendingPathComponent("content/b.md")) })
        #expect(try changed("static") {
            try fm.createDirectory(at: root.appendingPathComponent("static/img"), withIntermediateDirectories: true)
            try Data("png".utf8).write(to: root.appendingPathComponent("static/img/map.png"))
        })
        #expect(try changed("static edit") { try Data("png2".utf8).write(to: root.appendingPathComponent("static/img/map.png")) })
        #expect(try !changed("hidden") { try Data("x".utf8).write(to: root.appendingPathComponent("content/.a.md.swp")) })
        #expect(try !changed("output") {
            try fm.createDirectory(at: root.appendingPathComponent("content/_out"), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: root.appendingPathComponent("content/_out/index.html"))
        })
        #expect(try !changed("elsewhere") { try Data("x".utf8).write(to: root.appendingPathComponent("notes.txt")) })
    }
}
