/// Character-level comparison for 新旧対照 views. Japanese has no spaces, so words cannot be
/// the unit; the standard library's `CollectionDifference` (Myers) does the work.
public enum TextDiff {
    public struct Segment: Sendable, Equatable {
        public enum Kind: String, Sendable { case same, removed, inserted }
        public var kind: Kind
        public var text: String
    }

    /// Segments of the old text (same/removed) and of the new text (same/inserted).
    public static func compare(_ old: String, _ new: String) -> (before: [Segment], after: [Segment]) {
        let a = Array(old), b = Array(new)
        let diff = b.difference(from: a)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in diff {
            switch change {
            case let .remove(offset, _, _): removed.insert(offset)
            case let .insert(offset, _, _): inserted.insert(offset)
            }
        }
        return (segments(a, marked: removed, as: .removed), segments(b, marked: inserted, as: .inserted))
    }

    static func segments(_ chars: [Character], marked: Set<Int>, as kind: Segment.Kind) -> [Segment] {
        var out: [Segment] = []
        for (i, c) in chars.enumerated() {
            let k: Segment.Kind = marked.contains(i) ? kind : .same
            if let last = out.last, last.kind == k {
                out[out.count - 1].text.append(c)
            } else {
                out.append(Segment(kind: k, text: String(c)))
            }
        }
        return out
    }
}
