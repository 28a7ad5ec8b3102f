import Foundation

/// What the previous build rendered: per output page, the fingerprint of its inputs and the
/// plain text of its body (for the search index). A page whose fingerprint is unchanged is
/// neither rendered nor rewritten. Stored beside the output folder, never inside it.
public struct BuildCache: Sendable {
    public struct Entry: Sendable, Equatable {
        public var fingerprint: String
        public var plainText: String?
    }

    public var entries: [String: Entry] = [:]
    /// Identifies the tool binary that wrote the cache: a different build of Tebiki may render
    /// the same inputs differently, so its cache is not reused.
    public var tool: String
    public init(entries: [String: Entry] = [:], tool: String = "") {
        self.entries = entries
        self.tool = tool
    }

    static let header = "tebiki-cache 2"

    public static func location(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).tebiki-cache")
    }

    /// Loads the cache written by the same tool; a missing, unreadable or foreign file is an
    /// empty cache (a full build).
    public static func load(from url: URL, tool: String) -> BuildCache {
        guard let data = FileManager.default.contents(atPath: url.path) else { return BuildCache(tool: tool) }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)[...]
        guard lines.popFirst() == Substring(header), lines.popFirst() == Substring(tool) else { return BuildCache(tool: tool) }
        var entries: [String: Entry] = [:]
        for line in lines {
            let f = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard f.count == 3 else { continue }
            entries[String(f[0])] = Entry(fingerprint: String(f[1]), plainText: f[2] == "-" ? nil : unescape(f[2]))
        }
        return BuildCache(entries: entries, tool: tool)
    }

    public func save(to url: URL) throws {
        var out = Self.header + "\n" + tool + "\n"
        for key in entries.keys.sorted() {
            let e = entries[key]!
            out += "\(key)\t\(e.fingerprint)\t\(e.plainText.map(Self.escape) ?? "-")\n"
        }
        try Data(out.utf8).write(to: url, options: .atomic)
    }

    static func escape(_ s: String) -> String {
        var o = "="
        for c in s.unicodeScalars {
            switch c {
            case "\\": o += "\\\\"
            case "\n": o += "\\n"
            case "\t": o += "\\t"
            case "\r": o += "\\r"
            default: o.unicodeScalars.append(c)
            }
        }
        return o
    }

    static func unescape(_ s: Substring) -> String {
        var o = ""
        var it = s.dropFirst().unicodeScalars.makeIterator()   // drop the "=" marker
        while let c = it.next() {
            guard c == "\\", let n = it.next() else { o.unicodeScalars.append(c); continue }
            switch n {
            case "n": o += "\n"
            case "t": o += "\t"
            case "r": o += "\r"
            default: o.unicodeScalars.append(n)
            }
        }
        return o
    }
}
