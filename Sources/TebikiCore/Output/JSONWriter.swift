import Foundation

/// A small JSON writer for the large outputs (search index and shards, catalog, lookup data,
/// OSCAL). `JSONEncoder` over `Codable` values spent a fifth to a third of the build's CPU and
/// held a whole tree of boxed values per file; this writes bytes directly.
///
/// The bytes are those `JSONEncoder` writes with `[.sortedKeys, .withoutEscapingSlashes]`
/// (and `.prettyPrinted` when asked), so the files did not change: keys in UTF-8 byte order,
/// `"` `\` and control characters escaped (`\b \f \n \r \t`, else `\u00xx`), everything else
/// as is (RFC 8259 allows it); pretty form with two-space indentation, `" : "` between key
/// and value, and an empty container as `[` newline newline indentation `]`, as swift-foundation
/// writes it. The tests compare the writer's bytes with `JSONEncoder`'s for the same tree.
struct JSONWriter {
    /// The bytes written so far.
    let bytes = ByteBuffer()
    let pretty: Bool
    private var depth = 0
    /// Whether the container being written has an element yet (one entry per open container).
    private var hasElement: [Bool] = []
    #if DEBUG
    private var lastKey: [[UInt8]?] = []
    #endif

    init(pretty: Bool = false, capacity: Int = 0) {
        self.pretty = pretty
        bytes.reserve(capacity)
    }

    /// The bytes written, handed over without a copy (a large index is tens of megabytes);
    /// the writer is empty afterwards.
    func takeData() -> Data { bytes.take() }

    // MARK: Containers

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ c: UInt8) {
        valueStart()
        bytes.append(c)
        depth += 1
        hasElement.append(false)
        #if DEBUG
        lastKey.append(nil)
        #endif
    }

    private mutating func close(_ c: UInt8) {
        let had = hasElement.removeLast()
        #if DEBUG
        lastKey.removeLast()
        #endif
        depth -= 1
        if pretty {
            bytes.append(10)
            if !had { bytes.append(10) }
            indent()
        }
        bytes.append(c)
    }

    private mutating func indent() {
        for _ in 0..<(depth * 2) { bytes.append(32) }
    }

    /// Separator before an array element or object member.
    private mutating func element() {
        guard !hasElement.isEmpty else { return }
        if hasElement[hasElement.count - 1] { bytes.append(UInt8(ascii: ",")) } else { hasElement[hasElement.count - 1] = true }
        if pretty { bytes.append(10); indent() }
    }

    /// An object member's key; the caller writes keys in UTF-8 byte order (checked in debug builds).
    mutating func key(_ k: String) {
        element()
        #if DEBUG
        let u = Array(k.utf8)
        if let last = lastKey[lastKey.count - 1] {
            assert(last.lexicographicallyPrecedes(u), "JSON keys out of order: \(String(decoding: last, as: UTF8.self)) before \(k)")
        }
        lastKey[lastKey.count - 1] = u
        #endif
        writeString(k)
        if pretty { bytes.append(" : ") } else { bytes.append(58) }
        pendingValue = true
    }

    /// Set after a key: the next value follows it directly, without a separator.
    private var pendingValue = false

    private mutating func valueStart() {
        if pendingValue { pendingValue = false } else { element() }
    }

    // MARK: Values

    mutating func string(_ s: String) { valueStart(); writeString(s) }

    mutating func int(_ i: Int) {
        valueStart()
        if i == 0 { bytes.append(48); return }
        if i < 0 { bytes.append(45) }
        bytes.appendDecimal(i.magnitude)
    }

    mutating func bool(_ b: Bool) {
        valueStart()
        bytes.append(b ? "true" : "false")
    }

    mutating func null() { valueStart(); bytes.append("null") }

    mutating func strings(_ list: [String]) {
        beginArray()
        for s in list { string(s) }
        endArray()
    }

    mutating func ints<I: BinaryInteger>(_ list: [I]) {
        beginArray()
        for i in list { int(Int(i)) }
        endArray()
    }

    /// A `[String: V]` dictionary, keys sorted as `JSONEncoder` sorts them.
    mutating func object<V>(_ d: [String: V], _ value: (inout JSONWriter, V) -> Void) {
        beginObject()
        for k in Self.sortedKeys(d) {
            key(k)
            value(&self, d[k]!)
        }
        endObject()
    }

    /// Text written as is, outside the JSON value (e.g. the call around a shard script).
    func raw(_ text: String) { bytes.append(text) }

    static func sortedKeys<V>(_ d: [String: V]) -> [String] {
        d.keys.sorted(by: utf8Less)
    }

    /// UTF-8 byte order (= code point order), which `JSONEncoder`'s `.sortedKeys` uses.
    static func utf8Less(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in
            let n = min(x.count, y.count)
            let c = memcmp(x.baseAddress!, y.baseAddress!, n)
            return c != 0 ? c < 0 : x.count < y.count
        } }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func writeString(_ s: String) {
        let bytes = self.bytes
        bytes.append(34)
        var s = s
        s.withUTF8 { u in
            var start = 0
            for i in 0..<u.count {
                let c = u[i]
                guard c < 0x20 || c == 34 || c == 92 else { continue }
                if start < i { bytes.append(UnsafeBufferPointer(rebasing: u[start..<i])) }
                start = i + 1
                bytes.append(92)
                switch c {
                case 34: bytes.append(34)
                case 92: bytes.append(92)
                case 8: bytes.append(98)
                case 12: bytes.append(102)
                case 10: bytes.append(110)
                case 13: bytes.append(114)
                case 9: bytes.append(116)
                default:
                    bytes.append("u00")
                    bytes.append(Self.hex[Int(c >> 4)])
                    bytes.append(Self.hex[Int(c & 15)])
                }
            }
            if start < u.count { bytes.append(UnsafeBufferPointer(rebasing: u[start..<u.count])) }
        }
        bytes.append(34)
    }
}

/// A growable byte buffer (malloc/realloc) whose memory can be handed to `Data` without a copy.
final class ByteBuffer {
    private var base: UnsafeMutablePointer<UInt8>?
    private(set) var count = 0
    private var capacity = 0

    deinit { free(base) }

    func reserve(_ n: Int) { if n > capacity { grow(to: n) } }

    private func grow(to n: Int) {
        let newCapacity = max(n, capacity * 2, 256)
        // Out of memory is not recoverable here, as for Swift's own arrays.
        guard let p = realloc(base, newCapacity) else { fatalError("out of memory") }
        base = p.assumingMemoryBound(to: UInt8.self)
        capacity = newCapacity
    }

    @inline(__always) func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base![count] = byte
        count += 1
    }

    func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let src = buffer.baseAddress, buffer.count > 0 else { return }
        if count + buffer.count > capacity { grow(to: count + buffer.count) }
        (base! + count).update(from: src, count: buffer.count)
        count += buffer.count
    }

    func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    func appendDecimal(_ value: UInt) {
        var n = value
        var digits = 1
        var t = n
        while t >= 10 { t /= 10; digits += 1 }
        if count + digits > capacity { grow(to: count + digits) }
        var k = count + digits - 1
        repeat { base![k] = UInt8(48 + n % 10); n /= 10; k -= 1 } while n > 0
        count += digits
    }

    /// The bytes as `Data`, owning the memory; the buffer is empty afterwards.
    func take() -> Data {
        guard let p = base, count > 0 else { return Data() }
        let data = Data(bytesNoCopy: p, count: count, deallocator: .free)
        base = nil; count = 0; capacity = 0
        return data
    }
}

/// A value the JSON writer can write: the one JSON path of every output type (none of them is
/// also `Encodable`; JSONWriterTests checks the writer's format against `JSONEncoder` on plain
/// values and on the re-read outputs).
protocol JSONWritable {
    func write(to w: inout JSONWriter)
}

extension JSONWritable {
    func json(pretty: Bool = false, capacity: Int = 0) -> Data {
        var w = JSONWriter(pretty: pretty, capacity: capacity)
        write(to: &w)
        return w.takeData()
    }
}

extension String: JSONWritable { func write(to w: inout JSONWriter) { w.string(self) } }
extension Int: JSONWritable { func write(to w: inout JSONWriter) { w.int(self) } }
extension Array: JSONWritable where Element: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginArray()
        for e in self { e.write(to: &w) }
        w.endArray()
    }
}
extension Dictionary: JSONWritable where Key == String, Value: JSONWritable {
    func write(to w: inout JSONWriter) { w.object(self) { w, v in v.write(to: &w) } }
}
extension Optional: JSONWritable where Wrapped: JSONWritable {
    func write(to w: inout JSONWriter) {
        if let v = self { v.write(to: &w) } else { w.null() }
    }
}
