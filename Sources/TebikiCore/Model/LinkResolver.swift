/// Relative URLs. Every link names an explicit `.html` file so the site works from `file://`
/// and from any sub-folder of a web server.
public enum LinkResolver {
    /// The content ID a Markdown link points at (`x.md`, `../glossary/x.md#part`), or nil for other links.
    /// Only the file name counts (IDs are unique across folders), so `../` in the link can never
    /// lead outside the site: the page is found by ID, and its URL is built from the ID.
    public static func contentTarget(of url: String) -> String? {
        if url.hasPrefix("#") || url.hasPrefix("/") || url.hasPrefix("\\") || scheme(of: url) != nil { return nil }
        let path = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? url
        guard path.hasSuffix(".md") else { return nil }
        let name = path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? path
        let id = String(name.dropLast(3))
        return id.isEmpty || id.allSatisfy({ $0 == "." }) ? nil : id
    }

    public static func fragment(of url: String) -> String? {
        guard let i = url.firstIndex(of: "#") else { return nil }
        return String(url[url.index(after: i)...])
    }

    /// `../` repeated for the depth of a site-relative output path (`rules/x.html` → `../`).
    public static func root(for outputPath: String) -> String {
        String(repeating: "../", count: outputPath.filter { $0 == "/" }.count)
    }

    /// The URL the renderer writes for a link on the page at `outputPath`, or nil to keep the
    /// link as written. `urlOf` maps a content ID to its site-relative URL (nil if unknown).
    public static func resolve(_ url: String, from outputPath: String, urlOf: (String) -> String?) -> String? {
        guard let id = contentTarget(of: url), let target = urlOf(id) else { return nil }
        return root(for: outputPath) + target + (fragment(of: url).map { "#" + $0 } ?? "")
    }

    /// What a link written in Markdown points at, seen from the page at `outputPath`.
    public enum Kind: Equatable, Sendable {
        /// Another page, by its file name (`x.md`).
        case content(id: String)
        /// A place on the same page (`#x`).
        case fragment
        /// A URL with a scheme other than `file:` (`https:`, `mailto:`), or `//host/...`.
        case external
        /// A file of the site, as a normalized site-relative path (`assets/x.pdf`).
        case sitePath(String)
        /// `/etc/passwd`: depends on where the site is served from, and on disk means the root of the drive.
        case absolutePath
        /// `file:///...`: a file on the reader's own computer (cmark-gfm's safe mode drops it).
        case fileURL
        /// A relative path whose `../` climbs above the site's folder.
        case outsideSite
    }

    public static func classify(_ url: String, from outputPath: String) -> Kind {
        if let id = contentTarget(of: url) { return .content(id: id) }
        if url.hasPrefix("#") || url.isEmpty { return .fragment }
        if let scheme = scheme(of: url) { return scheme == "file" ? .fileURL : .external }
        // Browsers read `\` as `/` in http: and file: URLs.
        let path = String(url.prefix { $0 != "#" && $0 != "?" }).replacingOccurrences(of: "\\", with: "/")
        if path.hasPrefix("//") { return .external }
        if path.hasPrefix("/") { return .absolutePath }
        var parts = outputPath.split(separator: "/", omittingEmptySubsequences: false).dropLast().map(String.init)
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            // `%2e%2e` is a `..` segment for browsers too (WHATWG URL).
            let s = segment.lowercased().replacingOccurrences(of: "%2e", with: ".")
            if s == ".." {
                if parts.isEmpty { return .outsideSite }
                parts.removeLast()
            } else if s != "." {
                parts.append(String(segment))
            }
        }
        return .sitePath(parts.joined(separator: "/"))
    }

    /// A relative URL written from the Markdown file's folder to a file of the site's `static/`
    /// (`../../static/img/map.png` in `content/requirements/x.md`), as an editor's preview
    /// reads it: the output path of that file (`img/map.png`) with the URL's `?query#fragment`,
    /// or nil when the URL does not lead into `static/`.
    public static func staticTarget(of url: String, fromSource sourcePath: String) -> String? {
        guard let (parts, suffix) = sourceRelative(url, fromSource: sourcePath),
              parts.count >= 2, parts[0] == "static" else { return nil }
        return parts.dropFirst().joined(separator: "/") + suffix
    }

    /// The path segments, from the site's folder, of the file a relative URL written in the
    /// Markdown file at `sourcePath` names as an editor's preview reads it (still
    /// percent-encoded as written), and the URL's `?query#fragment`; nil for a URL with a
    /// scheme, an absolute path, a bare fragment, or `../` above the site's folder.
    static func sourceRelative(_ url: String, fromSource sourcePath: String) -> (parts: [String], suffix: Substring)? {
        guard scheme(of: url) == nil, !url.hasPrefix("/"), !url.hasPrefix("\\"), !url.hasPrefix("#"), !url.isEmpty else { return nil }
        let end = url.firstIndex { $0 == "#" || $0 == "?" } ?? url.endIndex
        let path = url[..<end].replacingOccurrences(of: "\\", with: "/")
        var parts = sourcePath.split(separator: "/", omittingEmptySubsequences: false).dropLast().map(String.init)
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            // `%2e%2e` is a `..` segment for browsers too (WHATWG URL).
            let s = segment.lowercased().replacingOccurrences(of: "%2e", with: ".")
            if s == ".." {
                if parts.isEmpty { return nil }
                parts.removeLast()
            } else if s != "." {
                parts.append(String(segment))
            }
        }
        return (parts, url[end...])
    }

    /// The relative URL from the file at `fromPath` to the file at `toPath`, both site-relative
    /// (`rules/x.html` → `rules/img/a.png` is `img/a.png`, → `img/a.png` is `../img/a.png`).
    public static func relative(from fromPath: String, to toPath: String) -> String {
        let folder = fromPath.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        let file = toPath.split(separator: "/", omittingEmptySubsequences: false)
        var common = 0
        while common < folder.count, common < file.count - 1, folder[common] == file[common] { common += 1 }
        return String(repeating: "../", count: folder.count - common) + file[common...].joined(separator: "/")
    }

    /// The URL scheme (`https`, `file`, lower-cased), or nil for a relative URL.
    static func scheme(of url: String) -> String? {
        guard let colon = url.firstIndex(of: ":") else { return nil }
        let name = url[..<colon]
        guard let first = name.first, first.isASCII, first.isLetter,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) else { return nil }
        return name.lowercased()
    }
}
