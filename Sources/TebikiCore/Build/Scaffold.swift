import Foundation

/// `tebiki new KIND ID` (a page from the theme's archetype) and `tebiki init DIR` (a new site
/// that builds with no errors). Files are returned as values; the executable writes them.
public enum Scaffold {
    /// The kinds `tebiki new` knows, by the word the user types.
    public static let kinds: [String: ContentKind] = ["requirement": .requirement, "term": .glossary, "checklist": .checklist, "scenario": .scenario]

    static func archetypeName(_ kind: ContentKind) -> String {
        kinds.first { $0.value == kind }!.key
    }

    public enum Failure: Error, CustomStringConvertible {
        case unknownKind(String), invalidID(String), exists(String), noSite(String)
        public var description: String {
            switch self {
            case .unknownKind(let k):
                "種類「\(k)」はありません。\(kinds.keys.sorted().joined(separator: "、")) のどれかを指定してください。"
            case .invalidID(let id): "ID「\(id)」は半角英小文字・数字・ハイフンで、英字から始めてください。"
            case .exists(let path): "\(path) はすでにあります。上書きはしません。"
            case .noSite(let why): why
            }
        }
    }

    /// The new page for `kind` and `id` in the site `source`: its path and text, from the
    /// archetype of the site's theme (else the built-in one), with the site's first source
    /// document, facet and requirement filled in so that it validates.
    public static func newPage(kind word: String, id: String, source: SiteSource) throws -> (path: String, text: String) {
        guard let kind = kinds[word] else { throw Failure.unknownKind(word) }
        guard id.wholeMatch(of: asciiKeyPattern) != nil else { throw Failure.invalidID(id) }
        var diagnostics = Diagnostics()
        guard let parsed = ParsePhase.run(source, diagnostics: &diagnostics) else {
            throw Failure.noSite(diagnostics.items.first.map(\.description) ?? "site.yml を読み込めません。")
        }
        let path = "content/\(kind.folder)/\(id).md"
        guard source.files[path] == nil else { throw Failure.exists(path) }
        let name = "archetypes/\(archetypeName(kind)).md"
        let themePath = parsed.themeFolder + "/" + name
        let template = source.text(themePath) ?? Theme.builtin[name].map { String(decoding: $0, as: UTF8.self) } ?? ""
        let multi = parsed.config.facets.first { $0.kind == .multi && !$0.values.isEmpty }
        var text = template
            .replacingOccurrences(of: "{{id}}", with: id)
            .replacingOccurrences(of: "{{doc}}", with: parsed.sources.first?.key ?? "SOURCE-KEY")
            .replacingOccurrences(of: "{{requirement}}", with: parsed.pages.filter { $0.kind == .requirement }.map(\.id).sorted().first ?? "REQUIREMENT-ID")
        if let multi {
            text = text.replacingOccurrences(of: "{{facet}}", with: multi.key).replacingOccurrences(of: "{{value}}", with: multi.values[0].key)
        } else {
            text = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("{{facet}}") }.joined(separator: "\n")
        }
        return (path, text)
    }

    /// The files of a new site: site.yml, the source registry and one page of each kind.
    public static func initialSite() -> [(path: String, text: String)] {
        [
            ("site.yml", """
            # Tebiki site configuration: every key is described in docs/configuration.md.
            title: 新しい手引
            description: ここにサイトの説明を書きます。
            language: ja
            output: _site
            grades:
              - { key: required, symbol: ○, label: 必須 }
              - { key: optional, symbol: △, label: 選択 }
              # applies: false marks the grade that means "does not apply": shown with its mark,
              # never listed by the lookup, a search filter or a facet page's count.
              - { key: na, symbol: ×, label: 該当しない, applies: false }
            facets:
              - key: phase
                label: 段階
                kind: multi
                home: true
                stages: true
                values:
                  - { key: plan, label: 計画 }
                  - { key: run, label: 実施 }
                  - { key: review, label: 見直し }

            """),
            ("content/registries/sources.yml", """
            # 出典文書: 規定が sources で指す key と、その文書の題名・発行者・日付・版。
            - key: example-guide
              title: 例のガイドライン
              publisher: 例の発行者
              date: 2024-04-01
              edition: 初版
              family: example-guide

            """),
            ("content/requirements/example-rule.md", """
            ---
            id: example-rule
            title: 例の規定
            summary: 規定のページの例です。
            sources:
              - doc: example-guide
                section: "1.1"
            facets:
              phase: [plan]
            ---
            ## 何を求めているか

            規定の説明を書きます。[用語の例](example-term.md)へのリンクの書き方の例です。

            """),
            ("content/glossary/example-term.md", """
            ---
            id: example-term
            title: 用語の例
            reading: ようごのれい
            synonyms: [用語例]
            summary: 用語のページの例です。
            ---
            用語の説明を書きます。

            """),
            ("content/checklists/example-checklist.md", """
            ---
            id: example-checklist
            title: チェックリストの例
            summary: チェックリストの例です。
            items:
              - text: 例の規定を守っているか。
                requirement: example-rule
            ---
            使い方を書きます。

            """),
            ("content/scenarios/example-scenario.md", """
            ---
            id: example-scenario
            title: 場面の例
            summary: よくある場面の例です。
            selection:
              phase: [plan]
            ---
            この場面で気をつけることを書きます。

            """),
        ]
    }
}
