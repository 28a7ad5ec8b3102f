import Foundation
import PropertyBased
import Testing
@testable import TebikiCore

/// Property-based fuzzing of the front-matter splitter, the content and configuration loaders
/// and the link resolver (docs/robustness.md). `swift test` runs a short bounded version;
/// `make fuzz` sets TEBIKI_FUZZ_SECONDS and every property then runs for its share of that time.
/// Inputs are random byte strings and, mostly, random sequences of the tokens that matter to
/// these parsers (`---`, line breaks of every kind, YAML indicators, BOM, look-alikes…).
@Suite(.serialized) struct LoaderPropertyTests {
    static let properties = 7
    /// Seconds for each property when fuzzing (nil: one bounded round).
    static let budget: Double? = ProcessInfo.processInfo.environment["TEBIKI_FUZZ_SECONDS"].flatMap(Double.init).map { $0 / Double(properties) }
    static let count = budget == nil ? 200 : 2_000

    /// Runs `round` once, or again and again until this property's share of the fuzzing time is used.
    static func run(_ name: String, _ round: () async -> Void) async {
        let start = Date()
        var rounds = 0
        repeat {
            await round()
            rounds += 1
        } while budget.map { Date().timeIntervalSince(start) < $0 } ?? false
        if budget != nil {
            print("fuzz: \(name): \(rounds * count) inputs in \(String(format: "%.0f", Date().timeIntervalSince(start))) s")
        }
    }

    // MARK: Generators

    /// One of `items`, shrinking towards the first.
    static func pick(_ items: [String]) -> Generator<String, Shrink.Integer<Int>> {
        Gen.int(in: 0...(items.count - 1)).map { items[$0] }
    }

    static let frontMatterTokens = [
        "---", "---", "...", "--- ", "-- -", "\n", "\n", "\n", "\r\n", "\r\n", "\r", "\u{FEFF}", " ", "  ", "\t",
        ":", ": ", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!x ", "? ", "|", ">", "#", "\"", "'", "\\",
        "id", "title", "summary", "sources", "doc", "section", "facets", "related", "history", "items", "selection",
        "phase", "form", "build", "required", "x", "a-b", "日本語", "ｆ", "а", "e\u{301}", "\u{301}", "\u{200B}",
        "\u{2028}", "\u{85}", "\u{0}", "\u{1}", "%", "@", "`", "0x1F", "1.5", "~", "null", "true", "[x](y.md)",
        "> ", "* ", "1. ", "```", "<div>", "\u{FFFD}", "😀", "👨‍👩‍👧",
    ]
    static let text = pick(frontMatterTokens).array(of: 0...60).map { $0.joined() }
    static let bytes = Gen<UInt8>.value(in: 0...255).array(of: 0...400).map { Data($0) }

    static let urlTokens = [
        "../", "../", "./", "/", "//", "\\", "..", ".", "%2e", "%2E", "%2f", "x", "id", "a-b", ".md", ".md", ".html",
        "#", "#frag", "?", "?q=1", "file:", "FILE:", "http://", "https:", "mailto:", "javascript:", ":", "C:",
        "rules", "glossary", "а", "\u{200B}", " ", "%00", "~",
    ]
    static let url = pick(urlTokens).array(of: 0...12).map { $0.joined() }
    static let pagePaths = ["index.html", "rules/x.html", "glossary/term.html", "checklists/c.html", "a/b/c/d.html"]
    static let pagePath = pick(pagePaths)

    // MARK: Helpers

    /// The file's lines by an independent route (String operations), to check the splitter against.
    static func referenceLines(_ text: String) -> [String] {
        var t = text
        if t.hasPrefix("\u{FEFF}") { t.removeFirst() }
        // .literal: compare UTF-16 units; otherwise Foundation reads "\n" + U+0301 as one composed character.
        t = t.replacingOccurrences(of: "\r\n", with: "\n", options: .literal).replacingOccurrences(of: "\r", with: "\n", options: .literal)
        return t.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Every diagnostic points into the file: 1 ≤ line ≤ lines + 1 (libyaml may point just past the end), column ≥ 1.
    static func expectPositionsInside(_ d: Diagnostics, text: String, path: String) {
        let lineCount = referenceLines(text).count
        for item in d.items {
            #expect(item.path == path)
            #expect(item.line >= 1 && item.line <= lineCount + 1 && item.column >= 1, "\(item) in \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    // MARK: Properties

    @Test func frontMatterSplitterMapsLinesBack() async {
        await Self.run("front-matter splitter") {
            await propertyCheck(count: Self.count, input: Self.text) { text in
                var d = Diagnostics()
                guard let file = FrontMatterFile.split(text, path: "p.md", diagnostics: &d) else {
                    #expect(d.items.count == 1 && d.items[0].severity == .error && d.items[0].line == 1)
                    return
                }
                #expect(d.items.isEmpty)
                let lines = Self.referenceLines(text)
                let yamlLines = file.yaml.split(separator: "\n", omittingEmptySubsequences: false)
                // A file that ends on the closing `---` line has an empty body and no body line.
                let bodyLines = file.body.isEmpty && file.bodyLineOffset == lines.count ? []
                    : file.body.split(separator: "\n", omittingEmptySubsequences: false)
                guard file.bodyLineOffset + bodyLines.count == lines.count else {
                    Issue.record("line count \(file.bodyLineOffset) + \(bodyLines.count) ≠ \(lines.count) in \(text.debugDescription)")
                    return
                }
                for (k, line) in yamlLines.enumerated() where !file.yaml.isEmpty {
                    #expect(lines[file.yamlLineOffset + k] == String(line), "YAML line \(k + 1) in \(text.debugDescription)")
                }
                for (j, line) in bodyLines.enumerated() {
                    #expect(lines[file.bodyLineOffset + j] == String(line), "body line \(j + 1) in \(text.debugDescription)")
                }
                #expect(lines[file.bodyLineOffset - 1].trimmingCharacters(in: CharacterSet(charactersIn: " \t")) == "---"
                        || lines[file.bodyLineOffset - 1].trimmingCharacters(in: CharacterSet(charactersIn: " \t")) == "...")
            }
        }
    }

    /// The quick path (LF-only files) gives exactly what the general path gives.
    @Test func frontMatterQuickPathAgrees() async {
        await Self.run("front-matter quick path") {
            await propertyCheck(count: Self.count, input: Self.text) { text in
                var t = Substring(text)
                if t.hasPrefix("\u{FEFF}") { t = t.dropFirst() }
                guard let quick = FrontMatterFile.quickSplit(t) else { return }
                var d = Diagnostics()
                let general = FrontMatterFile.generalSplit(t, path: "p.md", diagnostics: &d)
                #expect(d.items.isEmpty)
                #expect(general?.yaml == quick.yaml, "\(text.debugDescription)")
                #expect(general?.body == quick.body, "\(text.debugDescription)")
                #expect(general?.bodyLineOffset == quick.bodyLineOffset, "\(text.debugDescription)")
            }
        }
    }

    @Test func frontMatterRoundTrip() async {
        let part = Self.pick(Self.frontMatterTokens.filter { !$0.contains("-") && !$0.contains(".") && $0 != "\u{FEFF}" })
            .array(of: 0...30).map { $0.joined() }
        await Self.run("front-matter round trip") {
            await propertyCheck(count: Self.count, input: part, part) { yaml, body in
                // A trailing CR and the separator's LF make one CRLF: not a round trip by design.
                guard !yaml.hasSuffix("\r") else { return }
                let text = "---\n" + yaml + "\n---\n" + body
                var d = Diagnostics()
                let file = FrontMatterFile.split(text, path: "p.md", diagnostics: &d)
                let normalize = { (s: String) in Self.referenceLines(s).joined(separator: "\n") }
                #expect(file?.yaml == normalize(yaml), "\(text.debugDescription)")
                #expect(file?.body == normalize(body), "\(text.debugDescription)")
                #expect(file?.bodyLineOffset == Self.referenceLines(yaml).count + 2)
            }
        }
    }

    @Test func contentParserNeverCrashesAndPointsIntoTheFile() async {
        let config = ConfigLoaderFixture.config
        // Random bytes, token soup, or token soup after an opening `---` (so the YAML parser gets it).
        let input = zip(Gen.int(in: 0...2), Self.bytes, Self.text).map { choice, bytes, text -> Data in
            switch choice {
            case 0: bytes
            case 1: Data(text.utf8)
            default: Data(("---\n" + text).utf8)
            }
        }
        await Self.run("content parser") {
            await propertyCheck(count: Self.count, input: input) { data in
                for kind in ContentKind.allCases {
                    for config in [config, nil] {
                        var d = Diagnostics()
                        if let text = TextDecoding.decode(data, path: "p.md", diagnostics: &d) {
                            _ = ContentParser.parse(text: text, path: "p.md", kind: kind, config: config, diagnostics: &d)
                        }
                        Self.expectPositionsInside(d, text: String(decoding: data, as: UTF8.self), path: "p.md")
                    }
                }
            }
        }
    }

    @Test func configLoaderNeverCrashesAndKeepsItsGuarantees() async {
        let tokens = Self.frontMatterTokens + ["title: ", "grades:\n", "facets:\n", "  - key: ", "    kind: ", "graded", "multi",
                                               "    values:\n", "      - { key: ", ", label: ", " }", "label: ", "symbol: ○"]
        let input = Self.pick(tokens).array(of: 0...80).map { $0.joined() }
        await Self.run("configuration loader") {
            await propertyCheck(count: Self.count, input: input) { text in
                var d = Diagnostics()
                let config = ConfigLoader.load(text: text, path: "site.yml", diagnostics: &d)
                Self.expectPositionsInside(d, text: text, path: "site.yml")
                // Keys become output paths (facets/<facet>-<value>.html): without errors they are safe and unique.
                if let config, !d.hasErrors {
                    let keys = config.facets.map(\.key) + config.grades.map(\.key)
                    #expect(keys.allSatisfy { $0.wholeMatch(of: asciiKeyPattern) != nil })
                    #expect(Set(config.facets.map(\.key)).count == config.facets.count)
                    for f in config.facets {
                        #expect(f.values.allSatisfy { $0.key.wholeMatch(of: asciiKeyPattern) != nil })
                        #expect(Set(f.values.map(\.key)).count == f.values.count)
                    }
                }
            }
        }
    }

    @Test func configRoundTrip() async {
        let key = Gen.lowercaseLetter.array(of: 1...8).map { String($0) }
        let label = Self.pick(["段階", "契約", "a: b", "\"引用\"", "#", "- x", "'", "\\", "ｆ", "&a", "*a", "", " 空白 ", "\t"])
            .array(of: 1...3).map { $0.joined() }
        let facet = zip(key, label, Gen.bool, key.array(of: 1...4))
        await Self.run("configuration round trip") {
            await propertyCheck(count: Self.count, input: label, facet.array(of: 1...4)) { title, facets in
                var seen = Set<String>()
                let unique = facets.filter { seen.insert($0.0).inserted }
                func quoted(_ s: String) -> String {
                    String(data: try! JSONEncoder().encode(s), encoding: .utf8)!   // JSON strings are YAML strings
                }
                var yaml = "title: \(quoted(title))\ngrades:\n  - { key: required, symbol: \(quoted("○")), label: \(quoted("必須")) }\nfacets:\n"
                for (k, l, graded, values) in unique {
                    yaml += "  - key: \(k)\n    label: \(quoted(l))\n    kind: \(graded ? "graded" : "multi")\n    values:\n"
                    for v in Array(Set(values)).sorted() { yaml += "      - { key: \(v), label: \(quoted(v + l)) }\n" }
                }
                var d = Diagnostics()
                let config = ConfigLoader.load(text: yaml, path: "site.yml", diagnostics: &d)
                #expect(d.items.isEmpty, "\(d.items) in \(yaml)")
                #expect(config?.title == title)
                #expect(config?.facets.map(\.key) == unique.map(\.0))
                #expect(config?.facets.map(\.label) == unique.map(\.1))
                #expect(config?.facets.map { $0.kind == .graded } == unique.map(\.2))
                #expect(config?.facets.map { $0.values.map(\.key) } == unique.map { Array(Set($0.3)).sorted() })
            }
        }
    }

    @Test func linkResolverNeverLeavesTheSite() async {
        let ids: Set<String> = ["x", "id", "a-b", "term"]
        await Self.run("link resolver") {
            await propertyCheck(count: Self.count, input: Self.url, Self.pagePath) { url, page in
                if let id = LinkResolver.contentTarget(of: url) {
                    #expect(!id.isEmpty && !id.contains("/") && !id.contains("\\") && !id.allSatisfy { $0 == "." }, "\(url)")
                }
                // What the renderer writes: always a site page, never above the site's folder.
                if let resolved = LinkResolver.resolve(url, from: page, urlOf: { ids.contains($0) ? "rules/\($0).html" : nil }) {
                    let path = String(resolved.prefix { $0 != "#" })
                    #expect(Self.normalized(path, from: page) == path.replacingOccurrences(of: "../", with: "").replacingOccurrences(of: "", with: ""))
                    #expect(Self.normalized(path, from: page).map { $0.hasPrefix("rules/") && $0.hasSuffix(".html") } == true, "\(url) → \(resolved)")
                }
                switch LinkResolver.classify(url, from: page) {
                case let .sitePath(p):
                    // Empty segments are kept, as browsers keep them (`..//` stays inside rules/).
                    #expect(!p.split(separator: "/", omittingEmptySubsequences: false).contains(".."), "\(url) → \(p)")
                    // Cross-check with Foundation's resolution where it applies (no %-escapes, backslash or colon).
                    if !url.contains("%"), !url.contains("\\"), !url.contains(":"), let base = URL(string: "http://h/p/q/r/s/t/site/" + page),
                       let resolved = URL(string: url, relativeTo: base)?.absoluteURL {
                        #expect(resolved.path.hasPrefix("/p/q/r/s/t/site/") || resolved.path == "/p/q/r/s/t/site", "\(url) from \(page) → \(resolved.path)")
                    }
                case .outsideSite:
                    #expect(url.contains("..") || url.lowercased().contains("%2e"))
                case .content, .fragment, .external, .absolutePath, .fileURL:
                    break
                }
            }
        }
    }

    /// Markdown tokens, among them the shapes that make cmark-gfm 0.29.0.gfm.6 quadratic
    /// (docs/robustness.md), each also repeated hundreds or thousands of times in one token.
    static let markdownTokens: [String] = {
        let shapes = ["a <?", "a <![CDATA[", "a <!A ", "![[]()", "a@b.c_", "x|", "-|", "a\n", ">", "- ", "*", "_a ", "[", "`",
                      "<!-- ", "~~a", "www.a.b ", "&#", "\\", "\\<?"]
        var tokens = ["\n", "\n\n", "\r\n", " ", "|", "-", ":", "a", "日本語", "`", "```\n", "> ", "1. ", "# ", "[x](y.md)", "\\"]
        tokens += shapes
        for shape in shapes { tokens += [String(repeating: shape, count: 150), String(repeating: shape, count: 3_000)] }
        return tokens
    }()

    /// Any body: the guard refuses it with errors inside the text, or the parser and renderer
    /// take it within a fixed time (`perInputSeconds`, generous for a debug build on a shared
    /// machine; the quadratic shapes at these sizes take seconds to minutes without the guard).
    @Test func markdownGuardKeepsEveryInputWithinItsTimeBudget() async {
        let input = Self.pick(Self.markdownTokens).array(of: 0...40).map { $0.joined() }
        let perInputSeconds = 2.0
        await Self.run("markdown guard") {
            await propertyCheck(count: Self.count / 4, input: input) { body in
                let start = Date()
                var d = Diagnostics()
                if MarkdownLimits.check(body, path: "p.md", diagnostics: &d) {
                    _ = Markdown.links(in: body, path: "p.md", lineOffset: 0)
                    _ = Markdown.render(body)
                } else {
                    #expect(d.hasErrors)
                }
                Self.expectPositionsInside(d, text: body, path: "p.md")
                let seconds = Date().timeIntervalSince(start)
                #expect(seconds < perInputSeconds, "\(seconds) s for \(body.utf8.count) bytes: \(body.prefix(80).debugDescription)…")
            }
        }
    }

    /// The site-relative path a relative URL on `page` leads to, or nil if it climbs above the site.
    static func normalized(_ url: String, from page: String) -> String? {
        var parts = page.split(separator: "/").dropLast().map(String.init)
        for s in url.split(separator: "/", omittingEmptySubsequences: false) {
            if s == ".." { if parts.isEmpty { return nil }; parts.removeLast() } else if s != "." { parts.append(String(s)) }
        }
        return parts.joined(separator: "/")
    }
}

enum ConfigLoaderFixture {
    static let config: SiteConfig? = {
        var d = Diagnostics()
        return ConfigLoader.load(text: Fixtures.siteYML, path: "site.yml", diagnostics: &d)
    }()
}
