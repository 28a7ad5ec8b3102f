import Foundation

/// Writes the site into a temporary folder beside the output and swaps it in only when every
/// file is written. A file whose bytes did not change is hard-linked from the previous output,
/// so it keeps its inode and modification time: it is not rewritten.
public enum OutputWriter {
    public struct Stats: Sendable, Equatable {
        public var written = 0
        public var unchanged = 0
    }

    public static func write(_ files: [OutputFile], to output: URL) throws -> Stats {
        let fm = FileManager.default
        let parent = output.deletingLastPathComponent()
        let name = output.lastPathComponent
        let pid = ProcessInfo.processInfo.processIdentifier
        let temp = parent.appendingPathComponent(".\(name).tebiki-new-\(pid)")
        let old = parent.appendingPathComponent(".\(name).tebiki-old-\(pid)")
        try? fm.removeItem(at: temp)
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        try fm.createDirectory(at: temp, withIntermediateDirectories: true)
        var stats = Stats()
        var made = Set<String>()
        do {
            for file in files {
                let dest = temp.appendingPathComponent(file.path)
                let dir = (file.path as NSString).deletingLastPathComponent
                if !dir.isEmpty, made.insert(dir).inserted {
                    try fm.createDirectory(at: temp.appendingPathComponent(dir), withIntermediateDirectories: true)
                }
                let previous = output.appendingPathComponent(file.path)
                if file.reusePrevious {
                    try fm.linkItem(at: previous, to: dest)
                    stats.unchanged += 1
                } else if let existing = fm.contents(atPath: previous.path), existing == file.data,
                   (try? fm.linkItem(at: previous, to: dest)) != nil {
                    stats.unchanged += 1
                } else {
                    try file.data.write(to: dest)
                    stats.written += 1
                }
            }
            if fm.fileExists(atPath: output.path) {
                try fm.moveItem(at: output, to: old)
                try fm.moveItem(at: temp, to: output)
                try? fm.removeItem(at: old)
            } else {
                try fm.moveItem(at: temp, to: output)
            }
        } catch {
            try? fm.removeItem(at: temp)
            throw error
        }
        return stats
    }
}
