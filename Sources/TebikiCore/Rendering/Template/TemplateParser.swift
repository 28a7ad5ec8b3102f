/// A compiled template: what the renderer walks. Made once when the theme is loaded.
enum TemplateNode: Sendable {
    /// Text copied as it is (adjacent text of the source is merged into one node).
    case text([UInt8])
    /// `{{name}}` (escaped) or `{{{name}}}` / `{{&name}}` (raw).
    case value(TemplateLookup, escaped: Bool)
    /// `{{#name}}…{{/name}}` or, inverted, `{{^name}}…{{/name}}`.
    case section(TemplateLookup, inverted: Bool, body: [TemplateNode])
    /// `{{> name}}`: the template at this index of the library. `indentation` is set when the
    /// tag stands alone on its line: every line of the partial is then indented by it.
    case partial(Int, indentation: [UInt8]?)
}

/// Where a tag's value comes from, resolved from its name when the template is compiled.
struct TemplateLookup: Sendable, Equatable {
    enum Root: Sendable, Equatable {
        /// `.` (or an empty name): the innermost context.
        case current
        /// `name.rest`: `name` looked up from the innermost object outwards, then `rest` inside it.
        case stack(String, [String])
        /// `.name.rest`: looked up in the innermost context only.
        case local([String])
        /// `first()`, `index()`…: the position in the list being iterated.
        case position
    }

    var root: Root
    /// Applied in this order (the innermost of `a(b(x))` first).
    var transforms: [TemplateTransform]
}

/// The transforms of swift-mustache (`{{empty(list)}}`) that make sense for template values.
enum TemplateTransform: String, Sendable, CaseIterable {
    // Strings, lists and objects
    case empty, count
    // Lists (and the position in a list: first, last)
    case first, last, reversed
    // Strings
    case uppercased, lowercased, capitalized
    // Integers (and the position in a list: even, odd)
    case equalzero, plusone, minusone, even, odd
    // The position in a list
    case index
}

/// A mistake in a template, with the line and column (in characters, from 1) it was found at.
struct TemplateSyntaxError: Error, Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// `{{#name}}` or `{{^name}}` without its `{{/name}}`.
        case unclosedSection(String)
        /// `{{/found}}` where `{{/expected}}` was needed (`expected` is nil outside any section).
        case mismatchedClose(found: String, expected: String?)
        /// A name with a character names cannot have, or a tag without its closing delimiter.
        case malformedTag(closing: String)
        /// The text ends inside a tag.
        case unexpectedEnd
        /// A `{{=<% %>=}}` tag that cannot be read.
        case invalidDelimiters
        /// Mustache features this renderer does not have (inheritance, dynamic partials, pragmas).
        case unsupportedTag(String)
        case unknownTransform(String)
        /// `{{> name}}` where the theme has no `name.mustache`.
        case missingPartial(String)
    }

    var kind: Kind
    var line: Int
    var column: Int

    /// The message shown to the theme's author, in Japanese.
    var message: String {
        switch kind {
        case .unclosedSection(let tag):
            return "セクション {{\(tag)}} が閉じられていません（{{/\(tag.dropFirst())}} がありません）。"
        case .mismatchedClose(let found, nil):
            return "{{/\(found)}} に対応する開始タグ {{#\(found)}} がありません。"
        case .mismatchedClose(let found, let expected?):
            return "{{/\(found)}} は開いているセクションと一致しません（{{/\(expected)}} が必要です）。"
        case .malformedTag(let closing):
            return "タグの書き方が正しくありません。名前に使えるのは半角英数字と . - _ ? * だけで、タグは \(closing) で閉じます。"
        case .unexpectedEnd:
            return "タグの途中でテンプレートが終わっています。"
        case .invalidDelimiters:
            return "区切り記号の変更（{{=<% %>=}} の形）の書き方が正しくありません。"
        case .unsupportedTag(let tag):
            return "{{\(tag)…}} の書き方には対応していません（使えるのは {{名前}}、{{{名前}}}、{{&名前}}、{{#名前}}、{{^名前}}、{{/名前}}、{{> 部分テンプレート}}、{{! 注釈}}、{{=<% %>=}} です）。"
        case .unknownTransform(let name):
            let known = TemplateTransform.allCases.map(\.rawValue).joined(separator: ", ")
            return "変換 \(name)() はありません（使えるのは \(known) です）。"
        case .missingPartial(let name):
            return "部分テンプレート {{> \(name)}} の \(name).mustache がテーマにありません。"
        }
    }
}

/// Reads Mustache text into nodes. The reading follows swift-mustache 2.1 (Template+Parser.swift)
/// step by step — what counts as a standalone line, which whitespace is kept, where a tag ends —
/// so that the theme renders to the same bytes; it works on Characters, as that parser does.
/// Inheritance (`{{< }}`, `{{$ }}`), dynamic partials (`{{>* }}`) and pragmas (`{{% }}`) are
/// reported as errors instead, as are transforms and partials that do not exist.
struct TemplateParser {
    /// A parse error that has not been given a line and column yet.
    private struct Failure: Error {
        var kind: TemplateSyntaxError.Kind
        /// Character offset it points at.
        var offset: Int
    }

    private struct State {
        var sectionName: String?
        var sectionTransforms: [String] = []
        /// `#name` / `^name` as written (with transforms), and where the tag starts.
        var sectionTag = ""
        var sectionOffset = 0
        var newLine = true
        var start: [Character] = ["{", "{"]
        var end: [Character] = ["}", "}"]
    }

    /// The text as Characters, as swift-mustache reads it.
    private let chars: [Character]
    private var pos = 0
    /// Index in the library of a partial's template, by name.
    private let partialIndex: (String) -> Int
    /// Every `{{> name}}`, with where it is, to check that the templates exist.
    private(set) var partials: [(name: String, line: Int, column: Int)] = []

    private init(_ text: String, partialIndex: @escaping (String) -> Int) {
        chars = Array(text)
        self.partialIndex = partialIndex
    }

    /// Compiles `text`. `partialIndex` gives the library index of the template a `{{> name}}` names.
    static func parse(_ text: String, partialIndex: @escaping (String) -> Int) -> Result<(nodes: [TemplateNode], partials: [(name: String, line: Int, column: Int)]), TemplateSyntaxError> {
        var parser = TemplateParser(text, partialIndex: partialIndex)
        do {
            let nodes = try parser.parse(State())
            return .success((nodes, parser.partials))
        } catch let failure as Failure {
            let (line, column) = parser.location(of: failure.offset)
            return .failure(TemplateSyntaxError(kind: failure.kind, line: line, column: column))
        } catch {
            preconditionFailure("unexpected \(error)")
        }
    }

    /// Line and column (from 1) of a character offset; a line ends at any newline character.
    private func location(of offset: Int) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for c in chars[..<min(offset, chars.count)] {
            if c.isNewline { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    // MARK: - Reading

    private var atEnd: Bool { pos == chars.count }
    private var current: Character { atEnd ? "\0" : chars[pos] }

    private var overflow: Failure { Failure(kind: .unexpectedEnd, offset: pos) }

    @discardableResult private mutating func read(while test: (Character) -> Bool) -> String {
        let startPos = pos
        while !atEnd, test(chars[pos]) { pos += 1 }
        return String(chars[startPos..<pos])
    }

    /// Reads `string` if it comes next; throws when fewer characters are left than it has.
    private mutating func read(_ string: [Character]) throws -> Bool {
        guard chars.count - pos >= string.count else { throw overflow }
        guard chars[pos..<(pos + string.count)].elementsEqual(string) else { return false }
        pos += string.count
        return true
    }

    /// Reads `c` if it comes next; throws at the end of the text.
    private mutating func read(_ c: Character) throws -> Bool {
        guard !atEnd else { throw overflow }
        guard chars[pos] == c else { return false }
        pos += 1
        return true
    }

    /// Reads up to the first character passing `test`; throws (and reads nothing) when there is none.
    private mutating func read(until test: (Character) -> Bool) throws -> String {
        let startPos = pos
        while !atEnd {
            if test(chars[pos]) { return String(chars[startPos..<pos]) }
            pos += 1
        }
        pos = startPos
        throw overflow
    }

    private static let whitespace: (Character) -> Bool = { $0.isWhitespace }
    private static let nameChars = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*()")
    private static let nameCharsWithoutBrackets = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*")
    private static let partialNameChars = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*()/")

    // MARK: - Parsing

    /// The nodes up to the end of the text, or up to the `{{/name}}` of the section `state` is in.
    private mutating func parse(_ initial: State) throws -> [TemplateNode] {
        var nodes: [TemplateNode] = []
        var state = initial
        var whiteSpaceBefore = ""
        func addText(_ s: String) {
            if case .text(let bytes)? = nodes.last {
                nodes[nodes.count - 1] = .text(bytes + Array(s.utf8))
            } else {
                nodes.append(.text(Array(s.utf8)))
            }
        }
        func flushWhiteSpace() {
            if !whiteSpaceBefore.isEmpty {
                addText(whiteSpaceBefore)
                whiteSpaceBefore = ""
            }
        }
        while !atEnd {
            if state.newLine {
                whiteSpaceBefore = read(while: { $0 == " " || $0 == "\t" })
            }
            let text = try readUntilDelimiterOrNewline(state)
            if current.isNewline {
                addText(whiteSpaceBefore + text + String(current))
                state.newLine = true
                pos += 1
                continue
            }
            if !text.isEmpty {
                addText(whiteSpaceBefore + text)
                whiteSpaceBefore = ""
                state.newLine = false
            }
            if atEnd { break }
            let tagStart = pos - state.start.count
            var setNewLine = false
            switch current {
            case "#", "^":
                let inverted = current == "^"
                pos += 1
                let (name, transforms) = try parseName(state)
                let lookup = try self.lookup(name, transforms, at: tagStart)
                if isStandalone(state) {
                    setNewLine = true
                } else {
                    flushWhiteSpace()
                }
                var inner = state
                inner.sectionName = name
                inner.sectionTransforms = transforms
                inner.sectionTag = (inverted ? "^" : "#") + Self.written(name, transforms)
                inner.sectionOffset = tagStart
                if !setNewLine { inner.newLine = false }
                let body = try parse(inner)
                nodes.append(.section(lookup, inverted: inverted, body: body))

            case "/":
                pos += 1
                let namePos = pos
                let (name, transforms) = try parseName(state)
                guard name == state.sectionName, transforms == state.sectionTransforms else {
                    pos = namePos
                    throw Failure(kind: .mismatchedClose(found: Self.written(name, transforms),
                                                         expected: state.sectionName.map { Self.written($0, state.sectionTransforms) }),
                                  offset: tagStart)
                }
                if !isStandalone(state) {
                    flushWhiteSpace()
                }
                return nodes

            case "!":
                pos += 1
                try skipComment(state)
                setNewLine = isStandalone(state)

            case "{":
                flushWhiteSpace()
                pos += 1
                let (name, transforms) = try parseName(state)
                guard try read("}") else { throw Failure(kind: .malformedTag(closing: "}" + String(state.end)), offset: pos) }
                nodes.append(.value(try lookup(name, transforms, at: tagStart), escaped: false))

            case "&":
                flushWhiteSpace()
                pos += 1
                let (name, transforms) = try parseName(state)
                nodes.append(.value(try lookup(name, transforms, at: tagStart), escaped: false))

            case ">":
                pos += 1
                read(while: Self.whitespace)
                if current == "*" { throw Failure(kind: .unsupportedTag(">*"), offset: tagStart) }
                let name = try parsePartialName(state)
                let (line, column) = location(of: tagStart)
                partials.append((name, line, column))
                if !whiteSpaceBefore.isEmpty { addText(whiteSpaceBefore) }
                if isStandalone(state) {
                    setNewLine = true
                    nodes.append(.partial(partialIndex(name), indentation: Array(whiteSpaceBefore.utf8)))
                } else {
                    nodes.append(.partial(partialIndex(name), indentation: nil))
                }
                whiteSpaceBefore = ""

            case "<", "$", "%":
                throw Failure(kind: .unsupportedTag(String(current)), offset: tagStart)

            case "=":
                pos += 1
                try setDelimiters(&state)
                setNewLine = isStandalone(state)

            default:
                flushWhiteSpace()
                let (name, transforms) = try parseName(state)
                nodes.append(.value(try lookup(name, transforms, at: tagStart), escaped: true))
            }
            state.newLine = setNewLine
        }
        if initial.sectionName != nil {
            throw Failure(kind: .unclosedSection(initial.sectionTag), offset: initial.sectionOffset)
        }
        return nodes
    }

    /// Text up to a newline (not read) or up to and including the start delimiter.
    private mutating func readUntilDelimiterOrNewline(_ state: State) throws -> String {
        let first = state.start[0]
        var total = ""
        while !atEnd {
            let startPos = pos
            while !atEnd, chars[pos] != "\n", chars[pos] != "\r\n", chars[pos] != first { pos += 1 }
            total += String(chars[startPos..<pos])
            if current.isNewline {
                break
            } else if current == first {
                if try read(state.start) { break }
                total.append(first)
                pos += 1
            }
        }
        return total
    }

    /// A tag's name and transforms (`a(b(name))` gives `name`, `[a, b]`), and its end delimiter.
    private mutating func parseName(_ state: State) throws -> (String, [String]) {
        read(while: Self.whitespace)
        let text = Array(read(while: { Self.nameChars.contains($0) }))
        read(while: Self.whitespace)
        guard try read(state.end) else { throw Failure(kind: .malformedTag(closing: String(state.end)), offset: pos) }
        let malformed = Failure(kind: .malformedTag(closing: String(state.end)), offset: pos)

        var i = 0
        func readName() -> String {
            let s = i
            while i < text.count, Self.nameCharsWithoutBrackets.contains(text[i]) { i += 1 }
            return String(text[s..<i])
        }
        let first = readName()
        if i == text.count { return (String(text), []) }
        guard text[i] == "(" else { throw malformed }
        i += 1
        var transforms = [first]
        while true {
            let name = readName()
            switch i < text.count ? text[i] : "\0" {
            case ")":
                i += 1
                var closing = 0
                while i < text.count, text[i] == ")" { i += 1; closing += 1 }
                guard closing + 1 == transforms.count, i == text.count else { throw malformed }
                return (name, transforms)
            case "(":
                i += 1
                transforms.append(name)
            default:
                throw malformed
            }
        }
    }

    private mutating func parsePartialName(_ state: State) throws -> String {
        read(while: Self.whitespace)
        let name = read(while: { Self.partialNameChars.contains($0) })
        read(while: Self.whitespace)
        guard try read(state.end) else { throw Failure(kind: .malformedTag(closing: String(state.end)), offset: pos) }
        return name
    }

    /// Skips a comment up to its end delimiter (matched naively, as swift-mustache does).
    private mutating func skipComment(_ state: State) throws {
        let startPos = pos
        var matched = 0
        while !atEnd {
            if chars[pos] == state.end[matched] {
                matched += 1
                if matched == state.end.count {
                    pos += 1
                    return
                }
            } else {
                matched = 0
            }
            pos += 1
        }
        pos = startPos
        throw overflow
    }

    /// `{{=<% %>=}}`: the new delimiters hold up to the end of the enclosing section.
    private mutating func setDelimiters(_ state: inout State) throws {
        let start: String, end: String
        do {
            read(while: Self.whitespace)
            start = try read(until: Self.whitespace)
            read(while: Self.whitespace)
            end = try read(until: { $0 == "=" || $0.isWhitespace })
            read(while: Self.whitespace)
        } catch {
            throw Failure(kind: .invalidDelimiters, offset: pos)
        }
        guard try read("=") else { throw Failure(kind: .invalidDelimiters, offset: pos) }
        guard try read(state.end) else { throw Failure(kind: .invalidDelimiters, offset: pos) }
        guard !start.isEmpty, !end.isEmpty else { throw Failure(kind: .invalidDelimiters, offset: pos) }
        state.start = Array(start)
        state.end = Array(end)
    }

    /// After a tag: is it alone on its line? Then the rest of the line, up to and including the
    /// newline, is skipped.
    private mutating func isStandalone(_ state: State) -> Bool {
        guard state.newLine else { return false }
        if atEnd { return true }
        var p = pos
        while p < chars.count, chars[p] == " " || chars[p] == "\t" { p += 1 }
        if p < chars.count, chars[p].isNewline {
            pos = p + 1
            return true
        }
        return false
    }

    // MARK: - Names

    /// `name` as written in a tag, with its transforms.
    private static func written(_ name: String, _ transforms: [String]) -> String {
        transforms.map { $0 + "(" }.joined() + name + String(repeating: ")", count: transforms.count)
    }

    private func lookup(_ name: String, _ transforms: [String], at offset: Int) throws -> TemplateLookup {
        let applied = try transforms.reversed().map { t -> TemplateTransform in
            guard let transform = TemplateTransform(rawValue: t) else { throw Failure(kind: .unknownTransform(t), offset: offset) }
            return transform
        }
        let parts = name.split(separator: ".").map(String.init)
        let root: TemplateLookup.Root
        if name == "." {
            root = .current
        } else if name.isEmpty, !transforms.isEmpty {
            root = .position
        } else if name.first == "." {
            root = parts.isEmpty ? .current : .local(parts)
        } else if let first = parts.first {
            root = .stack(first, Array(parts.dropFirst()))
        } else {
            root = .current
        }
        return TemplateLookup(root: root, transforms: applied)
    }
}
