import Foundation

/// Every input file of a site as text or bytes, read once at the edge. Tests build one
/// inline from a `[path: contents]` dictionary; the CLI reads it from disk.
public struct SiteSource: Sendable {
    /// Paths are relative to the source folder, with `/` separators.
    public var files: [String: Data]
    /// Problems met while reading (symbolic links that are not followed, unreadable files);
    /// the parse phase reports them with the rest.
    public var diagnostics = Diagnostics()

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

    /// Reads site.yml, content/ and the theme folder named in site.yml (default `theme/`).
    public static func read(from root: URL) throws -> SiteSource {
        var files: [String: Data] = [:]
        let fm = FileManager.default
        let configURL = root.appendingPathComponent("site.yml")
        if let data = fm.contents(atPath: configURL.path) { files["site.yml"] = data }
        var theme = "theme"
        if let text = files["site.yml"].map({ String(decoding: $0, as: UTF8.self) }),
           let match = text.firstMatch(of: /(?m)^theme:\s*([A-Za-z0-9._\/-]+)\s*$/) {
            theme = String(match.1)
        }
        var diagnostics = Diagnostics()
        let rootReal = realPath(root.path)
        for folder in ["content", theme] {
            let base = (folder.hasPrefix("/") ? URL(fileURLWithPath: folder) : root.appendingPathComponent(folder)).standardizedFileURL
            guard let walker = fm.enumerator(atPath: base.path) else { continue }
            let baseReal = realPath(base.path)
            while let relative = walker.nextObject() as? String {
                if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                let full = base.appendingPathComponent(relative)
                let path = folder + "/" + relative
                // Content is untrusted: a symbolic link is followed only to a file inside the
                // site's folder (the theme is the site owner's and may live anywhere).
                if folder == "content", (try? fm.attributesOfItem(atPath: full.path)[.type] as? FileAttributeType) == .typeSymbolicLink {
                    walker.skipDescendants()
                    let location = SourceLocation(path: path)
                    guard let target = realPath(full.path) else {
                        if errno == ELOOP {
                            diagnostics.error("symlink-loop", "シンボリックリンクが循環しているため読み込めません。", at: location)
                        } else {
                            let dest = (try? fm.destinationOfSymbolicLink(atPath: full.path)) ?? "?"
                            diagnostics.error("broken-symlink", "シンボリックリンクの指す先「\(dest)」がありません。", at: location)
                        }
                        continue
                    }
                    let inside = [rootReal, baseReal].contains { r in r.map { target == $0 || target.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") } ?? false }
                    guard inside else {
                        diagnostics.error("symlink-outside", "シンボリックリンクがサイトのフォルダの外（\(target)）を指しています。フォルダの外のファイルは読み込みません。", at: location)
                        continue
                    }
                    var isDirectory: ObjCBool = false
                    if fm.fileExists(atPath: target, isDirectory: &isDirectory), isDirectory.boolValue {
                        diagnostics.warning("symlink-directory", "フォルダへのシンボリックリンク（\(target)）はたどりません。中のファイルは読み込まれません。", at: location)
                        continue
                    }
                }
                var isDirectory: ObjCBool = false
                guard fm.fileExists(atPath: full.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                do {
                    files[path] = try Data(contentsOf: full)
                } catch {
                    diagnostics.error("unreadable-file", "ファイルを読み込めません（\(error.localizedDescription)）。", at: SourceLocation(path: path))
                }
            }
        }
        var source = SiteSource(files: files)
        source.diagnostics = diagnostics
        return source
    }

    /// The canonical path (symbolic links resolved), or nil with `errno` set.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
