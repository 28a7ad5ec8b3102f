import Foundation
import Testing
@testable import TebikiCore

/// No facet key and no word of a domain in the code: the role of each facet comes from site.yml
/// (through the data Swift writes), every word from the theme's strings.yml.
@Suite struct FacetRolesTests {
    func build(_ name: String) throws -> Builder.Result {
        try Builder.build(try SiteSource.read(from: Fixtures.site(name)))
    }

    func file(_ r: Builder.Result, _ path: String) throws -> String {
        String(decoding: try #require(r.files.first { $0.path == path }).data, as: UTF8.self)
    }

    /// The JSON object a `globalThis.X = {…};` script holds.
    func scriptJSON(_ text: String) throws -> [String: Any] {
        let start = try #require(text.firstIndex(of: "{")), end = try #require(text.lastIndex(of: "}"))
        return try #require(try JSONSerialization.jsonObject(with: Data(text[start...end].utf8)) as? [String: Any])
    }

    /// The JSON a search shard script (`Tebiki.search.shard("m",0,"<base64 of raw DEFLATE>");`) holds.
    func shardValue(_ text: String) throws -> Any {
        let start = try #require(text.firstIndex(of: "(")), end = try #require(text.lastIndex(of: ")"))
        let list = try JSONSerialization.jsonObject(with: Data(("[" + text[text.index(after: start)..<end] + "]").utf8))
        let args = try #require(list as? [Any])
        let base64 = try #require(args.last as? String)
        let packed = try #require(Data(base64Encoded: base64))
        return try JSONSerialization.jsonObject(with: try Deflate.decompress(packed))
    }

    func shardJSON(_ text: String) throws -> [String: Any] {
        try #require(try shardValue(text) as? [String: Any])
    }

    func facets(_ json: [String: Any]) throws -> [[String: Any]] {
        try #require(json["facets"] as? [[String: Any]])
    }

    @Test func rolesReachTheSearchManifestAndTheLookupData() throws {
        let r = try build("second-site")
        let manifest = try facets(try shardJSON(try file(r, "search/manifest.js")))
        #expect(manifest.map { $0["key"] as? String } == ["timing", "building"])
        #expect(manifest.map { $0["search"] as? Bool } == [true, true])
        #expect(manifest.map { $0["stages"] as? Bool } == [true, nil])
        let lookup = try facets(try scriptJSON(try file(r, "data/lookup.js")))
        #expect(lookup.compactMap { $0["stages"] as? Bool == true ? $0["key"] as? String : nil } == ["timing"])
    }

    @Test func defaultSiteDeclaresItsFiltersAndHiddenChips() throws {
        var d = Diagnostics()
        let text = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("site.yml"), encoding: .utf8)
        let config = try #require(ConfigLoader.load(text: text, path: "site.yml", diagnostics: &d))
        #expect(config.facets.filter(\.search).map(\.key) == ["phase", "form", "org", "category"])
        #expect(config.facets.filter { !$0.chips }.map(\.key) == ["role"])
        #expect(config.stageFacet?.key == "phase")
    }

    /// The grade that means "does not apply" is declared in site.yml (`applies: false`). The
    /// second site calls it `none`: 避難所を開設する is `none` for 本館, so neither the lookup, nor
    /// the search filter, nor the facet pages' counts list it there; 体育館 (`must`) still does.
    @Test func theNotApplicableGradeIsTheOneSiteYmlDeclares() throws {
        let source = try SiteSource.read(from: Fixtures.site("second-site"))
        var d = Diagnostics()
        let model = SiteModel(try #require(ParsePhase.run(source, diagnostics: &d)))
        #expect(model.config.notApplicableGrade == "none")
        let shelter = try #require(model.byID["shelter"])
        #expect(SiteModel.values(of: shelter, facet: "building").contains { $0 == ("main", "none") })
        func listed(_ value: String) -> Bool {
            let at = SourceLocation(path: "", line: 0, column: 0)
            let selection = [FacetAssignment(facet: "building", location: at, values: [(value: value, grade: nil, location: at)])]
            return LookupMatch.applies(shelter, selection: selection, config: model.config)
        }
        #expect(!listed("main"))
        #expect(listed("gym"))

        let r = try Builder.build(source)
        // The lookup data and the search manifest say which grade does not apply, and only that one.
        for grades in [try scriptJSON(try file(r, "data/lookup.js"))["grades"], try shardJSON(try file(r, "search/manifest.js"))["grades"]] {
            let list = try #require(grades as? [[String: Any]])
            #expect(list.filter { $0["applies"] != nil }.map { $0["key"] as? String } == ["none"])
            #expect(list.filter { $0["applies"] != nil }.map { $0["applies"] as? Bool } == [false])
        }
        // Search filters: the filter table row of shelter lists 体育館 (index 1) only for building.
        let docs = try #require(try shardValue(try file(r, "search/d-0.js")) as? [[String: Any]])
        let rows = try #require(try shardValue(try file(r, "search/filters.js")) as? [Any])
        let at = try #require(docs.firstIndex { $0["id"] as? String == "shelter" })
        let row = try #require(rows[at] as? [Any])
        let building = try #require(model.config.facets.firstIndex { $0.key == "building" })
        #expect(row[building] as? [Int] == [1])
        // Facet pages count the requirements the value applies to: drill only for 本館, both for 体育館.
        let main = try file(r, "facets/building-main.html"), gym = try file(r, "facets/building-gym.html")
        #expect(main.contains("当てはまる取組: 1 件"), "\(main)")
        #expect(gym.contains("当てはまる取組: 2 件"))
        for page in ["index.html", "facets/index.html"] {
            #expect(try file(r, page).contains("building-main.html\">本館 <span class=\"count\">1</span>"), "\(page)")
        }
    }

    @Test func atMostOneGradeDoesNotApplyAndTheFlagIsABoolean() throws {
        var d = Diagnostics()
        let yml = """
        title: t
        grades:
          - { key: a, symbol: A, label: A, applies: false }
          - { key: b, symbol: B, label: B, applies: false }
          - { key: c, symbol: C, label: C, applies: maybe }
          - { key: e, symbol: E, label: E, applies: true }
        facets:
          - { key: f, label: F, kind: graded, values: [{ key: x, label: X }] }

        """
        let config = try #require(ConfigLoader.load(text: yml, path: "site.yml", diagnostics: &d))
        #expect(d.items.map(\.code) == ["duplicate-not-applicable", "wrong-type"], "\(d.items.map(\.description))")
        #expect(d.items.map(\.line) == [4, 5])
        #expect(d.items.first?.message.contains("「a」") == true)
        #expect(config.notApplicableGrade == "a")
        #expect(!config.applies(grade: "a") && config.applies(grade: "b") && config.applies(grade: "e") && config.applies(grade: nil))
        #expect(config.applies(grade: "unknown"))
    }

    /// A site written in ASCII whose theme replaces every word of the built-in strings.yml with
    /// ASCII: any Japanese in its output would be Swift's own (or a theme asset copied as is).
    static func asciiSite() -> SiteSource {
        // Every built-in key, as `w-<key>` plus the placeholders its text has.
        let strings = ThemeStrings.builtin.values.sorted { $0.key < $1.key }.map { key, text -> String in
            let placeholders = text.matches(of: /\{[a-z]+\}/).map { String($0.0) }.joined(separator: " ")
            return "\(key): \"w-\(key)\(placeholders.isEmpty ? "" : " " + placeholders)\""
        }.joined(separator: "\n")
        return SiteSource(texts: [
            "site.yml": """
            title: Handbook
            description: A site written in ASCII.
            language: en
            theme: own
            grades:
              - { key: must, symbol: M, label: Must }
              - { key: none, symbol: "-", label: Not applicable, applies: false }
            facets:
              - { key: when, label: When, kind: multi, stages: true, home: true, search: true, all: Always,
                  values: [{ key: before, label: Before }, { key: after, label: After }] }
              - { key: where, label: Where, kind: graded, home: true, search: true, specific: true,
                  values: [{ key: inside, label: Inside }, { key: outside, label: Outside }] }

            """,
            "own/strings.yml": strings + "\n",
            "content/registries/sources.yml": """
            - { key: plan, title: Plan, publisher: City, date: 2024-04-01, edition: First, family: plan }
            - { key: plan-2, title: Plan, publisher: City, date: 2025-04-01, edition: Second, family: plan }

            """,
            "content/requirements/drill.md": """
            ---
            id: drill
            title: Hold a drill
            summary: Twice a year.
            sources: [{ doc: plan-2, section: "2.1" }]
            facets:
              when: [before]
              where: { inside: must, outside: none }
            related: [open]
            history:
              - { edition: plan-2, change: changed, note: Twice instead of once., before: Once a year., after: Twice a year. }
            ---
            ## Route

            Walk the [route](open.md#keys).
            """,
            "content/requirements/open.md": """
            ---
            id: open
            title: Open the shelter
            summary: Open the gym.
            sources: [{ doc: plan-2, section: "3.4" }]
            facets:
              where: [outside]
            history:
              - { edition: plan-2, change: added, note: New. }
            ---
            ## Keys

            Check the keys.
            """,
            "content/glossary/shelter.md": """
            ---
            id: shelter
            title: Shelter
            reading: shelter
            synonyms: [refuge, haven]
            summary: A safe place.
            ---
            Where people go.
            """,
            "content/checklists/check.md": """
            ---
            id: check
            title: Drill checklist
            summary: Before the drill.
            items:
              - { text: Route posted?, requirement: drill }
              - { text: Keys found?, requirement: open }
            ---
            Use it before the drill.
            """,
            "content/scenarios/inside.md": """
            ---
            id: inside
            title: Inside
            summary: A drill inside.
            selection:
              where: [inside]
            ---
            Inside the building.
            """,
        ])
    }

    /// Japanese in `text` (kana and kanji; with `punctuation`, CJK and full-width punctuation
    /// too), each with what surrounds it.
    static func japaneseRuns(_ text: String, punctuation: Bool) -> [String] {
        let isJapanese = { (s: Unicode.Scalar) in
            (0x3040...0x30FF).contains(s.value) && s.value != 0x30FB || (0x4E00...0x9FFF).contains(s.value)
                || punctuation && ((0x3000...0x303F).contains(s.value) || s.value == 0x30FB || (0xFF00...0xFFEF).contains(s.value))
        }
        let scalars = Array(text.unicodeScalars)
        var out: [String] = []
        var i = 0
        while i < scalars.count {
            guard isJapanese(scalars[i]) else { i += 1; continue }
            var j = i
            while j < scalars.count, isJapanese(scalars[j]) { j += 1 }
            var context = String.UnicodeScalarView()
            context.append(contentsOf: scalars[max(0, i - 30)..<min(scalars.count, j + 30)])
            out.append(String(context))
            i = j
        }
        return out
    }

    /// Every word of every output file comes from content, site.yml or the theme's strings:
    /// with all three in ASCII, no output (pages, data, exports, CSV, feed, search shards
    /// unpacked) holds Japanese, except the theme's assets copied as they are. Pages may hold the
    /// punctuation of the templates (`・`, `（…）`, docs/theme.md); the data files not even that.
    @Test func swiftWritesNoWordsOfItsOwnIntoTheOutput() throws {
        let r = try Builder.build(Self.asciiSite())
        #expect(r.diagnostics.items.isEmpty, "\(r.diagnostics.items.map(\.description))")
        let paths = Set(r.files.map(\.path))
        for path in ["exports/oscal/catalog.json", "exports/oscal/profiles/inside.json", "data/catalog.json", "data/lookup.js",
                     "checklists/check.csv", "changes/feed.xml", "changes/index.html", "rules/drill.html", "glossary/shelter.html",
                     "search/manifest.js", "search/filters.js", "assets/js/strings.js"] {
            #expect(paths.contains(path), "\(path) is not written: the test no longer covers it")
        }
        var checked = 0
        for file in r.files {
            if let builtin = Theme.builtin[file.path], builtin == file.data { continue }
            var text = String(decoding: file.data, as: UTF8.self)
            if file.path.hasPrefix("search/"), file.path.hasSuffix(".js") {
                text = String(decoding: try JSONSerialization.data(withJSONObject: try shardValue(text), options: [.fragmentsAllowed]), as: UTF8.self)
            }
            let runs = Self.japaneseRuns(text, punctuation: !file.path.hasSuffix(".html"))
            #expect(runs.isEmpty, "\(file.path) holds Japanese that is not from content, site.yml or strings.yml: \(runs.prefix(5))")
            checked += 1
        }
        #expect(checked > 30)
        // The words the builder writes into exports come from strings.yml.
        let catalog = try file(r, "exports/oscal/catalog.json")
        #expect(catalog.contains("w-oscal_group_other When"))
        #expect(catalog.contains("w-oscal_citation City Planw-oscal_citation_edition Secondw-oscal_citation_date 2025-04-01"))
        #expect(try file(r, "rules/drill.html").contains("aria-label=\"w-heading_anchor_label\""))
    }

    @Test func rolesMustBeBooleans() throws {
        var d = Diagnostics()
        let yml = "title: t\nfacets:\n  - { key: a, label: A, kind: multi, search: yes-please, chips: 1, values: [{ key: x, label: X }] }\n"
        _ = ConfigLoader.load(text: yml, path: "site.yml", diagnostics: &d)
        #expect(d.items.filter { $0.code == "wrong-type" }.count == 2, "\(d.items.map(\.description))")
    }

    @Test func theStringsScriptHoldsTheSitesWords() throws {
        let r = try build("second-site")
        let strings = try scriptJSON(try file(r, Theme.stringsScriptPath))
        #expect(strings["lookup_intro"] as? String == "時期と施設を選ぶと、当てはまる取組を時期ごとに一覧し、そのまま印刷用の点検表にできます。")
        #expect(strings["search_more"] as? String == "さらに表示")  // a word the site keeps from the built-in theme
        #expect(try file(r, "rules/drill.html").contains("assets/js/strings.js"))
    }

    /// Japanese letters (kana, kanji) outside comments; `・` and `ー` alone are punctuation.
    static func japanese(in code: String) -> [String] {
        var text = code.replacing(/\/\*[\s\S]*?\*\//, with: "")
        text = text.replacing(/(?m)^\s*\/\/.*$/, with: "").replacing(/\s\/\/ .*$/.anchorsMatchLineEndings(), with: "")
        return text.split(separator: "\n").map(String.init).filter { line in
            line.unicodeScalars.contains { s in
                (0x3040...0x309F).contains(s.value) || ((0x30A0...0x30FF).contains(s.value) && s.value != 0x30FB && s.value != 0x30FC)
                    || (0x4E00...0x9FFF).contains(s.value)
            }
        }
    }

    @Test func templatesAndPageScriptsHoldNoWords() throws {
        for (path, data) in Theme.builtin where path.hasPrefix("templates/")
            || ["assets/js/page.js", "assets/js/lookup-core.js", "assets/js/lookup-page.js", "assets/js/search-page.js"].contains(path) {
            let lines = Self.japanese(in: String(decoding: data, as: UTF8.self))
            #expect(lines.isEmpty, "\(path) writes words of its own instead of using strings.yml: \(lines)")
        }
    }

    /// The default site's facet keys (phase, form, info, subcontract, role, org, category) and
    /// grade keys (required, …, na) as quoted strings in Swift or in the theme's scripts: only
    /// site.yml may name them. DOM words that happen to be spelt the same
    /// (`setAttribute('role', …)`, `closest('form')`, `input.required`) do not count.
    @Test func noFacetOrGradeKeyOfTheDefaultSiteInCode() throws {
        var d = Diagnostics()
        let text = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("site.yml"), encoding: .utf8)
        let config = try #require(ConfigLoader.load(text: text, path: "site.yml", diagnostics: &d))
        let keys = config.facets.map(\.key) + config.grades.map(\.key)
        #expect(config.facets.count >= 6)
        #expect(config.notApplicableGrade == "na" && keys.contains("na"))
        var files: [(String, String)] = Theme.builtin.filter { $0.key.hasSuffix(".js") }.map { ($0.key, String(decoding: $0.value, as: UTF8.self)) }
        let sources = Fixtures.repoRoot.appendingPathComponent("Sources")
        for case let url as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)! where url.pathExtension == "swift" {
            files.append((url.path, try String(contentsOf: url, encoding: .utf8)))
        }
        for (path, code) in files {
            let uncommented = code.replacing(/\/\*[\s\S]*?\*\//, with: "").replacing(/\/\/.*/, with: "")
                .replacing(/(setAttribute|getAttribute|closest)\('(role|form)'/, with: "")
            for key in keys {
                #expect(!uncommented.contains("'\(key)'") && !uncommented.contains("\"\(key)\""), "\(path) names the facet or grade key \(key) of the default site")
            }
        }
    }

    @Test func everyStringTheScriptsUseExists() throws {
        var d = Diagnostics()
        let theme = try #require(Theme.load(folder: "theme", source: SiteSource(files: [:]), diagnostics: &d))
        for path in ["assets/js/page.js", "assets/js/lookup-core.js", "assets/js/lookup-page.js", "assets/js/search-page.js"] {
            let code = String(decoding: try #require(Theme.builtin[path]), as: UTF8.self)
            var keys = Set(code.matches(of: /\b(?:t|text|word)\('([a-z_]+)'/).map { String($0.1) })
            // Keys named in tables ({requirement: 'kind_requirement'}, ['csv_no', …]).
            keys.formUnion(code.matches(of: /'((?:kind|csv|lookup|search|renamed|retired)_[a-z_]+)'/).map { String($0.1) })
            #expect(!keys.isEmpty, "\(path)")
            for key in keys { #expect(theme.strings.values[key] != nil, "\(path) uses the string \(key), which strings.yml lacks") }
        }
    }
}
