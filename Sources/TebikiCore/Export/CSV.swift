import Foundation

/// RFC 4180 CSV with a UTF-8 BOM and CRLF line ends, so Excel on Windows opens Japanese correctly.
public enum CSV {
    public static func encode(_ rows: [[String]]) -> Data {
        var s = "\u{FEFF}"
        for row in rows {
            s += row.map(field).joined(separator: ",")
            s += "\r\n"
        }
        return Data(s.utf8)
    }

    /// Quoted when it holds a comma, a quote or a line break of any form. Compared by
    /// Unicode scalar: in Swift `"\r\n"` is one Character that equals neither `"\n"` nor `"\r"`,
    /// so a Character test let CRLF through unquoted and the next line became a new row.
    static func field(_ value: String) -> String {
        let value = neutralized(value)
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A cell Excel would read as a formula (=, +, -, @, tab, CR first) gets a leading
    /// apostrophe, so text pasted from a contractor's document cannot run as one (OWASP
    /// "CSV injection"); so does every line of the cell after a line break (`\n`, `\r\n`,
    /// `\r`), in case a program splits rows on them. search-core.js `csvField` does the same
    /// for the cell start in the lookup's CSV.
    static func neutralized(_ value: String) -> String {
        let starts = "=+-@\t\r".unicodeScalars
        var out = String.UnicodeScalarView()
        var lineStart = true
        for scalar in value.unicodeScalars {
            // A CR at the very start counts (Excel); later it only ends an empty line.
            if lineStart, starts.contains(scalar), out.isEmpty || scalar != "\r" { out.append("'") }
            out.append(scalar)
            lineStart = scalar == "\n" || scalar == "\r"
        }
        return String(out)
    }
}
