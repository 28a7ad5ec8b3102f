import Foundation

/// Input shapes that make Debian's cmark-gfm (0.29.0.gfm.6) slow or huge, refused before the
/// text reaches the parser. Upstream fixed them later (0.29.0.gfm.7: GHSA-29g3-96g3-jg6c,
/// GHSA-r572-jvj2-3m8p, GHSA-24f7-9frr-5h2r; 0.29.0.gfm.12/13: GHSA-w4qg-3vf7-m9x5, tables),
/// but the mission keeps the Debian package, so Tebiki bounds the inputs instead:
///
/// - `<?`, `<!` (CDATA, declarations) and `![` in one paragraph: each one makes the inline
///   parser scan the rest of the paragraph (`<?` looks for `?>`, `<![CDATA[` for `]]>`, `<!A`
///   for `>`; every `![` opener is revisited at each later `]`), so time grows with
///   occurrences × paragraph length. Counted per block of lines between blank lines (a
///   paragraph never spans a blank line), code blocks included; a backslash-escaped `\<` or
///   `\!` is not counted.
/// - `@` in one paragraph: the autolink extension rescans the text around every `@` that
///   is not an address (`a@b.c_`×N: 1.5 s for 160 KB).
/// - `|` in one line: a table row of n cells is split in n² time (`-|-` under a line of
///   20,000 `|`: 1.9 s for 40 KB; 40,000 in one row: over 20 s).
/// - Tables: every row is filled up to the column count of the delimiter row, so a table
///   of c columns and r rows costs c × r cells whatever the input size (a 24 KB file made
///   4000 × 4000 cells, 68 s and a 160 MB page). Columns per table and cells per file are capped.
///
/// The scan is one pass over the UTF-8 bytes, linear in the size of the text.
public enum MarkdownLimits {
    /// `<?`, `<!`, `![` or `@` in one paragraph.
    public static let maxMarkersPerParagraph = 200
    /// `|` in one line: a table row (and the line above a delimiter row, read as the header)
    /// is split into cells in time that grows with the square of its `|` count.
    public static let maxPipesPerLine = 200
    /// Block quotes and list items opened on one line (`> > - 1. …`): cmark-gfm is iterative
    /// and linear here, but every level adds its tags, so 1 MB of `>` made a 27 MB page. 10,000
    /// levels still build (docs/robustness.md promises it); a page then grows at most about
    /// 13 times its size.
    public static let maxNestingPerLine = 10_000
    /// Columns of one table (counted in its delimiter row, `|---|---|`).
    public static let maxTableColumns = 100
    /// Table cells (columns × rows, rows filled up to the column count) in one file.
    public static let maxTableCells = 50_000
    /// Errors reported per text before the rest are summed up in one.
    static let maxReports = 20

    /// Checks `text` (a Markdown body, or a Markdown string from the front matter whose first
    /// line is line `lineOffset + 1` of the file). Returns false, with errors, when the text
    /// must not be given to cmark-gfm.
    @discardableResult
    public static func check(_ text: String, path: String, lineOffset: Int = 0, columnOffset: Int = 0,
                             diagnostics: inout Diagnostics) -> Bool {
        var ok = true
        var text = text
        // At most `maxReports` errors per text, then one line for the rest: a 1 MB file of
        // long table rows would otherwise print thousands.
        var found = Diagnostics()
        defer {
            diagnostics.append(contentsOf: Diagnostics(found.items.prefix(maxReports)))
            if found.items.count > maxReports, let last = found.items.last {
                diagnostics.error("markdown-too-complex", "この他にも同じ種類の問題が \(found.items.count - maxReports) 件あります（最後は \(last.line) 行目）。",
                                  at: SourceLocation(path: path, line: found.items[maxReports].line, column: found.items[maxReports].column))
            }
        }
        text.withUTF8 { bytes in
            var markers = 0
            var reportedParagraph = false
            var cells = 0
            var reportedCells = false
            var line = 0
            var start = 0
            var previousLineBlank = true
            var tableColumns = 0  // > 0 while inside a table
            func location(_ lineIndex: Int, _ lineStart: Int, _ offset: Int) -> SourceLocation {
                let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).unicodeScalars.count + 1
                return SourceLocation(path: path, line: lineIndex + 1 + lineOffset, column: column + (lineIndex == 0 ? columnOffset : 0))
            }
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
                let blank = isBlank(bytes, start, end)
                if blank {
                    markers = 0
                    reportedParagraph = false
                    tableColumns = 0
                } else {
                    let depth = nesting(bytes, start, end)
                    if depth > maxNestingPerLine {
                        ok = false
                        found.error("markdown-too-deep",
                                          "1行で始まる引用（>）と箇条書きの入れ子が深すぎます（\(depth) 段、上限 \(maxNestingPerLine) 段）。入れ子を浅くしてください。",
                                          at: location(line, start, start))
                    }
                    // Markers in this line.
                    var i = start
                    var pipes = 0
                    while i < end {
                        let b = bytes[i], next = i + 1 < end ? bytes[i + 1] : 0
                        if b == 0x7C, !escaped(bytes, start, i) {
                            pipes += 1
                            if pipes == maxPipesPerLine + 1 {
                                ok = false
                                found.error("table-too-large",
                                                  "1行に「|」が \(maxPipesPerLine) 個を超えています。表の行としても変換に時間がかかりすぎるため受け付けません。列の少ない複数の表に分けるか、文字として書く「|」の前に「\\」を付けてください。",
                                                  at: location(line, start, i))
                            }
                        }
                        if (b == 0x3C && (next == 0x3F || next == 0x21)) || (b == 0x21 && next == 0x5B) || b == 0x40 {  // <? <! ![ @
                            // `\@` is still an `@` for the autolink extension, which reads the text after parsing.
                            if b == 0x40 || !escaped(bytes, start, i) {
                                markers += 1
                                if markers > maxMarkersPerParagraph, !reportedParagraph {
                                    reportedParagraph = true
                                    ok = false
                                    let what = String(decoding: bytes[i..<(b == 0x40 ? i + 1 : i + 2)], as: UTF8.self)
                                    found.error("markdown-too-complex",
                                                      "1つの段落に「<?」「<!」「![」「@」が合わせて \(maxMarkersPerParagraph) 個を超えています（ここは「\(what)」）。これ以上は変換に時間がかかりすぎるため受け付けません。段落を空行で分けてください（文字として書く「<」「!」は前に「\\」を付けると数えません）。",
                                                      at: location(line, start, i))
                                }
                            }
                            i += b == 0x40 ? 1 : 2
                            continue
                        }
                        i += 1
                    }
                    // Tables.
                    if tableColumns > 0 {
                        cells += tableColumns
                    } else if !previousLineBlank, let columns = delimiterRowColumns(bytes, start, end) {
                        tableColumns = columns
                        cells += 2 * columns  // header and delimiter rows
                        if columns > maxTableColumns {
                            ok = false
                            found.error("table-too-large",
                                              "表の列が多すぎます（\(columns) 列、上限 \(maxTableColumns) 列）。列の少ない複数の表に分けてください。",
                                              at: location(line, start, firstNonSpace(bytes, start, end)))
                        }
                    }
                    if cells > maxTableCells, !reportedCells {
                        reportedCells = true
                        ok = false
                        found.error("table-too-large",
                                          "このファイルの表のセルが多すぎます（列数 × 行数の合計が \(maxTableCells) 個を超えました。行の短い表も列数まで埋められます）。表を小さくするか、複数のページに分けてください。",
                                          at: location(line, start, firstNonSpace(bytes, start, end)))
                    }
                }
                previousLineBlank = blank
                // Next line: `\n`, `\r\n` or a lone `\r`.
                if end < bytes.count, bytes[end] == 0x0D, end + 1 < bytes.count, bytes[end + 1] == 0x0A { end += 1 }
                start = end + 1
                line += 1
            }
        }
        return ok
    }

    /// Containers opened at the start of a line: `>` and list markers (`-`, `*`, `+` or digits
    /// with `.`/`)`, each followed by a space or tab), with the spaces between them.
    static func nesting(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var i = start, depth = 0
        while i < end {
            switch b[i] {
            case 0x20, 0x09: i += 1
            case 0x3E: depth += 1; i += 1
            case 0x2D, 0x2A, 0x2B:
                guard i + 1 < end, b[i + 1] == 0x20 || b[i + 1] == 0x09 else { return depth }
                depth += 1; i += 2
            case 0x30...0x39:
                var j = i
                while j < end, j - i < 9, (0x30...0x39).contains(b[j]) { j += 1 }
                guard j + 1 < end, b[j] == 0x2E || b[j] == 0x29, b[j + 1] == 0x20 || b[j + 1] == 0x09 else { return depth }
                depth += 1; i = j + 2
            default: return depth
            }
        }
        return depth
    }

    /// True when the byte at `i` follows an odd number of backslashes (a Markdown escape).
    private static func escaped(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ i: Int) -> Bool {
        var slashes = 0
        var k = i - 1
        while k >= start, b[k] == 0x5C { slashes += 1; k -= 1 }
        return slashes % 2 == 1
    }

    private static func isBlank(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end { if b[i] != 0x20, b[i] != 0x09 { return false }; i += 1 }
        return true
    }

    private static func firstNonSpace(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var i = start
        while i < end, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x3E { i += 1 }
        return i
    }

    /// The number of columns when the line is a table delimiter row (`|:--|--:|`, `--- | ---`),
    /// after block-quote markers and indentation; nil otherwise. Counted generously: any line of
    /// only `|`, `-`, `:` and spaces with a `|` and a `-`.
    static func delimiterRowColumns(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var i = firstNonSpace(b, start, end)
        var pipes = 0, dashes = false
        var cells = 0, inCell = false
        while i < end {
            switch b[i] {
            case 0x7C:
                pipes += 1
                if inCell { cells += 1; inCell = false }
            case 0x2D, 0x3A:
                if b[i] == 0x2D { dashes = true }
                inCell = true
            case 0x20, 0x09: break
            default: return nil
            }
            i += 1
        }
        if inCell { cells += 1 }
        guard pipes > 0, dashes else { return nil }
        return max(cells, 1)
    }
}
