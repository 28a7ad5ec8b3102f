import Foundation
import Yams

/// Reads a YAML tree into values while recording diagnostics with positions in the *file*
/// (the front matter's line offset is added, so authors see the line they wrote).
struct YAMLReader {
    let path: String
    /// Lines before the YAML text in the file (1 for front matter after `---`).
    let lineOffset: Int
    var diagnostics = Diagnostics()
    /// libyaml's line (1-based, index) → the text's line, when they differ: libyaml also breaks
    /// lines at U+0085, U+2028 and U+2029, which editors, cmark-gfm and Tebiki do not.
    private var lineMap: [Int]?
    /// Lines in the parsed text: positions past the end (an empty document) point at its last line.
    private var lineCount = Int.max

    init(path: String, lineOffset: Int = 0) {
        self.path = path
        self.lineOffset = lineOffset
    }

    func location(_ node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(path: path, line: lineOffset + 1, column: 1) }
        return SourceLocation(path: path, line: fileLine(mark.line), column: max(1, mark.column))
    }

    /// The file's line for a libyaml line.
    func fileLine(_ yamlLine: Int) -> Int {
        let line = lineMap.map { yamlLine >= 1 && yamlLine < $0.count ? $0[yamlLine] : $0.last ?? yamlLine } ?? yamlLine
        return min(max(1, line), lineCount) + lineOffset
    }

    mutating func mapLines(_ text: String) {
        let lines = FrontMatterFile.lines(Substring(text))
        lineCount = max(1, lines.count)
        guard text.unicodeScalars.contains(where: { $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}" }) else { return }
        var map = [0, 1]
        for (i, line) in lines.enumerated() {
            for scalar in line.unicodeScalars where scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}" {
                map.append(i + 1)
            }
            map.append(i + 2)
        }
        lineMap = map
    }

    /// A YAML 1.1 boolean written plainly (`true`, `no`, `On`…); a quoted value is a string.
    static func bool(_ scalar: Node.Scalar) -> Bool? {
        guard scalar.style == .plain else { return nil }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    /// Parses YAML text; a syntax error becomes a diagnostic at the place libyaml points to.
    /// Aliases (`*name`) are refused before composing (see `YAMLAliasScan`), and an empty
    /// document is an error (`what` names it in the message).
    mutating func parse(_ text: String, what: String = "YAML") -> Node? {
        mapLines(text)
        if let alias = YAMLAliasScan.firstAlias(in: text) {
            diagnostics.error("yaml-alias", "YAML のエイリアス（*\(alias.name)）は使えません。アンカー（&\(alias.name)）の値をここにもそのまま書いてください。",
                              at: SourceLocation(path: path, line: fileLine(alias.line), column: alias.column))
            return nil
        }
        do {
            // `.basic`: every scalar stays a string (the readers convert what they need), so Yams
            // does not run its tag-resolving regular expressions on every scalar and mapping key.
            // The encoding is named because Yams's default reads the whole process environment
            // on every parse.
            if let node = try Yams.compose(yaml: text, .basic, .default, .utf8) { return node }
            diagnostics.error("empty-yaml", "\(what)が空です。", at: SourceLocation(path: path, line: lineOffset + 1, column: 1))
        } catch let error as YamlError {
            var (line, column, problem) = Self.describe(error, lineOffset: lineOffset)
            if case let .duplicatedKeysInMapping(duplicates, _) = error, let second = Self.secondOccurrence(of: duplicates.first ?? "", in: text, after: line, column: column) {
                (line, column) = second
            }
            let hint = Self.tabHint(text, line: fileLine(line) - lineOffset, lineOffset: lineOffset)
            diagnostics.error("yaml-syntax", "YAMLの書き方に誤りがあります（\(hint ?? problem)）。",
                              at: SourceLocation(path: path, line: fileLine(line), column: hint == nil ? max(1, column) : 1))
        } catch {
            diagnostics.error("yaml-syntax", "YAMLを読み込めません: \(error)", at: SourceLocation(path: path, line: lineOffset + 1, column: 1))
        }
        return nil
    }

    /// Where a duplicated key is written again: the first line after the first occurrence with
    /// the same key at the same column (Yams only gives the position of the first one).
    static func secondOccurrence(of key: String, in text: String, after line: Int, column: Int) -> (Int, Int)? {
        guard !key.isEmpty else { return nil }
        let lines = FrontMatterFile.lines(Substring(text))
        guard line >= 1, line < lines.count else { return nil }
        for n in line..<lines.count {
            let rest = lines[n].dropFirst(column - 1)
            let candidates = [key + ":", "\"" + key + "\":", "'" + key + "':"]
            if lines[n].prefix(column - 1).allSatisfy({ $0 == " " || $0 == "-" }), candidates.contains(where: { rest.hasPrefix($0) }) {
                return (n + 1, column)
            }
        }
        return nil
    }

    /// When the line libyaml stopped at is indented with a tab, say so: YAML indentation is
    /// spaces only, and the tab is invisible in most editors.
    static func tabHint(_ text: String, line: Int, lineOffset: Int) -> String? {
        let lines = FrontMatterFile.lines(Substring(text))
        guard line >= 1, line <= lines.count else { return nil }
        let indent = lines[line - 1].prefix { $0 == " " || $0 == "\t" || $0 == "-" }
        guard indent.contains("\t") else { return nil }
        return "\(line + lineOffset)行目のインデントにタブ文字があります。YAML のインデントは半角スペースで書いてください"
    }

    /// libyaml's problems in Japanese, for the ones authors meet; others are shown as they are.
    static func japanese(_ problem: String) -> String {
        let known: [(String, String)] = [
            ("found character that cannot start any token", "この位置の文字では値を始められません。「@」「`」やタブ文字で始まる値は引用符で囲んでください"),
            ("mapping values are not allowed in this context", "ここには「キー: 値」を書けません。値に「: 」を含めるときは引用符で囲んでください"),
            ("did not find expected key", "キーがあるべき位置にありません。インデントがそろっているか確かめてください"),
            ("could not find expected ':'", "「キー: 値」の「:」が見つかりません"),
            ("found unexpected end of stream", "引用符か括弧が閉じられないまま終わっています"),
            ("did not find expected ',' or ']'", "[ ] のリストが閉じられていないか、「,」が抜けています"),
            ("did not find expected ',' or '}'", "{ } のマッピングが閉じられていないか、「,」が抜けています"),
            ("did not find expected node content", "値があるべき位置にありません"),
            ("found unknown escape character", "\"…\" の中に使えないエスケープ（\\ の後の文字）があります。\\ を書くときは ' ' で囲んでください"),
            ("Maximum nesting level reached", "入れ子が深すぎます（libyaml の上限を超えました）"),
            ("found undefined alias", "定義されていないエイリアスがあります"),
            ("block sequence entries are not allowed in this context", "ここには「- 」で始まるリストの項目を書けません。インデントを確かめてください"),
            ("did not find expected '-' indicator", "リストの項目の「- 」があるべき位置にありません。インデントを確かめてください"),
            ("found a tab character that violates indentation", "インデントにタブ文字があります。YAML のインデントは半角スペースで書いてください"),
            ("control characters are not allowed", "YAML に使えない制御文字があります"),
            ("invalid Unicode character", "YAML に使えない文字があります"),
            // Contexts: what libyaml was reading when it met the problem.
            ("while parsing a flow sequence", "ここから始まる [ ] のリストの中で"),
            ("while parsing a flow mapping", "ここから始まる { } の中で"),
            ("while parsing a block mapping", "ここから始まる「キー: 値」の並びの中で"),
            ("while parsing a block collection", "ここから始まるリストの中で"),
            ("while scanning a quoted scalar", "ここから始まる引用符の文字列の中で"),
            ("while scanning a simple key", "ここから始まるキーの中で"),
            ("while scanning a block scalar", "ここから始まる | または > の文字列の中で"),
            ("while parsing a block node", "ここから始まる値の中で"),
            ("while parsing a flow node", "ここから始まる値の中で"),
        ]
        for (english, text) in known where problem.hasPrefix(english) { return text }
        return problem
    }

    /// Position and text of a YAML error. libyaml often detects a problem on a later line than
    /// the construct that caused it (an unclosed `[`), so the start of that construct is reported
    /// when known, and the line where the problem was detected is named in the message.
    static func describe(_ error: YamlError, lineOffset: Int) -> (Int, Int, String) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            if let context, context.mark.line < mark.line {
                return (context.mark.line, context.mark.column, "\(japanese(problem))。\(japanese(context.text))、\(mark.line + lineOffset)行目で検出")
            }
            return (mark.line, mark.column, japanese(problem))
        case let .duplicatedKeysInMapping(duplicates, context):
            return (context.mark.line, context.mark.column, "キーが重複しています: \(duplicates.joined(separator: ", "))。同じキーは1回だけ書いてください")
        case let .reader(problem, offset, _, yaml):
            guard let offset, offset >= 0 else { return (1, 1, japanese(problem)) }
            let (line, column) = TextDecoding.position(of: offset, in: Data(yaml.utf8))
            return (line, column, japanese(problem))
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
