import Foundation

/// Character-level comparison for 新旧対照 views. Japanese has no spaces, so words cannot be
/// the unit; the standard library's `CollectionDifference` (Myers) does the work, followed by
/// a small semantic cleanup so the result reads like a 新旧対照表 rather than confetti.
public enum TextDiff {
    public struct Segment: Sendable, Equatable {
        public enum Kind: String, Sendable { case same, removed, inserted }
        public var kind: Kind
        public var text: String
    }

    /// Results kept by their two texts, for renderers that compare the same pair more than
    /// once; safe to share between threads.
    final class Memo: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Pair: (before: [Segment], after: [Segment])] = [:]
        private struct Pair: Hashable { var old, new: String }

        func compare(_ old: String, _ new: String) -> (before: [Segment], after: [Segment]) {
            let key = Pair(old: old, new: new)
            lock.lock()
            let known = results[key]
            lock.unlock()
            if let known { return known }
            let result = TextDiff.compare(old, new)
            lock.lock()
            results[key] = result
            lock.unlock()
            return result
        }
    }

    /// Runs of unchanged characters this short, between two changes, are folded into the change.
    static let islandLength = 2
    /// Below this share of unchanged characters the texts are shown as wholly replaced.
    static let minimumCommonShare = 0.35

    /// Segments of the old text (same/removed) and of the new text (same/inserted).
    public static func compare(_ old: String, _ new: String) -> (before: [Segment], after: [Segment]) {
        let a = Array(old), b = Array(new)
        // Compared as small integers (one per distinct character): Myers compares elements
        // many times, and comparing Characters (grapheme clusters) is slow.
        var ids: [Character: Int] = [:]
        func id(_ c: Character) -> Int {
            if let n = ids[c] { return n }
            ids[c] = ids.count
            return ids.count - 1
        }
        let ia = a.map(id), ib = b.map(id)
        // The common head and tail are matched first and only the middle goes through Myers
        // (whose cost grows with the length times the number of differences).
        var head = 0
        while head < ia.count, head < ib.count, ia[head] == ib[head] { head += 1 }
        var tail = 0
        while tail < ia.count - head, tail < ib.count - head, ia[ia.count - 1 - tail] == ib[ib.count - 1 - tail] { tail += 1 }
        let diff = ib[head..<(ib.count - tail)].difference(from: ia[head..<(ia.count - tail)])
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in diff {
            switch change {
            case let .remove(offset, _, _): removed.insert(head + offset)
            case let .insert(offset, _, _): inserted.insert(head + offset)
            }
        }
        let common = a.count - removed.count
        if max(a.count, b.count) > 0, Double(common) / Double(max(a.count, b.count)) < minimumCommonShare {
            return (a.isEmpty ? [] : [Segment(kind: .removed, text: old)], b.isEmpty ? [] : [Segment(kind: .inserted, text: new)])
        }
        // Walk both texts in step: unchanged characters pair up in order.
        var ops: [(kind: Segment.Kind, char: Character)] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) { ops.append((.removed, a[i])); i += 1 }
            else if j < b.count, inserted.contains(j) { ops.append((.inserted, b[j])); j += 1 }
            else { ops.append((.same, a[i])); i += 1; j += 1 }
        }
        ops = foldIslands(ops)
        func segments(keeping kind: Segment.Kind) -> [Segment] {
            var out: [Segment] = []
            for op in ops where op.kind == .same || op.kind == kind {
                if let last = out.last, last.kind == op.kind { out[out.count - 1].text.append(op.char) }
                else { out.append(Segment(kind: op.kind, text: String(op.char))) }
            }
            return out
        }
        return (segments(keeping: .removed), segments(keeping: .inserted))
    }

    /// A short unchanged run between changes becomes a removal plus an insertion.
    static func foldIslands(_ ops: [(kind: Segment.Kind, char: Character)]) -> [(kind: Segment.Kind, char: Character)] {
        var out: [(kind: Segment.Kind, char: Character)] = []
        var k = 0
        while k < ops.count {
            guard ops[k].kind == .same else { out.append(ops[k]); k += 1; continue }
            var end = k
            while end < ops.count, ops[end].kind == .same { end += 1 }
            let run = ops[k..<end]
            let changedBefore = k > 0, changedAfter = end < ops.count
            if changedBefore && changedAfter && run.count <= islandLength {
                out += run.map { (.removed, $0.char) }
                out += run.map { (.inserted, $0.char) }
            } else {
                out += run
            }
            k = end
        }
        return out
    }
}
