import Foundation
@testable import TebikiCore

enum Fixtures {
    /// A 1×1 PNG, for static images.
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")!
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func site(_ name: String) -> URL { repoRoot.appendingPathComponent("Tests/Fixtures/sites/\(name)") }

    static let siteYML = """
    title: テスト
    grades:
      - { key: required, symbol: ○, label: 必須 }
      - { key: na, symbol: ×, label: 該当なし, applies: false }
    facets:
      - key: phase
        label: 段階
        kind: multi
        values:
          - { key: contract, label: 契約 }
      - key: form
        label: 委託の形態
        kind: graded
        values:
          - { key: build, label: 構築 }
    """

    static let sources = """
    - key: doc-a
      title: 文書A
      publisher: テスト省
      date: 2020-01-01
      edition: 初版
      family: a
    - key: doc-b
      title: 文書A 改定版
      publisher: テスト省
      date: 2022-01-01
      edition: 第2版
      family: a
    """

    /// A small site written inline as `[path: contents]`, with the repository's theme.
    static func inline(_ files: [String: String], config: String = siteYML) throws -> SiteSource {
        var all = files
        all["site.yml"] = all["site.yml"] ?? config
        all["content/registries/sources.yml"] = all["content/registries/sources.yml"] ?? sources
        var source = SiteSource(texts: all)
        let theme = try SiteSource.read(from: repoRoot)
        for (path, data) in theme.files where path.hasPrefix("theme/") { source.files[path] = data }
        return source
    }

    static func requirement(id: String, extra: String = "", body: String = "本文") -> String {
        """
        ---
        id: \(id)
        title: 規定\(id)
        summary: 要約
        sources:
          - doc: doc-a
            section: "1.1"
        \(extra)
        ---
        \(body)
        """
    }
}
