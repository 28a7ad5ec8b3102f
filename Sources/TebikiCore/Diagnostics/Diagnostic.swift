import Foundation

/// A problem found in the input, with the place it was found. Diagnostics are values:
/// every phase collects them and the build fails once, after all are known.
public struct Diagnostic: Equatable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case warning, error
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    public var severity: Severity
    /// Path as shown to the user (relative to the source folder).
    public var path: String
    /// 1-based line and column in the file (not in the front-matter block).
    public var line: Int
    public var column: Int
    /// A stable machine-readable code, e.g. `yaml-syntax`, `unknown-facet-value`.
    public var code: String
    /// Message for content authors, in Japanese.
    public var message: String

    public init(_ severity: Severity, _ code: String, _ message: String, at location: SourceLocation) {
        self.severity = severity
        self.code = code
        self.message = message
        self.path = location.path
        self.line = location.line
        self.column = location.column
    }

    public static func error(_ code: String, _ message: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(.error, code, message, at: location)
    }

    public static func warning(_ code: String, _ message: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(.warning, code, message, at: location)
    }

    /// `path:line:column: error: message`, the format editors and CI understand. The path and
    /// the message (which quotes IDs, keys and values from the content) are printed with their
    /// control characters escaped (`escapedForTerminal`): one line per diagnostic, whatever
    /// the file names and the content hold.
    public var description: String {
        "\(Self.escapedForTerminal(path)):\(line):\(column): \(severity.rawValue): \(Self.escapedForTerminal(message)) [\(code)]"
    }

    /// ESC (terminal escape sequences: colours, window title, cursor moves), BEL, CR and LF
    /// (a forged line), every other C0 and C1 control, DEL, the line and paragraph separators
    /// and the bidirectional overrides and isolates (text shown in another order than it is
    /// stored) become visible escapes: `\x1B`, `\u{202E}`. A backslash stays as it is.
    public static func escapedForTerminal(_ s: String) -> String {
        func unsafe(_ c: Unicode.Scalar) -> Bool {
            switch c.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
            default: false
            }
        }
        guard s.unicodeScalars.contains(where: unsafe) else { return s }
        var out = ""
        for c in s.unicodeScalars {
            if !unsafe(c) { out.unicodeScalars.append(c) }
            else if c.value < 0x80 { out += "\\x" + String(format: "%02X", c.value) }
            else { out += "\\u{" + String(format: "%04X", c.value) + "}" }
        }
        return out
    }
}

public struct SourceLocation: Equatable, Hashable, Sendable {
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int = 1, column: Int = 1) {
        self.path = path
        self.line = line
        self.column = column
    }
}

/// Diagnostics collected by a phase. Sorted by file and position when reported so output is stable.
public struct Diagnostics: Sendable {
    public private(set) var items: [Diagnostic] = []

    public init() {}
    init<S: Sequence>(_ items: S) where S.Element == Diagnostic { self.items = Array(items) }

    public mutating func append(_ d: Diagnostic) { items.append(d) }
    public mutating func append(contentsOf other: Diagnostics) { items.append(contentsOf: other.items) }
    public mutating func error(_ code: String, _ message: String, at location: SourceLocation) {
        items.append(.error(code, message, at: location))
    }
    public mutating func warning(_ code: String, _ message: String, at location: SourceLocation) {
        items.append(.warning(code, message, at: location))
    }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }
    public var errorCount: Int { items.filter { $0.severity == .error }.count }
    public var warningCount: Int { items.filter { $0.severity == .warning }.count }

    public var sorted: [Diagnostic] {
        items.sorted { a, b in
            (a.path, a.line, a.column, a.code) < (b.path, b.line, b.column, b.code)
        }
    }
}

/// Thrown by a build when content has errors; carries every diagnostic.
public struct ContentErrors: Error, Sendable {
    public var diagnostics: Diagnostics
}

/// Levenshtein distance, used to suggest the nearest known key for a typo.
enum Suggest {
    static func nearest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word, $0)) }.min { ($0.1, $0.0) < ($1.1, $1.0) }
        guard let best = scored, best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
