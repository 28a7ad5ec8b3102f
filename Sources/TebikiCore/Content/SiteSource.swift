import Foundation

/// Every input file of a site as text or bytes, read once at the edge. Tests build one
/// inline from a `[path: contents]` dictionary; the CLI reads it from disk.
public struct SiteSource: Sendable {
    /// Paths are relative to the source folder, with `/` separators.
    public var files: [String: Data]

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
        for folder in ["content", theme] {
            let base = root.appendingPathComponent(folder)
            guard let walker = fm.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            for case let url as URL in walker {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
                let rel = folder + "/" + url.path.dropFirst(base.path.count + 1)
                if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                files[rel] = try Data(contentsOf: url)
            }
        }
        return SiteSource(files: files)
    }
}
