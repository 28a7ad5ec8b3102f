import Mustache

/// Markdown that is rendered only when a template actually outputs it. A page whose
/// fingerprint is unchanged is never rendered, so its Markdown is never parsed.
final class DeferredMarkdown: MustacheCustomRenderable, @unchecked Sendable {
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

    var renderText: String { rendered.html }
    var isNull: Bool { false }
}

/// A stable fingerprint of a page's inputs: the template context serialised canonically
/// (sorted keys) and hashed. FNV-1a is used because it must be stable across runs (Swift's
/// `Hasher` is seeded per process) and needs no dependency; it is a cache key, not a security
/// boundary — a collision would only keep a stale page, and the theme and tool version are part
/// of every key.
enum Fingerprint {
    struct FNV {
        var a: UInt64 = 0xcbf29ce484222325
        var b: UInt64 = 0x84222325cbf29ce4
        mutating func add(_ s: String) {
            for byte in s.utf8 {
                a = (a ^ UInt64(byte)) &* 0x100000001b3
                b = (b ^ UInt64(byte)) &* 0x100000001b3 &+ 0x9e3779b97f4a7c15
            }
            a = (a ^ 0xff) &* 0x100000001b3
        }
        var hex: String { String(a, radix: 16) + String(b, radix: 16) }
    }

    static func of(_ value: Any, into h: inout FNV) {
        // Strings are most of the leaves and a failed cast to a dictionary or array is
        // costly, so they are tried first (no value matches two cases: the order does not
        // change the hash).
        if let s = value as? String { h.add("s:"); h.add(s); return }
        switch value {
        case let d as [String: Any]:
            h.add("{")
            for key in d.keys.sorted() { h.add(key); of(d[key]!, into: &h) }
            h.add("}")
        case let a as [Any]:
            h.add("[")
            for v in a { of(v, into: &h) }
            h.add("]")
        case let m as DeferredMarkdown:
            h.add("md:"); h.add(m.text)
            for t in m.linkTargets { h.add(t) }
        case let s as String: h.add("s:"); h.add(s)
        case let b as Bool: h.add(b ? "T" : "F")
        case let i as Int: h.add("i:\(i)")
        case let o as Optional<Any>:
            if let v = o { of(v, into: &h) } else { h.add("nil") }
        }
    }
}
