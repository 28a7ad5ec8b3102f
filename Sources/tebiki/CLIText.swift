import Foundation

/// Every help text and usage error of `tebiki` is Japanese throughout, like its other messages
/// (docs/cli.md). The words swift-argument-parser writes itself — section headings, the
/// `--help`/`--version` lines, "(default: …)", "Error:", "Unknown option…" — are English and
/// cannot be configured, so they are replaced here, after the library has laid the text out.
/// `Tests/e2e/test_cli.py` fails when an English phrase slips through (a new option's help
/// written in English, or a new wording in a later swift-argument-parser).
enum CLIText {
    /// Whole-line headings and fixed phrases of a help text.
    private static let helpPhrases: [(String, String)] = [
        ("OVERVIEW: ", "概要: "),
        ("USAGE: ", "使い方: "),
        ("ARGUMENTS:", "引数:"),
        ("OPTIONS:", "オプション:"),
        ("SUBCOMMANDS:", "サブコマンド:"),
        ("Show the version.", "バージョン、コミット、日付を表示する"),
        ("Show help information.", "この説明を表示する"),
        ("See 'tebiki help <subcommand>' for detailed help.", "サブコマンドごとの説明は tebiki help <サブコマンド> で表示します。"),
        ("<subcommand>", "<サブコマンド>"),
        ("[<options>]", "[<オプション>]"),
    ]

    /// Usage errors, most specific first; `$n` are the quoted parts of the English message.
    private static let errorPatterns: [(NSRegularExpression, String)] = [
        (#"Unknown option '(.+?)'\. Did you mean '(.+?)'\?"#, "オプション「$1」はありません。「$2」の誤りではありませんか。"),
        (#"Unknown option '(.+?)'"#, "オプション「$1」はありません。"),
        (#"Missing value for '(.+?)'"#, "「$1」の値を指定してください。"),
        (#"The option '(.+?)' does not take any value, but '(.*?)' was specified\."#, "オプション「$1」には値を付けられません（「$2」が付いています）。"),
        (#"Unexpected argument '(.*?)'"#, "余分な引数「$1」があります。"),
        (#"(\d+) unexpected arguments: '(.*)'"#, "余分な引数が $1 個あります（「$2」）。"),
        (#"Missing expected argument '(.+?)'"#, "引数「$1」を指定してください。"),
        (#"Missing one of: '(.+)'"#, "次のどれかを指定してください: 「$1」"),
        (#"The value '(.*?)' is invalid for '(.+?)'(?::.*)?$"#, "「$1」は「$2」の値として正しくありません。"),
        (#"The value '(.*?)' is invalid\.(?:.*)$"#, "値「$1」は正しくありません。"),
        (#"Invalid option: (.+)"#, "オプション「$1」は正しくありません。"),
        (#"Missing required subcommand\."#, "サブコマンドを指定してください。"),
        (#"Value to be set with (.+) had already been set with (.+)"#, "$1 の値は、すでに $2 で指定されています。"),
    ].compactMap { pattern, template in (try? NSRegularExpression(pattern: pattern)).map { ($0, template) } }

    /// A help text (`--help`, `help SUBCOMMAND`, `tebiki` alone) in Japanese throughout.
    static func help(_ text: String) -> String {
        var s = text
        for (english, japanese) in helpPhrases { s = s.replacingOccurrences(of: english, with: japanese) }
        // "(default: 8000)", possibly wrapped onto the next line by the layout.
        s = replace(#"\s*\(default:\s+([^)\s]*)\)"#, in: s, with: "（既定: $1）")
        return s.split(separator: "\n", omittingEmptySubsequences: false).map { realigned(String($0)) }.joined(separator: "\n")
    }

    /// The library puts an option's description in column 26 counting characters; a label
    /// with Japanese (`--source <フォルダ>`) is wider on screen than its character count, so
    /// the description is moved to column 26 on screen, or to the next line when the label
    /// leaves no room (as the library does for long labels).
    static func realigned(_ line: String) -> String {
        let column = 26
        let chars = Array(line)
        guard chars.count > column, chars[0] == " ", chars[1] == " ", chars[2] != " ",
              chars[column - 1] == " ", chars[column] != " " else { return line }
        let label = String(chars[..<column]).replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression)
        let description = String(chars[column...])
        let width = displayWidth(label)
        if width + 2 <= column { return label + String(repeating: " ", count: column - width) + description }
        return label + "\n" + String(repeating: " ", count: column) + description
    }

    /// Columns a terminal gives the text: two for East Asian wide and fullwidth characters.
    static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { n, c in
            let v = c.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            return n + (wide ? 2 : 1)
        }
    }

    /// A usage error (`Error: …`, `Usage: …`, `See '…' for more information.`) in Japanese.
    static func usageError(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("Error: ") {
                var message = String(line.dropFirst("Error: ".count))
                for (pattern, template) in errorPatterns {
                    let range = NSRange(message.startIndex..., in: message)
                    if pattern.firstMatch(in: message, range: range) != nil {
                        message = pattern.stringByReplacingMatches(in: message, range: range, withTemplate: template)
                        break
                    }
                }
                lines.append("tebiki: error: " + message)
            } else if line.hasPrefix("Usage: ") {
                lines.append("使い方: " + help(String(line.dropFirst("Usage: ".count))))
            } else if line.hasPrefix("Help:  ") {
                lines.append("説明: " + help(String(line.dropFirst("Help:  ".count))))
            } else if let match = firstGroup(#"^\s*See '(.+)' for more information\.$"#, in: line) {
                lines.append("  詳しい説明は \(match) で表示します。")
            } else {
                lines.append(help(line))
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func replace(_ pattern: String, in s: String, with template: String) -> String {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return s }
        return re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: template)
    }

    private static func firstGroup(_ pattern: String, in s: String) -> String? {
        guard let re = try? NSRegularExpression(pattern: pattern),
              let m = re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)), let r = Range(m.range(at: 1), in: s) else { return nil }
        return String(s[r])
    }
}
