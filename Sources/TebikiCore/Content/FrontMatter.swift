import Foundation

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
    /// Line breaks are `\n`, `\r\n` and a lone `\r` (as in YAML and CommonMark), so line numbers
    /// agree with the ones libyaml and cmark-gfm report; both parts are joined with `\n`.
    static func split(_ text: String, path: String, diagnostics: inout Diagnostics) -> FrontMatterFile? {
        var text = Substring(text)
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        return quickSplit(text) ?? generalSplit(text, path: path, diagnostics: &diagnostics)
    }

    /// Any file: every line ending, every problem reported.
    static func generalSplit(_ text: Substring, path: String, diagnostics: inout Diagnostics) -> FrontMatterFile? {
        let lines = Self.lines(text)
        if text.allSatisfy({ $0.isWhitespace }) {
            diagnostics.error("missing-front-matter", "ファイルが空です。先頭に front matter（--- で囲んだ YAML）を書いてください。",
                              at: SourceLocation(path: path, line: 1, column: 1))
            return nil
        }
        guard let first = lines.first, first.trimmingTrailingSpaces == "---" else {
            diagnostics.error("missing-front-matter", "ファイルの先頭に front matter（--- で囲んだ YAML）がありません。",
                              at: SourceLocation(path: path, line: 1, column: 1))
            return nil
        }
        guard let close = lines.indices.dropFirst().first(where: { lines[$0].trimmingTrailingSpaces == "---" || lines[$0].trimmingTrailingSpaces == "..." }) else {
            diagnostics.error("unclosed-front-matter", "front matter を閉じる --- の行がありません（1行目の --- に対応する行がファイルの終わりまでありません）。",
                              at: SourceLocation(path: path, line: 1, column: 1))
            return nil
        }
        let yaml = lines[1..<close].joined(separator: "\n")
        let body = lines[(close + 1)...].joined(separator: "\n")
        return FrontMatterFile(yaml: yaml, yamlLineOffset: 1, body: body, bodyLineOffset: close + 1)
    }

    /// The usual file (`\n` line breaks only, front matter present and closed) without splitting
    /// the body into lines and joining it again: the same result as the general path below,
    /// which handles everything else (and reports the problems).
    static func quickSplit(_ text: Substring) -> FrontMatterFile? {
        let utf8 = text.utf8
        let hasCR = utf8.withContiguousStorageIfAvailable { $0.isEmpty ? false : memchr($0.baseAddress!, 13, $0.count) != nil } ?? utf8.contains(13)
        guard !hasCR else { return nil }
        var lineStart = text.startIndex
        var lineNumber = 0
        var yamlStart = text.startIndex
        while true {
            let end = utf8[lineStart...].firstIndex(of: 10) ?? text.endIndex
            let line = text[lineStart..<end].trimmingTrailingSpaces
            if lineNumber == 0 {
                guard line == "---" else { return nil }
            } else if line == "---" || line == "..." {
                let yaml = lineNumber == 1 ? "" : String(text[yamlStart..<text.index(before: lineStart)])
                let body = end == text.endIndex ? "" : String(text[text.index(after: end)...])
                return FrontMatterFile(yaml: yaml, yamlLineOffset: 1, body: body, bodyLineOffset: lineNumber + 1)
            }
            guard end < text.endIndex else { return nil }
            lineStart = text.index(after: end)
            lineNumber += 1
            if lineNumber == 1 { yamlStart = lineStart }
        }
    }

    /// The lines of a text without their line breaks (`\n`, `\r\n`, `\r`). Works on Unicode
    /// scalars: in Swift `"\r\n"` is a single `Character`, so splitting on `"\n"` misses it.
    static func lines(_ text: Substring) -> [Substring] {
        var result: [Substring] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var i = start
        while i < scalars.endIndex {
            let c = scalars[i]
            if c == "\n" || c == "\r" {
                result.append(Substring(scalars[start..<i]))
                var next = scalars.index(after: i)
                if c == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
                start = next
                i = next
            } else {
                i = scalars.index(after: i)
            }
        }
        result.append(Substring(scalars[start..<scalars.endIndex]))
        return result
    }
}

extension Substring {
    var trimmingTrailingSpaces: Substring {
        var s = self
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return s
    }
}
