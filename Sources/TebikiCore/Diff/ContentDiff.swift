import Foundation

/// Compares two content trees (`tebiki diff`): requirements added, removed, renamed (same
/// content under a new ID) and changed, with the fields that changed and a character-level
/// diff of the text.
public enum ContentDiff {
    public enum Kind: String, Sendable, Codable { case added, removed, renamed, changed }

    /// One source a requirement cites, as `data/catalog.json` writes it.
    public struct Citation: Sendable, Equatable, Encodable {
        public var doc: String
        public var section: String
    }

    /// A field's value before or after: text, the cited sources, a list (related IDs, the
    /// values of a multi facet) or value → grade (a graded facet, "" where ungraded), each
    /// written to JSON in the shape `data/catalog.json` uses for the same field.
    public enum FieldValue: Sendable, Equatable, Encodable {
        case text(String)
        case sources([Citation])
        case list([String])
        case grades([(value: String, grade: String)])

        public static func == (a: FieldValue, b: FieldValue) -> Bool { a.display == b.display && a.shape == b.shape }
        private var shape: Int {
            switch self { case .text: 0; case .sources: 1; case .list: 2; case .grades: 3 }
        }

        /// As the text report shows it.
        public var display: String {
            switch self {
            case .text(let s): s
            case .sources(let list): list.map { "\($0.doc) \($0.section)" }.joined(separator: "; ")
            case .list(let list): list.joined(separator: ", ")
            case .grades(let list): list.map { $0.grade.isEmpty ? $0.value : "\($0.value)=\($0.grade)" }.joined(separator: ", ")
            }
        }

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        public func encode(to encoder: Encoder) throws {
            switch self {
            case .text(let s): var c = encoder.singleValueContainer(); try c.encode(s)
            case .sources(let list): var c = encoder.singleValueContainer(); try c.encode(list)
            case .list(let list): var c = encoder.singleValueContainer(); try c.encode(list)
            case .grades(let list):
                var c = encoder.container(keyedBy: Key.self)
                for (value, grade) in list { try c.encode(grade, forKey: Key(stringValue: value)) }
            }
        }
    }

    public struct FieldChange: Sendable, Equatable, Encodable {
        public var field: String
        public var before: FieldValue
        public var after: FieldValue
    }

    public struct Change: Sendable, Equatable {
        public var kind: Kind
        public var id: String
        /// For a rename, the old ID.
        public var oldID: String?
        public var title: String
        /// The sources the requirement cites (the old tree's for a removed one).
        public var sources: [Citation]
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
                changes.append(Change(kind: .renamed, id: newID, oldID: oldID, title: n.title, sources: citations(n), fields: fieldChanges(o, n, config: new.config)))
                added.removeAll { $0 == newID }
                removed.removeAll { $0 == oldID }
            }
        }
        for id in added { changes.append(Change(kind: .added, id: id, oldID: nil, title: newReqs[id]!.title, sources: citations(newReqs[id]!), fields: [])) }
        for id in removed { changes.append(Change(kind: .removed, id: id, oldID: nil, title: oldReqs[id]!.title, sources: citations(oldReqs[id]!), fields: [])) }
        for id in newReqs.keys.sorted() {
            guard let o = oldReqs[id], let n = newReqs[id] else { continue }
            let fields = fieldChanges(o, n, config: new.config)
            if !fields.isEmpty { changes.append(Change(kind: .changed, id: id, oldID: nil, title: n.title, sources: citations(n), fields: fields)) }
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

    static func citations(_ p: ContentPage) -> [Citation] {
        p.sources.map { Citation(doc: $0.doc, section: $0.section) }
    }

    /// A facet's values, sorted; a graded facet (in the new site's config) as value → grade.
    static func facetValue(_ p: ContentPage, _ facet: String, config: SiteConfig) -> FieldValue {
        let values = p.facets.first { $0.facet == facet }?.values ?? []
        if config.facet(facet)?.kind == .graded || values.contains(where: { $0.grade != nil }) {
            return .grades(values.map { ($0.value, $0.grade ?? "") }.sorted { $0.0 < $1.0 })
        }
        return .list(values.map(\.value).sorted())
    }

    static func fieldChanges(_ o: ContentPage, _ n: ContentPage, config: SiteConfig) -> [FieldChange] {
        var out: [FieldChange] = []
        func cmp(_ field: String, _ a: FieldValue, _ b: FieldValue) { if a != b { out.append(FieldChange(field: field, before: a, after: b)) } }
        cmp("title", .text(o.title), .text(n.title))
        cmp("summary", .text(o.summary), .text(n.summary))
        cmp("sources", .sources(citations(o)), .sources(citations(n)))
        let facets = (o.facets.map(\.facet) + n.facets.map(\.facet)).uniqued().sorted()
        for f in facets { cmp("facets.\(f)", facetValue(o, f, config: config), facetValue(n, f, config: config)) }
        cmp("related", .list(o.related.map(\.value).sorted()), .list(n.related.map(\.value).sorted()))
        cmp("status", .text(o.status.rawValue), .text(n.status.rawValue))
        cmp("body", .text(normalizedBody(o)), .text(normalizedBody(n)))
        return out
    }

    // MARK: Output

    /// Human-readable report in Japanese; changed characters are marked [-削除-] and {+追加+}.
    /// `labels`: the site's words for the kinds of content (`KindLabels.of`), so a site that
    /// calls its requirements 「ルール」 reads 「ルールの違い」.
    /// `facetLabels`: site.yml's label of each facet key (a changed facet shows as 「観点 段階」).
    public static func report(_ changes: [Change], labels: KindLabels = .builtin, facetLabels: [String: String] = [:]) -> String {
        let requirements = labels[.requirement]
        if changes.isEmpty { return "\(requirements)に違いはありません。\n" }
        var s = ""
        let counts = Kind.allCases.map { k in "\(k.label) \(changes.filter { $0.kind == k }.count) 件" }
        s += "\(requirements)の違い: " + counts.joined(separator: "、") + "\n"
        for c in changes {
            s += "\n[\(c.kind.label)] \(c.id)\(c.oldID.map { "（旧ID: \($0)）" } ?? "") \(c.title)\n"
            for f in c.fields {
                let before = f.before.display, after = f.after.display
                let text = ["title", "summary", "body"].contains(f.field) ? inline(before, after)
                    : "\(before.isEmpty ? "（なし）" : before) → \(after.isEmpty ? "（なし）" : after)"
                s += "  - \(f.fieldLabel(facetLabels)): " + text + "\n"
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

    /// One JSON object: `added`, `removed`, `renamed`, `changed`, each a list (empty when
    /// nothing is of that kind) of `{id, title, sources, fields}` (`oldId` for a rename);
    /// `sources` and each field's `before`/`after` have the shapes of data/catalog.json.
    public static func json(_ changes: [Change]) throws -> Data {
        struct Entry: Encodable {
            var id: String
            var oldId: String?
            var title: String
            var sources: [Citation]
            var fields: [FieldChange]
        }
        struct Report: Encodable {
            var added: [Entry], removed: [Entry], renamed: [Entry], changed: [Entry]
        }
        func entries(_ kind: Kind) -> [Entry] {
            changes.filter { $0.kind == kind }.map { Entry(id: $0.id, oldId: $0.oldID, title: $0.title, sources: $0.sources, fields: $0.fields) }
        }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(Report(added: entries(.added), removed: entries(.removed), renamed: entries(.renamed), changed: entries(.changed)))
    }

    /// Why `edition` cannot name the draft's edition (it is not a key of the new tree's
    /// sources.yml, so the pasted entries would not validate), or nil.
    public static func unknownEdition(_ edition: String, in site: ParsedSite) -> String? {
        let keys = site.sources.map(\.key)
        if keys.contains(edition) { return nil }
        let hint = Suggest.nearest(to: edition, in: keys).map { "「\($0)」の誤りではありませんか。" }
            ?? "先に \(ParsePhase.sourcesPath) に登録してください（登録済みの版: \(keys.isEmpty ? "なし" : keys.joined(separator: "、"))）。"
        return "版「\(edition)」は比較先の \(ParsePhase.sourcesPath) に登録されていません。" + hint
    }

    /// Draft `history:` entries for a new edition, one block per changed requirement, for
    /// maintainers to review and paste into the front matter.
    public static func draftHistory(_ changes: [Change], edition: String, labels: KindLabels = .builtin, facetLabels: [String: String] = [:]) -> String {
        var s = "# tebiki diff で作成した履歴の下書き（版: \(edition)）。内容を確認し、各\(labels[.requirement])の front matter の history: に追記してください。\n"
        for c in changes {
            s += "\n# \(c.id): \(c.title)\n"
            s += "- edition: \(edition)\n"
            let kind: ChangeKind = switch c.kind { case .added: .added; case .removed: .removed; case .renamed: .renamed; case .changed: .changed }
            s += "  change: \(kind.rawValue)\n"
            let note = c.kind == .renamed ? "IDが \(c.oldID ?? "") から \(c.id) に変わった。" : c.fields.map { $0.fieldLabel(facetLabels) }.joined(separator: "・") + (c.fields.isEmpty ? "（要記入）" : "が変わった。")
            s += "  note: \(yamlQuote(note))\n"
            if let body = c.fields.first(where: { $0.field == "body" }) ?? c.fields.first(where: { $0.field == "summary" }) {
                s += "  before: |\n" + body.before.display.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n"
                s += "  after: |\n" + body.after.display.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n"
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
    public func fieldLabel(_ facetLabels: [String: String] = [:]) -> String {
        switch field {
        case "title": "タイトル"
        case "summary": "要約"
        case "sources": "出典"
        case "related": "関連"
        case "status": "状態"
        case "body": "本文"
        default: field.hasPrefix("facets.") ? "観点 \(facetLabels[String(field.dropFirst(7))] ?? String(field.dropFirst(7)))" : field
        }
    }
}
