import Foundation
import Testing
@testable import TebikiCore

/// Issue 8, "no script from content": dangerous URL schemes never reach a page, however they
/// are spelled, and raw HTML is passed through only when site.yml says so.
@Suite struct URLFilterTests {
    /// Every `href`/`src` value in the HTML, as written.
    func urls(_ html: String) -> [String] {
        html.matches(of: /(?:href|src)="([^"]*)"/).map { String($0.1) }
    }

    /// A URL made harmless for the check: entities and percent-encoding decoded, controls and
    /// white space dropped, lower-cased (what a lenient browser could still see as a scheme).
    func looksDangerous(_ url: String) -> Bool {
        let s = url.replacingOccurrences(of: "&amp;", with: "&")
        return Markdown.isDangerousURL(s) || Markdown.isDangerousURL(s, image: true)
    }

    @Test(arguments: [
        // scheme, any case
        ("[a](javascript:alert(1))", "a"),
        ("[a](JaVaScRiPt:alert(1))", "a"),
        ("[a](vbscript:msgbox(1))", "a"),
        ("[a](VBScript:msgbox(1))", "a"),
        ("[a](file:///etc/passwd)", "a"),
        ("[a](FILE://server/share)", "a"),
        ("[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "a"),
        ("[a](data:image/png;base64,iVBORw0KGgo=)", "a"),  // a data: link, even to an image, is not an image
        // entity-encoded
        ("[a](&#106;avascript:alert(1))", "a"),
        ("[a](&#x6A;avascript&colon;alert(1))", "a"),
        ("[a](&#0000106;&#0000097;vascript:alert(1))", "a"),
        ("[a](jav&#x09;ascript:alert(1))", "a"),
        ("[a](java&#10;script:alert(1))", "a"),
        // leading spaces and control characters, percent-encoding
        ("[a](< javascript:alert(1)>)", "a"),
        ("[a](<&#1;javascript:alert(1)>)", "a"),
        ("[a](<&#x20;&#x0B;javascript:alert(1)>)", "a"),
        ("[a](&#xFEFF;javascript:alert(1))", "a"),
        ("[a](javascript%3Aalert(1))", "a"),
        ("[a](%6Aavascript:alert(1))", "a"),
        ("[a](%256Aavascript:alert(1))", "a"),
        ("[a](java%09script:alert(1))", "a"),
        // backslash escapes, titles
        ("[a](javascript\\:alert(1) \"t\")", "a"),
        // autolinks and link reference definitions
        ("<javascript:alert(1)>", "javascript:alert(1)"),
        ("<VBSCRIPT:msgbox(1)>", "VBSCRIPT:msgbox(1)"),
        ("<file:///etc/passwd>", "file:///etc/passwd"),
        ("[a][x]\n\n[x]: javascript:alert(1)", "a"),
        ("[a]\n\n[a]: <&#106;avascript:alert(1)> \"t\"", "a"),
        ("[x]\n\n[x]: data:text/html,<script>alert(1)</script>", "x"),
        // images
        ("![alt](javascript:alert(1))", "alt"),
        ("![alt](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)", "alt"),
        ("![alt](data:text/html,x)", "alt"),
        ("![alt](data:image/png-fake,x)", "alt"),
        ("![alt][i]\n\n[i]: vbscript:x", "alt"),
        ("[![alt](javascript:a)](javascript:b)", "alt"),
    ] as [(String, String)])
    func dangerousURLIsRemovedAndTextKept(markdown: String, text: String) {
        let html = Markdown.render(markdown).html
        #expect(urls(html).allSatisfy { !looksDangerous($0) }, "\(html)")
        #expect(!html.lowercased().contains("javascript:") || html.contains(">javascript:alert(1)<"), "\(html)")
        #expect(!html.contains("<a ") && !html.contains("<img "), "\(html)")
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        #expect(html.contains(escaped), "link text \(text) is gone: \(html)")
    }

    @Test(arguments: [
        ("[a](https://www.soumu.go.jp/x.html)", "https://www.soumu.go.jp/x.html"),
        ("[a](mailto:joho@example.lg.jp)", "mailto:joho@example.lg.jp"),
        ("[a](other.html#part)", "other.html#part"),
        ("[a](#top)", "#top"),
        ("[a](?q=javascript:x)", "?q=javascript:x"),
        ("[a](notes/javascript:x)", "notes/javascript:x"),
        ("[a](javascript-guide.html)", "javascript-guide.html"),
        ("https://example.go.jp/data:x", "https://example.go.jp/data:x"),
        ("![png](data:image/png;base64,iVBORw0KGgo=)", "data:image/png;base64,iVBORw0KGgo="),
        ("![gif](DATA:image/GIF;base64,R0lGOD==)", "DATA:image/GIF;base64,R0lGOD=="),
        ("![jpeg](data:image/jpeg,x)", "data:image/jpeg,x"),
        ("![webp](data:image/webp;base64,UklGR)", "data:image/webp;base64,UklGR"),
    ] as [(String, String)])
    func safeURLIsKept(markdown: String, url: String) {
        let html = Markdown.render(markdown).html
        #expect(urls(html) == [url], "\(html)")
    }

    @Test func filterHoldsWithUnsafeHTML() {
        var o = Markdown.Options()
        o.unsafe = true
        let html = Markdown.render("<b>太字</b> [a](javascript:alert(1)) ![i](vbscript:x) <file:///c:/x>", options: o).html
        #expect(html.contains("<b>太字</b>"))
        #expect(!html.lowercased().contains("href=\"javascript") && !html.contains("src=\"vbscript") && !html.contains("href=\"file:"))
        #expect(html.contains("a") && html.contains("i"))
    }

    @Test func resolvedContentLinksAreNotFiltered() {
        // A link the builder rewrote is its own; the filter looks at the final URL.
        let html = Markdown.render("[x](javascript:alert(1)//a.md)") { _ in .replace("../rules/a.html") }.html
        #expect(html.contains("href=\"../rules/a.html\""))
    }

    @Test(arguments: [
        ("javascript:x", false, true), (" \t\njavascript:x", false, true), ("\u{0}javascript:x", false, true),
        ("java\u{200B}script:x", false, true), ("&#106;avascript:x", false, true), ("%4A%41VASCRIPT:x", false, true),
        ("data:image/png;base64,x", true, false), ("data:image/png;base64,x", false, true), ("data:image/svg+xml,x", true, true),
        ("data:,x", true, true), ("https://a.jp/", false, false), ("x.html", false, false), ("", false, false), ("%zz:", false, false),
        ("javascript", false, false), ("jav ascript:x", false, true),
    ] as [(String, Bool, Bool)])
    func classification(url: String, image: Bool, dangerous: Bool) {
        #expect(Markdown.isDangerousURL(url, image: image) == dangerous)
    }

    @Test func rawHTMLIsRenderedInSafeModeAsAComment() {
        let html = Markdown.render("本文<img src=x onerror=alert(1)>\n\n<script>alert(1)</script>").html
        #expect(!html.contains("<img") && !html.contains("<script"))
        #expect(html.contains("本文"))
    }

    // MARK: - site.yml markdown.unsafe_html

    static let config = Fixtures.siteYML

    func loadConfig(_ yml: String) -> (SiteConfig?, Diagnostics) {
        var d = Diagnostics()
        let c = ConfigLoader.load(text: yml, path: "site.yml", diagnostics: &d)
        return (c, d)
    }

    @Test func unsafeHTMLIsOffByDefault() {
        let (c, d) = loadConfig(Self.config)
        #expect(c?.unsafeHTML == false)
        #expect(d.items.isEmpty)
    }

    @Test func unsafeHTMLSwitchWarnsWithItsPosition() throws {
        let (c, d) = loadConfig(Self.config + "\nmarkdown:\n  unsafe_html: true\n")
        #expect(c?.unsafeHTML == true)
        let w = try #require(d.items.first { $0.code == "unsafe-html" })
        #expect(w.severity == .warning)
        let line = (Self.config + "\nmarkdown:\n  unsafe_html: true\n").split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("unsafe_html") }! + 1
        #expect(w.line == line && w.column == 16)
        #expect(w.description.hasPrefix("site.yml:\(line):16: warning: markdown.unsafe_html が有効です。"))
        #expect(!d.hasErrors)
    }

    @Test func unsafeHTMLFalseIsQuiet() {
        let (c, d) = loadConfig(Self.config + "\nmarkdown: { unsafe_html: false }\n")
        #expect(c?.unsafeHTML == false)
        #expect(d.items.isEmpty)
    }

    @Test func unsafeHTMLMustBeABoolean() {
        let (c, d) = loadConfig(Self.config + "\nmarkdown:\n  unsafe_html: すべて\n")
        #expect(c?.unsafeHTML == false)
        #expect(d.items.contains { $0.code == "wrong-type" && $0.severity == .error && $0.message.contains("unsafe_html") })
        let (_, d2) = loadConfig(Self.config + "\nmarkdown:\n  unsafe_html: [true]\n")
        #expect(d2.hasErrors)
        let (_, d3) = loadConfig(Self.config + "\nmarkdown: true\n")
        #expect(d3.hasErrors)
    }

    @Test func misspelledMarkdownKeyIsReported() {
        let (c, d) = loadConfig(Self.config + "\nmarkdown:\n  unsafe_htm: true\n")
        #expect(c?.unsafeHTML == false)
        #expect(d.items.contains { $0.code == "unknown-key" && $0.message.contains("unsafe_html") })
    }

    func page(_ r: Builder.Result, _ path: String) throws -> String {
        String(decoding: try #require(r.files.first { $0.path == path }).data, as: UTF8.self)
    }

    @Test func buildHonoursTheSwitchAndWarnsEveryTime() throws {
        let body = "本文<b class=\"x\">太字</b>と[危険](javascript:alert(1))。"
        let files = ["content/requirements/a.md": Fixtures.requirement(id: "a", body: body)]
        let safe = try Builder.build(try Fixtures.inline(files))
        let safeHTML = try page(safe, "rules/a.html")
        #expect(!safeHTML.contains("<b class=\"x\">") && safeHTML.contains("raw HTML omitted"))
        #expect(!safe.diagnostics.items.contains { $0.code == "unsafe-html" })

        let source = try Fixtures.inline(files, config: Self.config + "\nmarkdown:\n  unsafe_html: true\n")
        // With the previous build's cache: the switch must re-render the page, not reuse it.
        let unsafe = try Builder.build(source, cache: safe.cache, previousExists: { _ in true })
        let unsafeHTML = try page(unsafe, "rules/a.html")
        #expect(unsafeHTML.contains("<b class=\"x\">太字</b>"))
        #expect(!unsafeHTML.contains("javascript:") && unsafeHTML.contains("危険"))
        #expect(unsafe.diagnostics.items.filter { $0.code == "unsafe-html" }.count == 1)
        let again = try Builder.build(source, cache: unsafe.cache, previousExists: { _ in true })
        #expect(again.diagnostics.items.contains { $0.code == "unsafe-html" })
        #expect(Builder.check(source).items.contains { $0.code == "unsafe-html" })
    }

    @Test func synonymSearchLinksCarryOnlyTheQuery() {
        #expect(PageRenderer.queryValue("C++&phase=contract#x") == "C%2B%2B%26phase%3Dcontract%23x")
        #expect(PageRenderer.queryValue("\"><script>") == "%22%3E%3Cscript%3E")
        #expect(PageRenderer.queryValue("USBメモリ") == "USB%E3%83%A1%E3%83%A2%E3%83%AA")
    }

    @Test func authorsAreWarnedAboutRemovedLinks() throws {
        let body = "一行目\n\n[押す](JavaScript:alert(1)) と [外部](https://example.go.jp/) と <vbscript:x> と [改行](java&#10;script:x)"
        let source = try Fixtures.inline(["content/requirements/a.md": Fixtures.requirement(id: "a", body: body)])
        let warnings = Builder.check(source).items.filter { $0.code == "unsafe-url" }
        #expect(warnings.count == 3)
        // A line break or control character in the URL is shown escaped: one diagnostic, one line.
        #expect(warnings.allSatisfy { !$0.description.contains("\n") })
        #expect(warnings.contains { $0.message.contains("java\\u{A}script:x") })
        #expect(warnings.allSatisfy { $0.severity == .warning && $0.path == "content/requirements/a.md" })
        #expect(warnings.first?.message.contains("JavaScript:alert(1)") == true)
        let bodyLine = Fixtures.requirement(id: "a", body: body).split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("[押す]") }! + 1
        #expect(warnings.first?.line == bodyLine)
    }

    @Test func everyPageCarriesThePolicyAndNoInlineCode() throws {
        let r = try Builder.build(try SiteSource.read(from: Fixtures.site("xss")))
        let pages = r.files.filter { $0.path.hasSuffix(".html") }
        #expect(pages.count >= 20)
        for f in pages {
            let html = String(decoding: f.data, as: UTF8.self)
            #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self';"), "\(f.path)")
            #expect(html.matches(of: /<script(?![^>]*\ssrc=)/).isEmpty, "\(f.path): inline script")
            // Text is escaped, so every `<` left starts a real tag; attribute values are quoted.
            for tag in html.matches(of: /<[a-zA-Z][^>]*>/) {
                let names = String(tag.0).replacing(/"[^"]*"/, with: "\"\"")
                #expect(names.firstMatch(of: /^<style|\sstyle=|\son[a-zA-Z]+=/) == nil, "\(f.path): inline style or handler in \(names)")
            }
            #expect(urls(html).allSatisfy { !looksDangerous($0) || $0.hasPrefix("data:image/png") }, "\(f.path)")
        }
        #expect(!r.diagnostics.items.contains { $0.code == "unsafe-html" })
    }
}
