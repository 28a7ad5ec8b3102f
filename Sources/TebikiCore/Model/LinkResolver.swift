/// Relative URLs. Every link names an explicit `.html` file so the site works from `file://`
/// and from any sub-folder of a web server.
public enum LinkResolver {
    /// The content ID a Markdown link points at (`x.md`, `../glossary/x.md#part`), or nil for other links.
    public static func contentTarget(of url: String) -> String? {
        if url.hasPrefix("#") || url.hasPrefix("/") || url.contains("://") || url.hasPrefix("mailto:") { return nil }
        let path = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? url
        guard path.hasSuffix(".md") else { return nil }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return String(name.dropLast(3))
    }

    public static func fragment(of url: String) -> String? {
        guard let i = url.firstIndex(of: "#") else { return nil }
        return String(url[url.index(after: i)...])
    }

    /// `../` repeated for the depth of a site-relative output path (`rules/x.html` → `../`).
    public static func root(for outputPath: String) -> String {
        String(repeating: "../", count: outputPath.filter { $0 == "/" }.count)
    }
}
