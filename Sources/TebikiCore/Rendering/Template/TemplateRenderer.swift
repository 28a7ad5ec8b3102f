import Foundation

/// The theme's templates, compiled, with partials resolved to indices.
struct TemplateLibrary: Sendable {
    /// Compiled templates; a partial naming a template that does not exist points at an empty one.
    private(set) var templates: [[TemplateNode]] = []
    private(set) var index: [String: Int] = [:]

    /// Compiles every template. Templates with errors are left out (a partial naming them renders
    /// nothing); a partial naming a template that is not among `sources` is an error too.
    static func compile(_ sources: [(name: String, text: String)]) -> (library: TemplateLibrary, errors: [(name: String, error: TemplateSyntaxError)]) {
        var library = TemplateLibrary()
        for (name, _) in sources where library.index[name] == nil {
            library.index[name] = library.index.count
        }
        // Names only partials use get indices after the templates.
        var partialNames = library.index
        library.templates = Array(repeating: [], count: library.index.count)
        var errors: [(name: String, error: TemplateSyntaxError)] = []
        for (name, text) in sources {
            let result = TemplateParser.parse(text) { partial in
                if let i = partialNames[partial] { return i }
                partialNames[partial] = partialNames.count
                return partialNames.count - 1
            }
            switch result {
            case .success(let parsed):
                library.templates[library.index[name]!] = parsed.nodes
                for p in parsed.partials where library.index[p.name] == nil {
                    errors.append((name, TemplateSyntaxError(kind: .missingPartial(p.name), line: p.line, column: p.column)))
                }
            case .failure(let error):
                errors.append((name, error))
            }
        }
        library.templates += Array(repeating: [], count: partialNames.count - library.templates.count)
        return (library, errors)
    }

    /// Renders the template `name` (nil if there is none) with `context` as its outermost context.
    func render(_ name: String, _ context: TemplateValue) -> [UInt8]? {
        guard let i = index[name] else { return nil }
        var renderer = TemplateRenderer(templates: templates, root: context)
        renderer.render(templates[i], position: nil, indentation: [])
        return renderer.output
    }
}

/// The position of the element being rendered in a list section (`first()`, `index()`…).
struct ListPosition {
    var index: Int
    var count: Int
}

/// One rendering: appends UTF-8 bytes to one buffer, with the context stack kept in place
/// (pushed on entering a section, popped on leaving it). Follows swift-mustache 2.1's
/// MustacheTemplate.render for the values a template can hold.
struct TemplateRenderer {
    let templates: [[TemplateNode]]
    private(set) var output: [UInt8] = []
    private var stack: [TemplateValue]

    init(templates: [[TemplateNode]], root: TemplateValue, capacity: Int = 32 * 1024) {
        self.templates = templates
        stack = [root]
        stack.reserveCapacity(16)
        output.reserveCapacity(capacity)
    }

    /// Renders `nodes` as one template (a template, a section's body or a partial). In a partial
    /// included on a line of its own, each node's output that starts a new line is indented —
    /// node by node, as swift-mustache indents (a value with line breaks is not indented inside).
    mutating func render(_ nodes: [TemplateNode], position: ListPosition?, indentation: [UInt8]) {
        if indentation.isEmpty {
            // Through the buffer, with render(node) inlined: the nodes are read in place, not
            // copied (copying one retains its payload, shared by every thread rendering pages).
            nodes.withUnsafeBufferPointer { nodes in
                for i in nodes.indices { render(nodes[i], position: position, indentation: indentation) }
            }
            return
        }
        let start = output.count
        for node in nodes {
            if case .text(let bytes) = node {
                // Source text is merged; its line breaks are where swift-mustache's text tokens end.
                var from = 0
                while from < bytes.count {
                    var to = from
                    while to < bytes.count, bytes[to] != 0x0A { to += 1 }
                    to = min(to + 1, bytes.count)
                    if startsLine(since: start) { output += indentation }
                    output += bytes[from..<to]
                    from = to
                }
            } else {
                let before = output.count
                let indent = startsLine(since: start)
                if indent { output += indentation }
                let after = output.count
                render(node, position: position, indentation: indentation)
                if indent, output.count == after { output.removeSubrange(before..<after) }
            }
        }
    }

    /// The output since `start` ends with a line feed that is not part of a CRLF (swift-mustache
    /// compares the last Character with "\n").
    private func startsLine(since start: Int) -> Bool {
        let n = output.count
        return n > start && output[n - 1] == 0x0A && !(n - 2 >= start && output[n - 2] == 0x0D)
    }

    @inline(__always)
    private mutating func render(_ node: TemplateNode, position: ListPosition?, indentation: [UInt8]) {
        switch node {
        case .text(let bytes):
            output += bytes
        case .value(let lookup, let escaped):
            write(resolve(lookup, position), escaped: escaped)
        case .section(let lookup, let inverted, let body):
            let value = resolve(lookup, position)
            if inverted {
                renderInverted(value, body, position: position, indentation: indentation)
            } else {
                renderSection(value, body, position: position, indentation: indentation)
            }
        case .partial(let index, let own):
            render(templates[index], position: nil, indentation: own.map { indentation + $0 } ?? indentation)
        }
    }

    private mutating func renderSection(_ value: TemplateValue, _ body: [TemplateNode], position: ListPosition?, indentation: [UInt8]) {
        switch value {
        case .list(let items):
            for (i, item) in items.enumerated() {
                stack.append(item)
                render(body, position: ListPosition(index: i, count: items.count), indentation: indentation)
                stack.removeLast()
            }
        case .bool(let b):
            if b { render(body, position: position, indentation: indentation) }
        case .null:
            break
        default:
            stack.append(value)
            render(body, position: nil, indentation: indentation)
            stack.removeLast()
        }
    }

    private mutating func renderInverted(_ value: TemplateValue, _ body: [TemplateNode], position: ListPosition?, indentation: [UInt8]) {
        switch value {
        case .list(let items):
            // swift-mustache renders an empty list's inverted section with the list as context.
            if items.isEmpty {
                stack.append(value)
                render(body, position: nil, indentation: indentation)
                stack.removeLast()
            }
        case .bool(let b):
            if !b { render(body, position: position, indentation: indentation) }
        case .null:
            render(body, position: position, indentation: indentation)
        default:
            break
        }
    }

    /// `{{name}}`: strings, numbers, true/false and Markdown's HTML. A list or an object shows
    /// nothing (swift-mustache shows Swift's description of it).
    private mutating func write(_ value: TemplateValue, escaped: Bool) {
        switch value {
        case .string(let s):
            if escaped { HTMLEscape.append(s, to: &output) } else { HTMLEscape.appendRaw(s, to: &output) }
        case .markdown(let m):
            if escaped { HTMLEscape.append(m.renderText, to: &output) } else { HTMLEscape.appendRaw(m.renderText, to: &output) }
        case .int(let i):
            HTMLEscape.appendRaw(String(i), to: &output)
        case .bool(let b):
            HTMLEscape.appendRaw(b ? "true" : "false", to: &output)
        case .null, .list, .object:
            break
        }
    }

    // MARK: - Lookup

    /// The value a tag names (`.null` when there is none).
    private func resolve(_ lookup: TemplateLookup, _ position: ListPosition?) -> TemplateValue {
        var value: TemplateValue
        var transforms = lookup.transforms[...]
        switch lookup.root {
        case .current:
            value = stack[stack.count - 1]
        case .stack(let first, let rest):
            guard let found = find(first) else { return .null }
            value = found
            for name in rest {
                guard let child = value[name] else { return .null }
                value = child
            }
        case .local(let names):
            value = stack[stack.count - 1]
            for name in names {
                guard let child = value[name] else { return .null }
                value = child
            }
        case .position:
            guard let position, let first = transforms.popFirst() else { return .null }
            switch first {
            case .first: value = .bool(position.index == 0)
            case .last: value = .bool(position.index == position.count - 1)
            case .index: value = .int(position.index)
            case .even: value = .bool(position.index & 1 == 0)
            case .odd: value = .bool(position.index & 1 == 1)
            default: return .null
            }
        }
        if case .null = value { return .null }
        for transform in transforms {
            guard let next = Self.apply(transform, to: value) else { return .null }
            value = next
        }
        return value
    }

    /// `name` in the innermost object of the stack that has it.
    private func find(_ name: String) -> TemplateValue? {
        stack.withUnsafeBufferPointer { stack in
            var i = stack.count - 1
            while i >= 0 {
                if let v = stack[i][name] { return v }
                i -= 1
            }
            return nil
        }
    }

    /// A transform of swift-mustache (Transform.swift); nil where it does not apply.
    static func apply(_ transform: TemplateTransform, to value: TemplateValue) -> TemplateValue? {
        switch value {
        case .string(let s):
            switch transform {
            case .empty: return .bool(s.isEmpty)
            case .capitalized: return .string(s.capitalized)
            case .lowercased: return .string(s.lowercased())
            case .uppercased: return .string(s.uppercased())
            case .reversed: return .string(String(s.reversed()))
            default: return nil
            }
        case .list(let items):
            switch transform {
            case .first: return items.first
            case .last: return items.last
            case .reversed: return .list(items.reversed())
            case .count: return .int(items.count)
            case .empty: return .bool(items.isEmpty)
            default: return nil
            }
        case .object(let o):
            switch transform {
            case .count: return .int(o.count)
            case .empty: return .bool(o.isEmpty)
            default: return nil
            }
        case .int(let i):
            switch transform {
            case .equalzero: return .bool(i == 0)
            case .plusone: return .int(i &+ 1)
            case .minusone: return .int(i &- 1)
            case .even: return .bool(i & 1 == 0)
            case .odd: return .bool(i & 1 == 1)
            default: return nil
            }
        case .bool, .markdown, .null:
            return nil
        }
    }
}

/// HTML escaping on UTF-8 bytes: & < > " ' become &amp; &lt; &gt; &quot; &#39; (swift-mustache's
/// table); runs without them are copied in one go. The five are ASCII, so no byte of a multi-byte
/// character can be mistaken for one.
enum HTMLEscape {
    static func append(_ s: String, to output: inout [UInt8]) {
        // Native strings lend their UTF-8 storage; others (bridged) are copied once.
        if s.utf8.withContiguousStorageIfAvailable({ append(utf8: $0, to: &output) }) == nil {
            var s = s
            s.withUTF8 { append(utf8: $0, to: &output) }
        }
    }

    private static func append(utf8 bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var run = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            // All five are at most '>' (0x3E): most bytes, and every byte of Japanese text, skip the switch.
            guard b <= 0x3E else { continue }
            let replacement: StaticString
            switch b {
            case 0x26: replacement = "&amp;"
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = "&gt;"
            case 0x22: replacement = "&quot;"
            case 0x27: replacement = "&#39;"
            default: continue
            }
            if run < i { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i])) }
            output.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
            run = i + 1
        }
        if run < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...])) }
    }

    static func appendRaw(_ s: String, to output: inout [UInt8]) {
        if s.utf8.withContiguousStorageIfAvailable({ output.append(contentsOf: $0) }) == nil {
            output.append(contentsOf: s.utf8)
        }
    }

    static func escape(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        append(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
