import Foundation
#if canImport(Glibc)
import Glibc
#endif

#if os(Linux)
/// glibc's renameat2 (2.28+), which Swift's Glibc module does not export.
@_silgen_name("renameat2")
func tebiki_renameat2(_ olddirfd: Int32, _ oldpath: UnsafePointer<CChar>, _ newdirfd: Int32, _ newpath: UnsafePointer<CChar>, _ flags: UInt32) -> Int32
#endif

/// Writes the site into a temporary folder beside the output and swaps it in only when every
/// file is written. A file whose bytes did not change is hard-linked from the previous output,
/// so it keeps its inode and modification time: it is not rewritten.
public enum OutputWriter {
    public struct Stats: Sendable, Equatable {
        public var written = 0
        public var unchanged = 0
        public init(written: Int = 0, unchanged: Int = 0) {
            self.written = written
            self.unchanged = unchanged
        }
    }

    /// Writes all `files` at once (tests, small sites).
    public static func write(_ files: [OutputFile], to output: URL) throws -> Stats {
        let session = try Session(output: output)
        do {
            for file in files { try session.put(file) }
            return try session.finish()
        } catch {
            session.abort()
            throw error
        }
    }

    /// One build's writing: files are put as the build makes them (from any thread) so that
    /// none has to stay in memory, and the folder is swapped in by `finish`. Until then the
    /// previous output is untouched; `abort` (or an error) removes the temporary folder.
    public final class Session: OutputSink, @unchecked Sendable {
        public let output: URL
        let temp: URL
        let old: URL
        private let lock = NSLock()
        private var made = Set<String>()
        private var stats = Stats()
        private var count = 0
        private var written: [String] = []
        /// `temp` and `output` as paths ending in `/`.
        private let tempPath: String
        private let outputPath: String

        public init(output: URL) throws {
            let fm = FileManager.default
            self.output = output
            let parent = output.deletingLastPathComponent()
            let name = output.lastPathComponent
            let pid = ProcessInfo.processInfo.processIdentifier
            temp = parent.appendingPathComponent(".\(name).tebiki-new-\(pid)")
            old = parent.appendingPathComponent(".\(name).tebiki-old-\(pid)")
            tempPath = temp.path + "/"
            outputPath = output.path.hasSuffix("/") ? output.path : output.path + "/"
            try? fm.removeItem(at: temp)
            Self.removeLeftovers(of: name, in: parent)
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try fm.createDirectory(at: temp, withIntermediateDirectories: true)
            // Marks the folder as Tebiki's, so the next build knows it may replace it.
            try Self.writeFile(temp.appendingPathComponent(OutputGuard.markerName).path, Data(OutputGuard.markerText.utf8))
        }

        /// Files put so far.
        public var fileCount: Int { lock.lock(); defer { lock.unlock() }; return count }
        /// Paths put so far, sorted.
        public var paths: [String] { lock.lock(); defer { lock.unlock() }; return written.sorted() }

        public func put(_ file: OutputFile) throws {
            let dir = (file.path as NSString).deletingLastPathComponent
            if !dir.isEmpty {
                lock.lock()
                let fresh = made.insert(dir).inserted
                // Created under the lock so that no other thread writes into it before it exists.
                let result = Result { if fresh { try FileManager.default.createDirectory(at: temp.appendingPathComponent(dir), withIntermediateDirectories: true) } }
                lock.unlock()
                try result.get()
            }
            // Plain string paths and link(2): URL building and FileManager.linkItem were a
            // visible part of a rebuild that links thousands of unchanged files.
            let dest = tempPath + file.path
            let previous = outputPath + file.path
            var unchanged = false
            if file.reusePrevious {
                try Self.link(previous, dest)
                unchanged = true
            } else if Self.sameBytes(previous, file.data), (try? Self.link(previous, dest)) != nil {
                unchanged = true
            } else {
                try Self.writeFile(dest, file.data)
            }
            lock.lock()
            count += 1
            written.append(file.path)
            if unchanged { stats.unchanged += 1 } else { stats.written += 1 }
            lock.unlock()
        }

        static func link(_ from: String, _ to: String) throws {
            guard Glibc.link(from, to) == 0 else { throw IOFailure(path: to, code: errno) }
        }

        /// Creates the file with plain open/write/close. `Data.write(to:)` also flushes every
        /// file to the disk (fsync), which made writing 20,000 files at 10,000 pages wait on
        /// the disk for seconds; the folder is only swapped in after the last file, so a crash
        /// leaves the previous output in place either way.
        static func writeFile(_ path: String, _ data: Data) throws {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw IOFailure(path: path, code: errno) }
            defer { close(fd) }
            try data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw IOFailure(path: path, code: errno)
                    }
                    offset += n
                }
            }
        }

        /// Whether the file at `path` holds exactly `data`; the size is compared first, so a
        /// changed file is rarely read.
        static func sameBytes(_ path: String, _ data: Data) -> Bool {
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) == data.count else { return false }
            return FileManager.default.contents(atPath: path) == data
        }

        /// Called at each step of the swap (tests look at the disk there).
        nonisolated(unsafe) static var swapStep: ((String) -> Void)?

        /// Swaps the new folder in place of the output. With Linux's `renameat2(RENAME_EXCHANGE)`
        /// the two folders trade names in one step, so a kill (even `kill -9`) at any moment
        /// leaves either the previous output or the new one at the output path, never nothing;
        /// the previous output, now under the temporary name, is removed afterwards (and by the
        /// next build, if this one is killed first). Where the exchange is not supported (another
        /// OS or file system) the two renames of before are the fallback.
        public func finish() throws -> Stats {
            let fm = FileManager.default
            do {
                if fm.fileExists(atPath: output.path) {
                    if Self.exchange(temp.path, output.path) {
                        Self.swapStep?("exchanged")
                        if rename(temp.path, old.path) == 0 { Self.swapStep?("renamed"); try? fm.removeItem(at: old) } else { try? fm.removeItem(at: temp) }
                    } else {
                        try fm.moveItem(at: output, to: old)
                        Self.swapStep?("moved-old")
                        do {
                            try fm.moveItem(at: temp, to: output)
                        } catch {
                            try? fm.moveItem(at: old, to: output)   // put the previous output back
                            throw error
                        }
                        try? fm.removeItem(at: old)
                    }
                } else {
                    try fm.moveItem(at: temp, to: output)
                }
            } catch {
                abort()
                throw error
            }
            lock.lock(); defer { lock.unlock() }
            return stats
        }

        /// `renameat2(a, b, RENAME_EXCHANGE)`: false when the kernel or file system cannot.
        static func exchange(_ a: String, _ b: String) -> Bool {
            #if os(Linux)
            return tebiki_renameat2(-100 /* AT_FDCWD */, a, -100, b, 2 /* RENAME_EXCHANGE */) == 0
            #else
            return false
            #endif
        }

        /// Removes `.NAME.tebiki-new-PID` and `.NAME.tebiki-old-PID` folders beside the output
        /// whose build is gone (no process with that PID, or this process: a session of this
        /// process removes its own temporary folder when it ends). A killed build leaves them.
        static func removeLeftovers(of name: String, in parent: URL) {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
            let me = ProcessInfo.processInfo.processIdentifier
            for entry in entries {
                for kind in ["new", "old"] {
                    let prefix = ".\(name).tebiki-\(kind)-"
                    guard entry.hasPrefix(prefix), let pid = Int32(entry.dropFirst(prefix.count)), pid > 0 else { continue }
                    let alive = pid != me && (kill(pid, 0) == 0 || errno == EPERM)
                    if !alive { try? FileManager.default.removeItem(at: parent.appendingPathComponent(entry)) }
                }
            }
        }

        /// Drops what was written; the previous output stays as it was.
        public func abort() {
            try? FileManager.default.removeItem(at: temp)
        }
    }
}
