import Yams

/// Reads a YAML tree into values while recording diagnostics with positions in the *file*
/// (the front matter's line offset is added, so authors see the line they wrote).
struct YAMLReader {
    let path: String
    /// Lines before the YAML text in the file (1 for front matter after `---`).
    let lineOffset: Int
    var diagnostics = Diagnostics()

    init(path: String, lineOffset: Int = 0) {
        self.path = path
        self.lineOffset = lineOffset
    }

    func location(_ node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(path: path, line: lineOffset + 1, column: 1) }
        return SourceLocation(path: path, line: mark.line + lineOffset, column: mark.column)
    }

    /// Parses YAML text; a syntax error becomes a diagnostic at the place libyaml points to.
    mutating func parse(_ text: String) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let (line, column, problem) = Self.describe(error, lineOffset: lineOffset)
            diagnostics.error("yaml-syntax", "YAMLの書き方に誤りがあります（\(problem)）。",
                              at: SourceLocation(path: path, line: line + lineOffset, column: column))
        } catch {
            diagnostics.error("yaml-syntax", "YAMLを読み込めません: \(error)", at: SourceLocation(path: path, line: lineOffset + 1, column: 1))
        }
        return nil
    }

    /// Position and text of a YAML error. libyaml often detects a problem on a later line than
    /// the construct that caused it (an unclosed `[`), so the start of that construct is reported
    /// when known, and the line where the problem was detected is named in the message.
    static func describe(_ error: YamlError, lineOffset: Int) -> (Int, Int, String) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            if let context, context.mark.line < mark.line {
                return (context.mark.line, context.mark.column, "\(problem)。\(context.text)、\(mark.line + lineOffset)行目で検出")
            }
            return (mark.line, mark.column, problem)
        case let .duplicatedKeysInMapping(duplicates, context):
            return (context.mark.line, context.mark.column, "キーが重複しています: \(duplicates.joined(separator: ", "))")
        case let .reader(problem, _, _, _):
            return (1, 1, problem)
        default:
            return (1, 1, "\(error)")
        }
    }

    // MARK: Typed access

    /// The pairs of a mapping in the order written, or a diagnostic if the node is not a mapping.
    mutating func mapping(_ node: Node?, what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard let node else { return nil }
        guard case let .mapping(m) = node else {
            diagnostics.error("wrong-type", "\(what)はキーと値の組（マッピング）で書いてください。", at: location(node))
            return nil
        }
        return m.map { (key: $0.key.string ?? "", keyNode: $0.key, value: $0.value) }
    }

    mutating func sequence(_ node: Node?, what: String) -> [Node]? {
        guard let node else { return nil }
        guard case let .sequence(s) = node else {
            diagnostics.error("wrong-type", "\(what)はリスト（- で始まる行、または [a, b]）で書いてください。", at: location(node))
            return nil
        }
        return Array(s)
    }

    mutating func string(_ node: Node?, what: String) -> String? {
        guard let node else { return nil }
        guard case let .scalar(s) = node else {
            diagnostics.error("wrong-type", "\(what)は文字列で書いてください。", at: location(node))
            return nil
        }
        return s.string
    }

    mutating func strings(_ node: Node?, what: String) -> [(String, Node)]? {
        guard let items = sequence(node, what: what) else { return nil }
        return items.compactMap { item in string(item, what: what).map { ($0, item) } }
    }

    /// Warns about keys that are not known and suggests the nearest known key.
    mutating func checkKeys(_ pairs: [(key: String, keyNode: Node, value: Node)], known: [String], what: String) {
        for pair in pairs where !known.contains(pair.key) {
            let hint = Suggest.nearest(to: pair.key, in: known).map { "「\($0)」の誤りではありませんか。" } ?? "使えるキー: \(known.joined(separator: ", "))。"
            diagnostics.warning("unknown-key", "\(what)に未知のキー「\(pair.key)」があります。\(hint)", at: location(pair.keyNode))
        }
    }

    mutating func require(_ pairs: [(key: String, keyNode: Node, value: Node)], _ keys: [String], at node: Node, what: String) {
        for key in keys where !pairs.contains(where: { $0.key == key }) {
            diagnostics.error("missing-field", "\(what)に必須の項目「\(key)」がありません。", at: location(node))
        }
    }
}

extension Array where Element == (key: String, keyNode: Node, value: Node) {
    subscript(key: String) -> Node? { first { $0.key == key }?.value }
}
