import Foundation

/// Every input file of a site as text or bytes, read once at the edge. Tests build one
/// inline from a `[path: contents]` dictionary; the CLI reads it from disk.
public struct SiteSource: Sendable {
    /// Paths are relative to the source folder, with `/` separators.
    public var files: [String: Data]
    /// Problems met while reading (symbolic links that are not followed, unreadable files);
    /// the parse phase reports them with the rest.
    public var diagnostics = Diagnostics()
    /// Size, times and inode of every file read from disk (empty for a source built in memory),
    /// and when the reading began: the next build compares them to know, without reading a
    /// byte, that nothing changed (see `SiteBuild.unchanged`).
    public var stats: [String: FileStat] = [:]
    public var readStarted: Int64 = 0

    /// What `stat` says of an input file; times in nanoseconds.
    public struct FileStat: Sendable, Equatable {
        public var size: Int64
        public var mtime: Int64
        public var ctime: Int64
        public var inode: UInt64

        init(_ st: stat) {
            size = Int64(st.st_size)
            mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
            ctime = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
            inode = UInt64(st.st_ino)
        }
    }

    public init(files: [String: Data]) { self.files = files }

    public init(texts: [String: String]) {
        self.files = texts.mapValues { Data($0.utf8) }
    }

    public func text(_ path: String) -> String? {
        files[path].map { String(decoding: $0, as: UTF8.self) }
    }

    public func paths(under folder: String, suffix: String? = nil) -> [String] {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return files.keys.filter { $0.hasPrefix(prefix) && (suffix == nil || $0.hasSuffix(suffix!)) }.sorted()
    }

    /// Reads site.yml, content/, static/ and the theme folder named in site.yml (default `theme/`).
    public static func read(from root: URL) throws -> SiteSource {
        walk(root, readContents: true)
    }

    /// The `stat` of every file `read(from:)` would read, without reading them; nil when the
    /// walk meets anything `read` would report (a symbolic link it refuses, an unreadable file).
    public static func scan(from root: URL) -> [String: FileStat]? {
        let source = walk(root, readContents: false)
        return source.diagnostics.items.isEmpty ? source.stats : nil
    }

    static func walk(_ root: URL, readContents: Bool) -> SiteSource {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let started = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        var files: [String: Data] = [:]
        var stats: [String: FileStat] = [:]
        let fm = FileManager.default
        let configURL = root.appendingPathComponent("site.yml")
        var configStat = stat()
        // site.yml is always read: it names the theme folder.
        if stat(configURL.path, &configStat) == 0, let data = fm.contents(atPath: configURL.path) {
            files["site.yml"] = data
            stats["site.yml"] = FileStat(configStat)
        }
        var theme = "theme"
        if let text = files["site.yml"].map({ String(decoding: $0, as: UTF8.self) }),
           let match = text.firstMatch(of: /(?m)^theme:\s*([A-Za-z0-9._\/-]+)\s*$/) {
            theme = String(match.1)
        }
        var diagnostics = Diagnostics()
        let rootReal = realPath(root.path)
        for folder in ["content", theme, StaticFiles.folder] {
            var base = (folder.hasPrefix("/") ? URL(fileURLWithPath: folder) : root.appendingPathComponent(folder)).standardizedFileURL
            if folder == "content" {
                // Without content/ the build would make an empty site over the previous one.
                var info = stat()
                let location = SourceLocation(path: "content")
                guard lstat(base.path, &info) == 0 else {
                    diagnostics.error("missing-content", "content フォルダがありません。site.yml と同じフォルダに content を置くか、--source でサイトのフォルダを指定してください。", at: location)
                    continue
                }
                // A symbolic link named content/ is followed to a folder inside the site's folder.
                if info.st_mode & S_IFMT == S_IFLNK {
                    guard let resolved = realPath(base.path), stat(resolved, &info) == 0 else {
                        diagnostics.error("broken-symlink", "content はシンボリックリンクですが、指す先がありません。", at: location)
                        continue
                    }
                    guard let r = rootReal, resolved.hasPrefix(r.hasSuffix("/") ? r : r + "/") else {
                        diagnostics.error("symlink-outside", "content はサイトのフォルダの外（\(resolved)）を指すシンボリックリンクです。フォルダの外は読み込みません。", at: location)
                        continue
                    }
                    base = URL(fileURLWithPath: resolved)
                }
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    diagnostics.error("missing-content", "content がフォルダではありません。", at: location)
                    continue
                }
                for name in undecodableNames(under: base.path, relative: "content") {
                    diagnostics.error("invalid-file-name", "ファイル名が UTF-8 ではないため読み込めません（\(name)）。ファイル名を付け直してください。", at: SourceLocation(path: name))
                }
            }
            guard let walker = fm.enumerator(atPath: base.path) else { continue }
            let baseReal = realPath(base.path)
            while let relative = walker.nextObject() as? String {
                if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                let full = base.appendingPathComponent(relative)
                let path = folder + "/" + relative
                // One lstat per entry: Foundation's attribute dictionary and fileExists cost
                // several system calls and allocations each, for every file of a large site.
                var info = stat()
                guard lstat(full.path, &info) == 0 else { continue }
                var target = full.path
                // Content is untrusted: a symbolic link is followed only to a file inside the
                // site's folder (the theme is the site owner's and may live anywhere).
                if info.st_mode & S_IFMT == S_IFLNK {
                    if folder == "content" {
                        walker.skipDescendants()
                        let location = SourceLocation(path: path)
                        guard let resolved = realPath(full.path) else {
                            if errno == ELOOP {
                                diagnostics.error("symlink-loop", "シンボリックリンクが循環しているため読み込めません。", at: location)
                            } else {
                                let dest = (try? fm.destinationOfSymbolicLink(atPath: full.path)) ?? "?"
                                diagnostics.error("broken-symlink", "シンボリックリンクの指す先「\(dest)」がありません。", at: location)
                            }
                            continue
                        }
                        let inside = [rootReal, baseReal].contains { r in r.map { resolved == $0 || resolved.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") } ?? false }
                        guard inside else {
                            diagnostics.error("symlink-outside", "シンボリックリンクがサイトのフォルダの外（\(resolved)）を指しています。フォルダの外のファイルは読み込みません。", at: location)
                            continue
                        }
                        guard stat(resolved, &info) == 0 else { continue }
                        if info.st_mode & S_IFMT == S_IFDIR {
                            diagnostics.warning("symlink-directory", "フォルダへのシンボリックリンク（\(resolved)）はたどりません。中のファイルは読み込まれません。", at: location)
                            continue
                        }
                        target = resolved
                    } else if stat(full.path, &info) != 0 {
                        continue
                    }
                }
                guard info.st_mode & S_IFMT == S_IFREG else { continue }
                stats[path] = FileStat(info)
                if !readContents { continue }
                if let data = readFile(target, size: Int(info.st_size)) {
                    files[path] = data
                } else {
                    diagnostics.error("unreadable-file", "ファイルを読み込めません（\(String(cString: strerror(errno)))）。", at: SourceLocation(path: path))
                }
            }
        }
        var source = SiteSource(files: files)
        source.diagnostics = diagnostics
        source.stats = stats
        source.readStarted = started
        return source
    }

    /// Paths (relative, with U+FFFD for the bad bytes) of the entries under `folder` whose names
    /// are not UTF-8: Foundation's enumerator passes over them without a word. Hidden entries
    /// and symbolic links are not entered, as in the walk.
    static func undecodableNames(under folder: String, relative: String) -> [String] {
        var found: [String] = []
        var pending = [(folder, relative)]
        while let (dir, rel) = pending.popLast() {
            guard let d = opendir(dir) else { continue }
            defer { closedir(d) }
            while let entry = readdir(d) {
                let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
                guard bytes.first != UInt8(ascii: ".") else { continue }
                let name = String(decoding: bytes, as: UTF8.self)
                if String(validating: bytes, as: UTF8.self) == nil {
                    found.append(rel + "/" + name)
                } else if entry.pointee.d_type == UInt8(DT_DIR) {
                    pending.append((dir + "/" + name, rel + "/" + name))
                }
            }
        }
        return found.sorted()
    }

    /// The whole file in one read when its size is known (nil with `errno` set on failure).
    static func readFile(_ path: String, size: Int) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var data = Data(count: size)
        var filled = 0
        let ok = data.withUnsafeMutableBytes { raw -> Bool in
            while filled < size {
                let n = Glibc.read(fd, raw.baseAddress! + filled, size - filled)
                if n < 0 { if errno == EINTR { continue }; return false }
                if n == 0 { break }
                filled += n
            }
            return true
        }
        guard ok else { return nil }
        if filled < size { data.removeSubrange(filled...) }
        // A file that grew since lstat: read the rest.
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        return data
    }

    /// The canonical path (symbolic links resolved), or nil with `errno` set.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
