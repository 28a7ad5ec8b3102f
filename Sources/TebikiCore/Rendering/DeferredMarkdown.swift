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
/// for literals). An FNV-style multiply-xor hash is used because it must be stable across runs
/// (Swift's `Hasher` is seeded per process) and needs no dependency; it is a cache key, not a
/// security boundary — a collision would only keep a stale page, and the theme and tool
/// version are part of every key.
enum Fingerprint {
    struct FNV {
        var a: UInt64 = 0xcbf29ce484222325
        var b: UInt64 = 0x84222325cbf29ce4
        mutating func add(_ s: String) {
            var s = s
            s.withUTF8 { add($0) }
        }
        @inline(__always) private mutating func mix(_ w: UInt64) {
            a = (a ^ w) &* 0x100000001b3
            a ^= a >> 29
            b = (b &+ w) &* 0xFF51_AFD7_ED55_8CCD
            b = (b << 31) | (b >> 33)
        }
        /// Eight bytes a step (a byte a step was 3–4 % of a one-page-edit rebuild, which
        /// fingerprints every page); the length ends each piece, so pieces cannot run together.
        private mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
            let raw = UnsafeRawBufferPointer(bytes)
            let n = raw.count
            var i = 0
            while i + 8 <= n {
                mix(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { tail |= UInt64(raw[i]) << shift; shift += 8; i += 1 }
            mix(tail)
            mix(UInt64(n) | 0xff00_0000_0000_0000)
        }
        mutating func add(_ i: Int) {
            mix(UInt64(bitPattern: Int64(i)))
            mix(0xfe00_0000_0000_0008)
        }
        var hex: String { String(a, radix: 16) + String(b, radix: 16) }
    }

    static func of(_ value: TemplateValue, into h: inout FNV) {
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
