import Foundation

/// What the previous build rendered: per output page, the fingerprint of its inputs and the
/// plain text of its body (for the search index). A page whose fingerprint is unchanged is
/// neither rendered nor rewritten. Stored beside the output folder, never inside it.
///
/// It also records the whole build (`state`): a fingerprint of every input file and, for every
/// file written, its size, modification time and inode. When both still hold, nothing can
/// have changed and the next build stops right after reading the inputs.
public struct BuildCache: Sendable {
    public struct Entry: Sendable, Equatable {
        public var fingerprint: String
        public var plainText: String?
    }

    /// An output file as the build left it.
    public struct OutputRecord: Sendable, Equatable {
        public var path: String
        public var size: Int64
        public var mtime: Int64   // nanoseconds
        public var inode: UInt64
    }

    /// The whole previous build.
    public struct State: Sendable, Equatable {
        /// `BuildCache.inputFingerprint` of the source it was built from.
        public var inputs: String
        public var pageCount: Int
        public var outputs: [OutputRecord]
        /// Warnings it printed, printed again when nothing changed.
        public var warnings: [Diagnostic]
    }

    public var entries: [String: Entry] = [:]
    public var state: State?
    /// Identifies the tool binary that wrote the cache: a different build of Tebiki may render
    /// the same inputs differently, so its cache is not reused.
    public var tool: String
    public init(entries: [String: Entry] = [:], tool: String = "", state: State? = nil) {
        self.entries = entries
        self.tool = tool
        self.state = state
    }

    static let header = "tebiki-cache 3"

    public static func location(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).tebiki-cache")
    }

    /// Loads the cache written by the same tool; a missing, unreadable or foreign file is an
    /// empty cache (a full build).
    public static func load(from url: URL, tool: String) -> BuildCache {
        guard let data = FileManager.default.contents(atPath: url.path) else { return BuildCache(tool: tool) }
        return parse(data, tool: tool)
    }

    /// Reads the cache from its bytes. The file holds every page's text (tens of MB at 10,000
    /// pages) and is read on every build that is not "nothing changed": lines are found with
    /// `memchr` on the bytes and the entries decoded in parallel (splitting it as a `String`
    /// walked it by grapheme and was 7 % of a one-page-edit rebuild).
    static func parse(_ data: Data, tool: String) -> BuildCache {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> BuildCache in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let base = bytes.baseAddress else { return BuildCache(tool: tool) }
            // Line ranges, empty lines left out (as the `split` of before did).
            var lines: [Range<Int>] = []
            var start = 0
            while start < bytes.count {
                let end = memchr(base + start, 10, bytes.count - start).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? bytes.count
                if end > start { lines.append(start..<end) }
                start = end + 1
            }
            func text(_ r: Range<Int>) -> Substring { Substring(String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self)) }
            guard lines.count >= 2, text(lines[0]) == Substring(header), text(lines[1]) == Substring(tool) else { return BuildCache(tool: tool) }
            // The state lines (`#…`) come first and are few; the entries follow.
            var first = 2
            while first < lines.count, bytes[lines[first].lowerBound] == UInt8(ascii: "#") { first += 1 }
            var stateLines = ArraySlice(lines[2..<first].map(text))
            let state = parseState(&stateLines)
            let entryLines = Array(lines[first...])
            let chunk = 512
            let decoded = Builder.parallelMap(Array(stride(from: 0, to: entryLines.count, by: chunk))) { from -> [(String, Entry)] in
                var out: [(String, Entry)] = []
                for r in entryLines[from..<min(from + chunk, entryLines.count)] {
                    guard let tab1 = bytes[r].firstIndex(of: 9), let tab2 = bytes[(tab1 + 1)..<r.upperBound].firstIndex(of: 9) else { continue }
                    let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[r.lowerBound..<tab1]), as: UTF8.self)
                    let fingerprint = String(decoding: UnsafeBufferPointer(rebasing: bytes[(tab1 + 1)..<tab2]), as: UTF8.self)
                    let value = UnsafeBufferPointer(rebasing: bytes[(tab2 + 1)..<r.upperBound])
                    let plain = value.count == 1 && value[0] == UInt8(ascii: "-") ? nil : unescape(value)
                    out.append((key, Entry(fingerprint: fingerprint, plainText: plain)))
                }
                return out
            }
            var entries: [String: Entry] = [:]
            entries.reserveCapacity(entryLines.count)
            for part in decoded { for (key, entry) in part { entries[key] = entry } }
            return BuildCache(entries: entries, tool: tool, state: state)
        }
    }

    /// Only the record of the whole build, without the page entries (which hold every page's
    /// text and are not needed when nothing changed). The lines are read up to the first entry.
    public static func loadState(from url: URL, tool: String) -> State? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
        defer { try? handle.close() }
        var buffer = Data()
        // The state lines come first; read in chunks until an entry line (no leading `#`) shows.
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            buffer.append(chunk)
            if let end = Self.endOfState(buffer) {
                buffer = buffer.prefix(end - buffer.startIndex)
                break
            }
        }
        let text = String(decoding: buffer, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)[...]
        guard lines.popFirst() == Substring(header), lines.popFirst() == Substring(tool) else { return nil }
        return parseState(&lines)
    }

    /// Byte offset just past the state lines when an entry line has been read, else nil.
    static func endOfState(_ data: Data) -> Int? {
        var lineStart = data.startIndex
        var lineNumber = 0
        for i in data.indices where data[i] == 10 {
            lineNumber += 1
            if lineNumber > 2, i > lineStart, data[lineStart] != UInt8(ascii: "#") { return lineStart }
            lineStart = i + 1
        }
        return nil
    }

    static func parseState(_ lines: inout ArraySlice<Substring>) -> State? {
        var state = State(inputs: "", pageCount: 0, outputs: [], warnings: [])
        var found = false
        while let line = lines.first, line.hasPrefix("#") {
            lines.removeFirst()
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            switch f[0] {
            case "#inputs" where f.count == 3:
                state.inputs = String(f[1])
                state.pageCount = Int(f[2]) ?? 0
                found = true
            case "#out" where f.count == 5:
                guard let size = Int64(f[2]), let mtime = Int64(f[3]), let inode = UInt64(f[4]) else { continue }
                state.outputs.append(OutputRecord(path: String(f[1]), size: size, mtime: mtime, inode: inode))
            case "#warn" where f.count == 7:
                guard let severity = Diagnostic.Severity(rawValue: String(f[1])), let line = Int(f[3]), let column = Int(f[4]) else { continue }
                state.warnings.append(Diagnostic(severity, unescape(f[5]), unescape(f[6]), at: SourceLocation(path: unescape(f[2]), line: line, column: column)))
            default:
                continue
            }
        }
        return found ? state : nil
    }

    public func save(to url: URL) throws {
        // Written as bytes: the page texts make this tens of MB at 10,000 pages, and building
        // it as a String scalar by scalar took a noticeable part of the build.
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        func add(_ s: String) { out.append(contentsOf: s.utf8) }
        add(Self.header + "\n" + tool + "\n")
        if let state {
            add("#inputs\t\(state.inputs)\t\(state.pageCount)\n")
            for w in state.warnings {
                add("#warn\t\(w.severity.rawValue)\t\(Self.escape(w.path))\t\(w.line)\t\(w.column)\t\(Self.escape(w.code))\t\(Self.escape(w.message))\n")
            }
            for o in state.outputs where !o.path.contains("\t") && !o.path.contains("\n") {
                add("#out\t\(o.path)\t\(o.size)\t\(o.mtime)\t\(o.inode)\n")
            }
        }
        for key in entries.keys.sorted() {
            let e = entries[key]!
            add("\(key)\t\(e.fingerprint)\t")
            if let text = e.plainText { Self.escape(text, into: &out) } else { add("-") }
            add("\n")
        }
        try Data(out).write(to: url, options: .atomic)
    }

    // MARK: Input file stats

    /// What the last build saw of its input files without their bytes: the fingerprint of
    /// their `stat` (path, size, times, inode) and when it began reading them. Kept in a small
    /// file of its own beside the cache, rewritten by every build, even one that changed nothing.
    public struct StatRecord: Sendable, Equatable {
        /// `inputFingerprint` of the same inputs, tying this record to the cache's state.
        public var inputs: String
        public var stats: String
        public var readStarted: Int64
    }

    static let statHeader = "tebiki-stat 1"

    public static func statLocation(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).tebiki-stat")
    }

    public static func loadStatRecord(for output: URL, tool: String) -> StatRecord? {
        guard let data = FileManager.default.contents(atPath: statLocation(for: output).path) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard lines.count == 3, lines[0] == Substring(statHeader), lines[1] == Substring(tool) else { return nil }
        let f = lines[2].split(separator: "\t")
        guard f.count == 3, let started = Int64(f[2]) else { return nil }
        return StatRecord(inputs: String(f[0]), stats: String(f[1]), readStarted: started)
    }

    public static func saveStatRecord(_ record: StatRecord, for output: URL, tool: String) throws {
        let text = "\(statHeader)\n\(tool)\n\(record.inputs)\t\(record.stats)\t\(record.readStarted)\n"
        try Data(text.utf8).write(to: statLocation(for: output), options: .atomic)
    }

    /// A fingerprint of every input file's path, size, modification and change times and inode.
    public static func statFingerprint(_ stats: [String: SiteSource.FileStat]) -> String {
        var h = StableHash()
        for path in stats.keys.sorted() {
            let s = stats[path]!
            h.add(Data(path.utf8))
            h.addWord(UInt64(bitPattern: s.size)); h.addWord(UInt64(bitPattern: s.mtime))
            h.addWord(UInt64(bitPattern: s.ctime)); h.addWord(s.inode)
        }
        h.addWord(UInt64(stats.count))
        return h.hex
    }

    // MARK: The whole build

    /// A fingerprint of every input file (path and bytes, in path order) and of the tool.
    /// Files are hashed in parallel, 8 bytes at a time; it is a cache key, not a security
    /// boundary (128 bits, so an accidental collision is not a concern).
    public static func inputFingerprint(_ source: SiteSource, tool: String) -> String {
        let paths = source.files.keys.sorted()
        let perFile = Builder.parallelMap(paths) { path -> (UInt64, UInt64) in
            var h = StableHash()
            h.add(Data(path.utf8))
            h.add(source.files[path]!)
            return (h.a, h.b)
        }
        var h = StableHash()
        h.add(Data(tool.utf8))
        for (a, b) in perFile { h.addWord(a); h.addWord(b) }
        return h.hex
    }

    /// Size, modification time and inode of each file under `folder` (nil when one is missing).
    public static func records(_ paths: [String], in folder: URL) -> [OutputRecord]? {
        var out: [OutputRecord] = []
        out.reserveCapacity(paths.count)
        // Plain string paths: URL.appendingPathComponent was most of this check's time.
        let base = folder.path.hasSuffix("/") ? folder.path : folder.path + "/"
        for path in paths {
            var st = stat()
            guard lstat(base + path, &st) == 0 else { return nil }
            out.append(OutputRecord(path: path, size: Int64(st.st_size),
                                    mtime: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec), inode: UInt64(st.st_ino)))
        }
        return out
    }

    /// Whether every file the previous build wrote is still there as it left it.
    public static func outputsIntact(_ recorded: [OutputRecord], in folder: URL) -> Bool {
        guard !recorded.isEmpty, let now = records(recorded.map(\.path), in: folder) else { return false }
        return now == recorded
    }

    static func escape(_ s: String) -> String {
        var o: [UInt8] = []
        escape(s, into: &o)
        return String(decoding: o, as: UTF8.self)
    }

    /// `=` then the text with \\ \n \t \r escaped, on UTF-8 bytes (the four are ASCII, and
    /// no byte of a multi-byte character is below 0x80).
    static func escape(_ s: String, into o: inout [UInt8]) {
        o.append(UInt8(ascii: "="))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\\"): o.append(b); o.append(b)
            case UInt8(ascii: "\n"): o.append(UInt8(ascii: "\\")); o.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\t"): o.append(UInt8(ascii: "\\")); o.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\r"): o.append(UInt8(ascii: "\\")); o.append(UInt8(ascii: "r"))
            default: o.append(b)
            }
        }
    }

    static func unescape(_ s: Substring) -> String {
        var s = s
        return s.withUTF8 { unescape($0) }
    }

    /// The text of an escaped value (`=` then the text), from its bytes.
    static func unescape(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var o: [UInt8] = []
        o.reserveCapacity(bytes.count)
        var escaped = false
        for b in bytes.dropFirst() {   // drop the "=" marker
            if escaped {
                switch b {
                case UInt8(ascii: "n"): o.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): o.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "r"): o.append(UInt8(ascii: "\r"))
                default: o.append(b)
                }
                escaped = false
            } else if b == UInt8(ascii: "\\") {
                escaped = true
            } else {
                o.append(b)
            }
        }
        if escaped { o.append(UInt8(ascii: "\\")) }
        return String(decoding: o, as: UTF8.self)
    }
}
