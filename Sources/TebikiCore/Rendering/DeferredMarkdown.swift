/// Markdown that is rendered only when a template actually outputs it. A page whose
/// fingerprint is unchanged is never rendered, so its Markdown is never parsed.
final class DeferredMarkdown: @unchecked Sendable {
    let text: String
    /// Resolved URL of every content link in `text`, part of the fingerprint: a page must be
    /// rendered again when a page it links to moves.
    let linkTargets: [String]
    private let render: (String) -> Markdown.Rendered
    private var cached: Markdown.Rendered?

    init(text: String, linkTargets: [String], render: @escaping (String) -> Markdown.Rendered) {
        self.text = text
        self.linkTargets = linkTargets
        self.render = render
    }

    var rendered: Markdown.Rendered {
        if let cached { return cached }
        let r = render(text)
        cached = r
        return r
    }

    /// The HTML, what `{{{body}}}` outputs.
    var renderText: String { rendered.html }
}

/// A stable fingerprint of a page's inputs: the template context serialised canonically and
/// hashed (objects in their fixed key order: sorted when converted from a dictionary, as written
/// for literals) with `StableHash`; the theme and tool version are part of every key.
enum Fingerprint {
    static func of(_ value: TemplateValue, into h: inout StableHash) {
        switch value {
        case .string(let s): h.add("s:"); h.add(s)
        case .object(let o):
            h.add("{")
            for (key, value) in zip(o.keys, o.values) { h.add(key); of(value, into: &h) }
            h.add("}")
        case .list(let items):
            h.add("[")
            for v in items { of(v, into: &h) }
            h.add("]")
        case .markdown(let m):
            h.add("md:"); h.add(m.text)
            for t in m.linkTargets { h.add(t) }
        case .bool(let b): h.add(b ? "T" : "F")
        case .int(let i): h.add("i:"); h.add(i)
        case .null: h.add("nil")
        }
    }
}
