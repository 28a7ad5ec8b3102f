import Foundation
import Testing
@testable import TebikiCore

/// Theme inheritance (built-in theme as the base, the site's theme folder overriding single
/// files), the strings file and the site.yml settings that change what every page shows.
@Suite struct ThemeTests {
    /// A site with no theme files of its own except `theme` (paths under `mytheme/`).
    func site(_ config: String = Fixtures.siteYML, theme: [String: String] = [:]) -> SiteSource {
        var files = [
            "site.yml": "theme: mytheme\n" + config,
            "content/registries/sources.yml": Fixtures.sources,
            "content/requirements/a.md": Fixtures.requirement(id: "a", extra: "facets:\n  phase: [contract]"),
        ]
        for (path, text) in theme { files["mytheme/" + path] = text }
        return SiteSource(texts: files)
    }

    func page(_ source: SiteSource, _ path: String) throws -> String {
        let result = try Builder.build(source)
        return String(decoding: try #require(result.files.first { $0.path == path }).data, as: UTF8.self)
    }

    @Test func builtinThemeIsEmbeddedAndMatchesTheRepository() throws {
        let repo = try SiteSource.read(from: Fixtures.repoRoot)
        for path in repo.paths(under: "theme") {
            #expect(Theme.builtin[String(path.dropFirst("theme/".count))] == repo.files[path], "\(path) differs from the embedded theme")
        }
        #expect(Theme.builtin["templates/layout.mustache"] != nil)
    }

    @Test func siteWithoutThemeFolderUsesTheBuiltinTheme() throws {
        let d = Builder.check(site())
        #expect(!d.hasErrors, "\(d.items.map(\.description))")
        #expect(try page(site(), "index.html").contains("assets/css/site.css"))
    }

    @Test func oneOverriddenTemplateAndTheRestFallsBack() throws {
        let layout = "<!DOCTYPE html><html lang=\"{{lang}}\"><title>{{pageTitle}}</title><body class=\"mine\">{{{content}}}</body></html>"
        let source = site(theme: ["templates/layout.mustache": layout])
        let d = Builder.check(source)
        #expect(!d.hasErrors, "\(d.items.map(\.description))")
        let html = try page(source, "rules/a.html")
        #expect(html.hasPrefix("<!DOCTYPE html><html lang=\"ja\"><title>規定a</title><body class=\"mine\">"))
        #expect(html.contains("本文"))  // requirement.mustache from the built-in theme
    }

    @Test func overriddenPartialIsUsedByBuiltinTemplates() throws {
        let source = site(theme: ["templates/item-list.mustache": "<ol class=\"own-list\">{{#items}}<li>{{title}}</li>{{/items}}</ol>"])
        #expect(try page(source, "rules/index.html").contains("<ol class=\"own-list\"><li>規定a</li></ol>"))
    }

    @Test func siteAssetOverridesTheBuiltinOneAndAddsItsOwn() throws {
        let source = site(theme: ["assets/css/site.css": "body{}", "assets/img/x.svg": "<svg/>"])
        let files = try Builder.build(source).files
        #expect(files.first { $0.path == "assets/css/site.css" }?.data == Data("body{}".utf8))
        #expect(files.contains { $0.path == "assets/img/x.svg" })
        #expect(files.contains { $0.path == "assets/js/page.js" })
    }

    @Test func stringsOverrideOnlyTheKeysGiven() throws {
        let source = site(theme: ["strings.yml": "rules: 決まりの一覧\nsearch_button: さがす\n"])
        let html = try page(source, "rules/index.html")
        #expect(html.contains("<title>決まりの一覧 | テスト</title>"))
        #expect(html.contains(">さがす</button>"))
        #expect(html.contains(">用語集</a>"))  // not overridden: the built-in word
    }

    @Test func unknownStringKeyIsReportedWithTheNearestKey() throws {
        let d = Builder.check(site(theme: ["strings.yml": "rule: 決まり\n"]))
        let w = try #require(d.items.first { $0.code == "unknown-key" })
        #expect(w.path == "mytheme/strings.yml" && w.line == 1 && w.column == 1)
        #expect(w.message.contains("「rules」の誤りではありませんか"))
    }

    @Test func builtinStringsAreAllParsed() {
        var d = Diagnostics()
        let theme = Theme.load(folder: "theme", source: SiteSource(files: [:]), diagnostics: &d)
        #expect(theme?.strings.values.count ?? 0 > 30)
        #expect(theme?.strings["hero_search_placeholder"] == "例: 再委託、USBメモリ、クラウド、9.3.5")
    }

    @Test func heroDefaultsToTheSiteTitle() throws {
        let html = try page(site("title: 最小サイト\n" + Fixtures.siteYML.replacingOccurrences(of: "title: テスト\n", with: "")), "index.html")
        #expect(html.contains("<h1>最小サイト</h1>"))
        #expect(!html.contains("外部委託の情報セキュリティ"))
    }

    @Test func heroLinesBreak() throws {
        let html = try page(site(Fixtures.siteYML + "\nhero: |-\n  一行目\n  二行目\n"), "index.html")
        #expect(html.contains("<h1>一行目<br>二行目</h1>"))
    }

    @Test func menuOrderLabelsAndCurrentPage() throws {
        let config = Fixtures.siteYML + "\nmenu:\n  - glossary\n  - { page: rules, label: 決まり }\n  - { label: 案内, url: rules/a.html }\n"
        let html = try page(site(config), "rules/index.html")
        #expect(html.contains("<li><a href=\"../glossary/index.html\">用語集</a></li><li><a href=\"../rules/index.html\" aria-current=\"page\">決まり</a></li><li><a href=\"../rules/a.html\">案内</a></li>"))
    }

    @Test func menuTypoSuggestsTheBuiltinPage() throws {
        let d = Builder.check(site(Fixtures.siteYML + "\nmenu:\n  - glosary\n"))
        let e = try #require(d.items.first { $0.code == "unknown-page" })
        #expect(e.path == "site.yml" && e.message.contains("「glossary」の誤りではありませんか"))
    }

    @Test func coloursBecomeAStylesheetAndBadColoursAreErrors() throws {
        let source = site(Fixtures.siteYML + "\ncolors:\n  brand: \"#123456\"\n  brand_border: \"#abc\"\n")
        let files = try Builder.build(source).files
        #expect(files.first { $0.path == "assets/css/colors.css" }?.data == Data(":root {\n  --brand: #123456;\n  --brand-border: #abc;\n}\n".utf8))
        #expect(try page(source, "index.html").contains("<link rel=\"stylesheet\" href=\"assets/css/colors.css\">"))
        let d = Builder.check(site(Fixtures.siteYML + "\ncolors:\n  brand: \"red;}body{x:y\"\n"))
        #expect(d.items.contains { $0.code == "invalid-colour" })
        // The default site writes no colour sheet.
        #expect(!(try Builder.build(site()).files.contains { $0.path == "assets/css/colors.css" }))
    }

    @Test func logoAndExtraFilesMustExistInTheTheme() throws {
        let config = Fixtures.siteYML + "\nlogo: assets/img/logo.png\nextra_css: [assets/css/own.css]\nextra_js: [../x.js]\n"
        let d = Builder.check(site(config, theme: ["assets/css/own.css": "a{}"]))
        let missing = d.items.filter { $0.code == "missing-file" }
        #expect(missing.count == 1)
        #expect(missing.first?.path == "site.yml" && missing.first?.message.contains("assets/img/logo.png") == true)
        #expect(d.items.contains { $0.code == "invalid-path" })
        let html = try page(site(Fixtures.siteYML + "\nlogo: assets/img/l.svg\nextra_css: [assets/css/own.css]\nextra_js: [assets/js/own.js]\n",
                                 theme: ["assets/css/own.css": "a{}", "assets/img/l.svg": "<svg/>", "assets/js/own.js": ""]), "rules/a.html")
        #expect(html.contains("<img class=\"site-logo\" src=\"../assets/img/l.svg\" alt=\"\">"))
        #expect(html.contains("<link rel=\"stylesheet\" href=\"../assets/css/own.css\">"))
        #expect(html.contains("<script src=\"../assets/js/own.js\"></script>"))
    }

    @Test(arguments: ["ja", "en", "zh-Hant"]) func languageTags(_ tag: String) throws {
        #expect(!Builder.check(site(Fixtures.siteYML + "\nlanguage: \(tag)\n")).hasErrors)
    }

    @Test func badLanguageIsAnError() throws {
        let d = Builder.check(site(Fixtures.siteYML + "\nlanguage: 日本語\n"))
        #expect(d.items.contains { $0.code == "invalid-language" && $0.path == "site.yml" })
    }

    @Test func homeFacetsAndStagesComeFromSiteYml() throws {
        let config = Fixtures.siteYML.replacingOccurrences(of: "    kind: multi\n", with: "    kind: multi\n    home: true\n    stages: true\n")
        let html = try page(site(config), "index.html")
        #expect(html.contains("<h2>段階から探す</h2>"))
        #expect(!html.contains("<h2>委託の形態から探す</h2>"))
        #expect(try page(site(config), "rules/index.html").contains("段階: 契約"))
        // Without `stages: true` no facet is shown as the stage.
        #expect(!(try page(site(), "rules/index.html").contains("段階: 契約")))
        let twice = Fixtures.siteYML.replacingOccurrences(of: "kind: multi\n", with: "kind: multi\n    stages: true\n")
            .replacingOccurrences(of: "kind: graded\n", with: "kind: graded\n    stages: true\n")
        #expect(Builder.check(site(twice)).items.contains { $0.code == "duplicate-stages" })
    }

    @Test func secondSiteBuildsWithoutDiagnostics() throws {
        let source = try SiteSource.read(from: Fixtures.site("second-site"))
        let result = try Builder.build(source)
        #expect(result.diagnostics.items.isEmpty, "\(result.diagnostics.items.map(\.description))")
        let home = String(decoding: try #require(result.files.first { $0.path == "index.html" }).data, as: UTF8.self)
        #expect(home.contains("id=\"school-home\""))
        #expect(home.contains("<title>学校防災の手引</title>"))
        #expect(!home.contains("外部委託"))
    }
}
