import Foundation

/// Turns the bytes of an input file into text, reporting what a text editor would hide:
/// binary files, bytes that are not UTF-8 (with the line and column of the first one) and
/// files too large to be a page.
enum TextDecoding {
    /// Above this size a content file gets a warning: no page of a knowledge base is that long,
    /// and a very large page slows down every build and the search index.
    static let largeFileBytes = 1 << 20

    /// Returns nil (with an error) for a binary file; otherwise the text, with U+FFFD in place
    /// of bytes that are not UTF-8 (after an error pointing at the first one), so the rest of
    /// the file is still checked in the same run.
    static func decode(_ data: Data, path: String, diagnostics: inout Diagnostics) -> String? {
        // Scanned through the raw buffer: Data's element-by-element iteration is several times
        // slower, and every content file passes here.
        let nul: Int? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, let hit = memchr(base, 0, raw.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        if let nul {
            let (line, column) = position(of: nul, in: data)
            diagnostics.error("binary-file", "テキストファイルではありません（\(line)行目に NUL 文字があります）。Markdown のファイルは UTF-8 のテキストで保存してください。",
                              at: SourceLocation(path: path, line: line, column: column))
            return nil
        }
        if data.count > largeFileBytes {
            let mb = String(format: "%.1f", Double(data.count) / Double(1 << 20))
            diagnostics.warning("large-file", "ファイルが大きすぎます（\(mb) MB）。1ページは 1 MB 以内を目安に、複数のページに分けてください。",
                                at: SourceLocation(path: path, line: 1, column: 1))
        }
        if let text = data.withUnsafeBytes({ String(validating: $0.bindMemory(to: UInt8.self), as: UTF8.self) }) { return text }
        if let offset = firstInvalidUTF8(data) {
            let (line, column) = position(of: offset, in: data)
            let byte = String(format: "0x%02X", data[data.startIndex + offset])
            diagnostics.error("invalid-utf8", "UTF-8 として読めないバイト（\(byte)）があります。Shift_JIS など別の文字コードで保存されていないか確かめ、UTF-8 で保存し直してください。",
                              at: SourceLocation(path: path, line: line, column: column))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Byte offset of the first byte that does not belong to a well-formed UTF-8 sequence
    /// (overlong forms, surrogates and values above U+10FFFF are ill-formed, as in Unicode 3.9).
    static func firstInvalidUTF8(_ data: Data) -> Int? {
        let bytes = [UInt8](data)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            guard i + length <= bytes.count else { return i }
            if bytes[i + 1] < lower || bytes[i + 1] > upper { return i }
            for k in 2..<max(2, length) where bytes[i + k] < 0x80 || bytes[i + k] > 0xBF { return i }
            i += length
        }
        return nil
    }

    /// 1-based line and column (in characters, as libyaml counts them) of a byte offset.
    /// Line breaks are `\n`, `\r\n` and a lone `\r`, as in the front-matter splitter.
    static func position(of offset: Int, in data: Data) -> (line: Int, column: Int) {
        let bytes = [UInt8](data.prefix(offset))
        var line = 1, lineStart = 0, i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A || bytes[i] == 0x0D {
                if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        var lineBytes = bytes[lineStart...]
        if line == 1, lineBytes.starts(with: [0xEF, 0xBB, 0xBF]) { lineBytes = lineBytes.dropFirst(3) }
        let column = String(decoding: lineBytes, as: UTF8.self).unicodeScalars.count + 1
        return (line, column)
    }
}
