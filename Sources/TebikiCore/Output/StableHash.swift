import Foundation

/// A 128-bit hash that gives the same value in every run (Swift's `Hasher` is seeded per
/// process), for the build cache's keys and the pages' fingerprints: two multiply-xor lanes over
/// 8-byte words. A cache key, not a security boundary: a collision would only keep a stale
/// file, and the tool version is part of every key. (The OSCAL identifiers use the standard
/// FNV-1a in `FNV1a128`, since outside tools may recompute them.)
struct StableHash {
    private(set) var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private(set) var b: UInt64 = 0x8422_2325_cbf2_9ce4

    @inline(__always) mutating func addWord(_ w: UInt64) {
        a = (a ^ w) &* 0x0000_0100_0000_01B3
        a ^= a >> 29
        b = (b &+ w) &* 0xFF51_AFD7_ED55_8CCD
        b = (b << 31) | (b >> 33)
    }

    /// Eight bytes a step (a byte a step was 3–4 % of a one-page-edit rebuild, which
    /// fingerprints every page); the length ends each piece, so pieces cannot run together.
    mutating func add(_ raw: UnsafeRawBufferPointer) {
        let n = raw.count
        var i = 0
        while i + 8 <= n {
            addWord(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n { tail |= UInt64(raw[i]) << shift; shift += 8; i += 1 }
        addWord(tail)
        addWord(UInt64(n) | 0xff00_0000_0000_0000)
    }

    mutating func add(_ data: Data) { data.withUnsafeBytes { add($0) } }

    mutating func add(_ s: String) {
        var s = s
        s.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    mutating func add(_ i: Int) {
        addWord(UInt64(bitPattern: Int64(i)))
        addWord(0xfe00_0000_0000_0008)   // marks a number, so it cannot equal a string's bytes
    }

    var hex: String { String(a, radix: 16) + String(b, radix: 16) }
}
