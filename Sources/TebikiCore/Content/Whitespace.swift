extension String {
    /// The text without leading and trailing white space (Unicode White_Space and U+200B: the
    /// characters Foundation's `.whitespacesAndNewlines` names). Works on the scalars in place: Foundation's
    /// `trimmingCharacters(in:)` bridges the whole string through NSString, which was a visible
    /// cost on page bodies.
    var trimmingWhitespace: String {
        // Foundation also counts U+200B (zero width space, once a space separator).
        func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace || s.value == 0x200B }
        let scalars = unicodeScalars
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }
}
