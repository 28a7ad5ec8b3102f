import Foundation

/// The site's `static/` folder: every file copied as is to the same path in the output
/// (`static/img/map.png` → `img/map.png`), for images, PDFs and anything else pages link to.
enum StaticFiles {
    static let folder = "static"

    /// Folders and files the builder writes itself; a static file there would be overwritten.
    static let reservedPrefixes = ["data/", "search/", "exports/"]
    static let reservedFiles = ["changes/feed.xml", "sitemap.xml", "assets/css/colors.css"]

    static func collect(_ source: SiteSource) -> [(path: String, output: String)] {
        source.paths(under: folder).map { (path: $0, output: String($0.dropFirst(folder.count + 1))) }
    }

    /// A static file whose output path a page, an asset or a data file of the build also uses is an error.
    static func checkConflicts(_ files: [(path: String, output: String)], generated: [String], diagnostics: inout Diagnostics) {
        let taken = Set(generated + reservedFiles)
        for file in files where taken.contains(file.output) || reservedPrefixes.contains(where: file.output.hasPrefix)
            || (file.output.hasPrefix("checklists/") && file.output.hasSuffix(".csv")) {
            diagnostics.error("static-conflict", "static のファイル「\(file.path)」は、生成されるファイル「\(file.output)」と同じ場所に出力されます。別の名前か別のフォルダにしてください。",
                              at: SourceLocation(path: file.path))
        }
    }
}
