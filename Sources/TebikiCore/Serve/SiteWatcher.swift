import Foundation

/// Notices changes to a site's inputs by polling: the path, size and modification time of
/// site.yml and of every file under content/, the theme folder and static/ (hidden names skipped, as
/// `SiteSource.read` skips them). Portable, no inotify; cheap at a few thousand files.
public struct SiteWatcher: Sendable {
    public let root: URL
    /// Folders never looked into (the output folder, should it sit inside content/ or the
    /// theme: its own writes must not trigger the next build).
    public let ignoring: [String]

    public init(root: URL, ignoring: [URL] = []) {
        self.root = root
        self.ignoring = ignoring.map { $0.standardizedFileURL.path }
    }

    /// A value that changes when any input file is added, removed or modified.
    public func fingerprint() -> String {
        var lines: [String] = []
        let fm = FileManager.default
        let config = root.appendingPathComponent("site.yml")
        lines.append("site.yml " + stamp(config.path))
        for folder in ["content", themeFolder(), StaticFiles.folder] {
            let base = (folder.hasPrefix("/") ? URL(fileURLWithPath: folder) : root.appendingPathComponent(folder)).standardizedFileURL
            lines.append(folder + "/ " + stamp(base.path))
            guard let walker = fm.enumerator(atPath: base.path) else { continue }
            for case let relative as String in walker {
                if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                let full = base.appendingPathComponent(relative).path
                if ignoring.contains(where: { full == $0 || full.hasPrefix($0 + "/") }) { continue }
                lines.append(folder + "/" + relative + " " + stamp(full))
            }
        }
        return lines.sorted().joined(separator: "\n")
    }

    /// The theme folder named in site.yml (default `theme`), found the way `SiteSource.read`
    /// finds it.
    func themeFolder() -> String {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent("site.yml").path) else { return "theme" }
        let text = String(decoding: data, as: UTF8.self)
        return text.firstMatch(of: /(?m)^theme:\s*([A-Za-z0-9._\/-]+)\s*$/).map { String($0.1) } ?? "theme"
    }

    private func stamp(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "-" }
        // A folder's own time changes with any file in it, hidden ones included: only its
        // presence counts (its files are listed one by one).
        if (info.st_mode & S_IFMT) == S_IFDIR { return "folder" }
        #if canImport(Darwin)
        let m = info.st_mtimespec
        #else
        let m = info.st_mtim
        #endif
        return "\(info.st_size) \(m.tv_sec).\(m.tv_nsec) \(info.st_ino)"
    }
}
