import Foundation
import Yams

/// The words staff type that the guidelines write differently (`content/registries/variants.yml`):
/// search expands a query word with them (docs/search.md "Query analysis"). Data, so that
/// content authors extend it; the builder only checks and passes it to the search index.
public struct SearchVariants: Sendable, Equatable {
    /// One way: a query word in `from` also finds the words in `to` (下請け → 再委託).
    public struct Rewrite: Sendable, Equatable {
        public var from: [String]
        public var to: [String]
    }
    /// Words that mean the same; a query word equal to one also finds the others.
    public var groups: [[String]] = []
    public var rewrites: [Rewrite] = []
    /// Spellings of the same word (脆弱性／ぜい弱性), replaced inside a word as well.
    public var spellings: [[String]] = []
    /// Words left out of a query (besides the particles the search always drops).
    public var stopwords: [String] = []
    /// Words that say little about the topic (仕事, 場合): they count little in the ranking.
    public var weak: [String] = []

    public init() {}

}

/// Written into search/index.json and the manifest as the registry has it (the browser
/// normalises the words like the glossary's synonyms).
extension SearchVariants: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("groups"); groups.write(to: &w)
        w.key("rewrites"); w.beginArray()
        for r in rewrites { w.beginObject(); w.key("from"); w.strings(r.from); w.key("to"); w.strings(r.to); w.endObject() }
        w.endArray()
        w.key("spellings"); spellings.write(to: &w)
        w.key("stopwords"); w.strings(stopwords)
        w.key("weak"); w.strings(weak)
        w.endObject()
    }
}

enum SearchVariantsParser {
    static let path = "content/registries/variants.yml"

    static func parse(text: String, path: String, diagnostics: inout Diagnostics) -> SearchVariants {
        var r = YAMLReader(path: path)
        defer { diagnostics.append(contentsOf: r.diagnostics) }
        var v = SearchVariants()
        guard let root = r.parse(text, what: "表記ゆれ・言い換えの一覧"), let m = r.mapping(root, what: "表記ゆれ・言い換えの一覧") else { return v }
        r.checkKeys(m, known: ["groups", "rewrites", "spellings", "stopwords", "weak"], what: "表記ゆれ・言い換えの一覧")
        func words(_ node: Node?, what: String, min: Int) -> [String]? {
            guard let node, let list = r.strings(node, what: what) else { return nil }
            var out: [String] = []
            for (word, wnode) in list {
                let trimmed = word.trimmingCharacters(in: .whitespaces)
                if SearchText.normalize(trimmed).isEmpty || SearchText.tokens(trimmed).isEmpty {
                    r.diagnostics.error("invalid-variant", "\(what)の「\(word)」は検索できる文字（漢字・かな・英数字）を含みません。", at: r.location(wnode))
                } else {
                    out.append(trimmed)
                }
            }
            if out.count < min {
                r.diagnostics.error("invalid-variant", "\(what)には語を\(min)つ以上書いてください。", at: r.location(node))
                return nil
            }
            return out
        }
        for node in r.sequence(m["groups"], what: "groups") ?? [] {
            if let g = words(node, what: "groups の組", min: 2) { v.groups.append(g) }
        }
        for node in r.sequence(m["spellings"], what: "spellings") ?? [] {
            if let g = words(node, what: "spellings の組", min: 2) { v.spellings.append(g) }
        }
        for node in r.sequence(m["rewrites"], what: "rewrites") ?? [] {
            guard let pairs = r.mapping(node, what: "rewrites の各項目（from: と to:）") else { continue }
            r.checkKeys(pairs, known: ["from", "to"], what: "rewrites の項目")
            r.require(pairs, ["from", "to"], at: node, what: "rewrites の項目")
            if let from = words(pairs["from"], what: "rewrites の from", min: 1), let to = words(pairs["to"], what: "rewrites の to", min: 1) {
                v.rewrites.append(.init(from: from, to: to))
            }
        }
        v.stopwords = words(m["stopwords"], what: "stopwords", min: 0) ?? []
        v.weak = words(m["weak"], what: "weak", min: 0) ?? []
        return v
    }
}
