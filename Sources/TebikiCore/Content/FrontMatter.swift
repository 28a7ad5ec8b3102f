/// A content file split into its YAML front matter and Markdown body, with the line offsets
/// needed to report positions in the original file.
struct FrontMatterFile {
    var yaml: String
    /// Lines in the file before the first YAML line (the opening `---`).
    var yamlLineOffset: Int
    var body: String
    /// Lines in the file before the first body line.
    var bodyLineOffset: Int

    /// Returns nil (with a diagnostic) when the file has no front matter block.
    static func split(_ text: String, path: String, diagnostics: inout Diagnostics) -> FrontMatterFile? {
        var text = Substring(text)
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        // Split into lines keeping track of positions; \r\n is treated as \n.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        guard let first = lines.first, first.trimmingTrailingSpaces == "---" else {
            diagnostics.error("missing-front-matter", "ファイルの先頭に front matter（--- で囲んだ YAML）がありません。",
                              at: SourceLocation(path: path, line: 1, column: 1))
            return nil
        }
        guard let close = lines.indices.dropFirst().first(where: { lines[$0].trimmingTrailingSpaces == "---" || lines[$0].trimmingTrailingSpaces == "..." }) else {
            diagnostics.error("unclosed-front-matter", "front matter を閉じる --- の行がありません。",
                              at: SourceLocation(path: path, line: 1, column: 1))
            return nil
        }
        let yaml = lines[1..<close].joined(separator: "\n")
        let body = lines[(close + 1)...].joined(separator: "\n")
        return FrontMatterFile(yaml: yaml, yamlLineOffset: 1, body: body, bodyLineOffset: close + 1)
    }
}

extension Substring {
    var trimmingTrailingSpaces: Substring {
        var s = self
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return s
    }
}
