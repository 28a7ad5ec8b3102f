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
            let base = (folder.hasPrefix("/") ? URL(fileURLWithPath: folder) : root.appendingPathComponent(folder)).standardizedFileURL
            guard let walker = fm.enumerator(atPath: base.path) else { continue }
            for case let relative as String in walker {
                if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                var isDirectory: ObjCBool = false
                let full = base.appendingPathComponent(relative)
                guard fm.fileExists(atPath: full.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                files[folder + "/" + relative] = try Data(contentsOf: full)
            }
        }
        return SiteSource(files: files)
    }
}
