import Foundation

/// Compares two content trees (`tebiki diff`): requirements added, removed, renamed (same
/// content under a new ID) and changed, with the fields that changed and a character-level
/// diff of the text.
public enum ContentDiff {
    public enum Kind: String, Sendable, Codable { case added, removed, renamed, changed }

    public struct FieldChange: Sendable, Codable, Equatable {
        public var field: String
        public var before: String
        public var after: String
    }

    public struct Change: Sendable, Codable, Equatable {
        public var kind: Kind
        public var id: String
        /// For a rename, the old ID.
        public var oldID: String?
        public var title: String
        public var fields: [FieldChange]
    }

    /// Parses a content tree; errors in it are returned as diagnostics.
    public static func load(_ source: SiteSource) -> (ParsedSite?, Diagnostics) {
        var d = Diagnostics()
        let parsed = ParsePhase.run(source, diagnostics: &d)
        return (parsed, d)
    }

    public static func compare(old: ParsedSite, new: ParsedSite) -> [Change] {
        let oldReqs = Dictionary(old.pages.filter { $0.kind == .requirement }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newReqs = Dictionary(new.pages.filter { $0.kind == .requirement }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var changes: [Change] = []
        var added = newReqs.keys.filter { oldReqs[$0] == nil }.sorted()
        var removed = oldReqs.keys.filter { newReqs[$0] == nil }.sorted()

        // A removed ID whose text reappears under an added ID is a rename.
        for oldID in removed {
            let o = oldReqs[oldID]!
            if let newID = added.first(where: { sameContent(o, newReqs[$0]!) }) {
                let n = newReqs[newID]!
                changes.append(Change(kind: .renamed, id: newID, oldID: oldID, title: n.title, fields: fieldChanges(o, n, config: new.config)))
                added.removeAll { $0 == newID }
                removed.removeAll { $0 == oldID }
            }
        }
        for id in added { changes.append(Change(kind: .added, id: id, oldID: nil, title: newReqs[id]!.title, fields: [])) }
        for id in removed { changes.append(Change(kind: .removed, id: id, oldID: nil, title: oldReqs[id]!.title, fields: [])) }
        for id in newReqs.keys.sorted() {
            guard let o = oldReqs[id], let n = newReqs[id] else { continue }
            let fields = fieldChanges(o, n, config: new.config)
            if !fields.isEmpty { changes.append(Change(kind: .changed, id: id, oldID: nil, title: n.title, fields: fields)) }
        }
        return changes.sorted { ($0.kind.order, $0.id) < ($1.kind.order, $1.id) }
    }

    static func normalizedBody(_ p: ContentPage) -> String {
        p.body.trimmingWhitespace
    }

    static func sameContent(_ a: ContentPage, _ b: ContentPage) -> Bool {
        let x = normalizedBody(a), y = normalizedBody(b)
        return !x.isEmpty && x == y || (a.title == b.title && a.summary == b.summary && x == y)
    }

    static func facetText(_ p: ContentPage, _ facet: String) -> String {
        (p.facets.first { $0.facet == facet }?.values ?? []).map { v in v.grade.map { "\(v.value)=\($0)" } ?? v.value }.sorted().joined(separator: ", ")
    }

    static func fieldChanges(_ o: ContentPage, _ n: ContentPage, config: SiteConfig) -> [FieldChange] {
        var out: [FieldChange] = []
        func cmp(_ field: String, _ a: String, _ b: String) { if a != b { out.append(FieldChange(field: field, before: a, after: b)) } }
        cmp("title", o.title, n.title)
        cmp("summary", o.summary, n.summary)
        cmp("sources", o.sources.map { "\($0.doc) \($0.section)" }.joined(separator: "; "), n.sources.map { "\($0.doc) \($0.section)" }.joined(separator: "; "))
        let facets = (o.facets.map(\.facet) + n.facets.map(\.facet)).uniqued().sorted()
        for f in facets { cmp("facets.\(f)", facetText(o, f), facetText(n, f)) }
        cmp("related", o.related.map(\.value).sorted().joined(separator: ", "), n.related.map(\.value).sorted().joined(separator: ", "))
        cmp("status", o.status.rawValue, n.status.rawValue)
        cmp("body", normalizedBody(o), normalizedBody(n))
        return out
    }

    // MARK: Output

    /// Human-readable report in Japanese; changed characters are marked [-削除-] and {+追加+}.
    public static func report(_ changes: [Change]) -> String {
        if changes.isEmpty { return "規定に違いはありません。\n" }
        var s = ""
        let counts = Kind.allCases.map { k in "\(k.label) \(changes.filter { $0.kind == k }.count) 件" }
        s += "規定の違い: " + counts.joined(separator: "、") + "\n"
        for c in changes {
            s += "\n[\(c.kind.label)] \(c.id)\(c.oldID.map { "（旧ID: \($0)）" } ?? "") \(c.title)\n"
            for f in c.fields {
                let text = ["title", "summary", "body"].contains(f.field) ? inline(f.before, f.after)
                    : "\(f.before.isEmpty ? "（なし）" : f.before) → \(f.after.isEmpty ? "（なし）" : f.after)"
                s += "  - \(f.fieldLabel): " + text + "\n"
            }
        }
        return s
    }

    static func inline(_ a: String, _ b: String) -> String {
        let (before, after) = TextDiff.compare(a, b)
        // Merge: walk the new text; removed segments of the old text come before the inserted ones.
        var s = ""
        var bi = before.makeIterator(), ai = after.makeIterator()
        var bs = bi.next(), as_ = ai.next()
        while bs != nil || as_ != nil {
            if let x = bs, x.kind == .removed { s += "[-\(x.text)-]"; bs = bi.next(); continue }
            if let y = as_, y.kind == .inserted { s += "{+\(y.text)+}"; as_ = ai.next(); continue }
            // Both are `same` segments; they cover the same characters but may be split differently.
            guard let x = bs, let y = as_ else {
                if let x = bs { s += x.text; bs = bi.next() } else if let y = as_ { s += y.text; as_ = ai.next() }
                continue
            }
            if x.text.count == y.text.count { s += x.text; bs = bi.next(); as_ = ai.next() }
            else if x.text.count < y.text.count { s += x.text; bs = bi.next(); as_ = .init(kind: .same, text: String(y.text.dropFirst(x.text.count))) }
            else { s += y.text; as_ = ai.next(); bs = .init(kind: .same, text: String(x.text.dropFirst(y.text.count))) }
        }
        return s.replacingOccurrences(of: "\n", with: "⏎")
    }

    public static func json(_ changes: [Change]) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(changes)
    }

    /// Draft `history:` entries for a new edition, one block per changed requirement, for
    /// maintainers to review and paste into the front matter.
    public static func draftHistory(_ changes: [Change], edition: String) -> String {
        var s = "# tebiki diff で作成した履歴の下書き（版: \(edition)）。内容を確認し、各規定の front matter の history: に追記してください。\n"
        for c in changes {
            s += "\n# \(c.id): \(c.title)\n"
            s += "- edition: \(edition)\n"
            let kind: ChangeKind = switch c.kind { case .added: .added; case .removed: .removed; case .renamed: .renamed; case .changed: .changed }
            s += "  change: \(kind.rawValue)\n"
            let note = c.kind == .renamed ? "IDが \(c.oldID ?? "") から \(c.id) に変わった。" : c.fields.map(\.fieldLabel).joined(separator: "・") + (c.fields.isEmpty ? "（要記入）" : "が変わった。")
            s += "  note: \(yamlQuote(note))\n"
            if let body = c.fields.first(where: { $0.field == "body" }) ?? c.fields.first(where: { $0.field == "summary" }) {
                s += "  before: |\n" + body.before.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n"
                s += "  after: |\n" + body.after.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n"
            }
        }
        return s
    }

    static func yamlQuote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension ContentDiff.Kind: CaseIterable {
    var order: Int { ContentDiff.Kind.allCases.firstIndex(of: self)! }
    public var label: String {
        switch self {
        case .added: "追加"
        case .removed: "削除"
        case .renamed: "ID変更"
        case .changed: "変更"
        }
    }
}

extension ContentDiff.FieldChange {
    public var fieldLabel: String {
        switch field {
        case "title": "タイトル"
        case "summary": "要約"
        case "sources": "出典"
        case "related": "関連"
        case "status": "状態"
        case "body": "本文"
        default: field.hasPrefix("facets.") ? "観点 \(field.dropFirst(7))" : field
        }
    }
}
