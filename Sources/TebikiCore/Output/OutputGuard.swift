import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Decides whether a folder may be used as the output before anything is written: a build
/// replaces its output folder whole, so the folder must be one Tebiki made (or must not exist
/// yet) and must not hold or lie inside anything the build reads. Like rsync's `--delete` and
/// Hugo's `--cleanDestinationDir`, Tebiki never deletes what it did not create.
public enum OutputGuard {
    /// The file every build writes at the top of its output: "this folder is a Tebiki output".
    public static let markerName = ".tebiki-output"
    public static let markerText = "This folder was written by `tebiki build` and is replaced by the next build.\nDo not keep your own files here.\n"

    /// Why an output folder was refused; `message` is the Japanese text for the user.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "tebiki: error: 出力先「\(Diagnostic.escapedForTerminal(path))」は使えません。\(Diagnostic.escapedForTerminal(reason))" }
    }

    /// Checks `output` (as given by `--output` or site.yml, nil when neither) against the
    /// source folder `root` and the folders the build reads (`readFolders`, relative to root:
    /// content, theme). Returns the refusal, or nil when the folder is safe to replace.
    public static func check(output raw: String?, resolved output: URL, root: URL, readFolders: [String]) -> Refusal? {
        let shown = raw ?? output.path
        if let raw, raw.trimmingCharacters(in: .whitespaces).isEmpty {
            return Refusal(path: raw, reason: "出力先が空です（シェル変数が未設定ではありませんか）。--output にフォルダ名を指定してください（例: --output _site）。")
        }
        let out = canonical(output)
        let src = canonical(root)
        if out == "/" {
            return Refusal(path: shown, reason: "ルートフォルダは出力先にできません。")
        }
        if out == src {
            return Refusal(path: shown, reason: "サイトのフォルダ（site.yml のあるフォルダ）そのものです。生成すると内容が消えてしまいます。_site など別のフォルダを指定してください。")
        }
        if isInside(src, out) {
            return Refusal(path: shown, reason: "サイトのフォルダ「\(root.path)」を含むフォルダです。生成すると内容が消えてしまいます。サイトのフォルダの中の _site など、別のフォルダを指定してください。")
        }
        for folder in readFolders {
            let read = canonical(root.appendingPathComponent(folder))
            if out == read || isInside(out, read) {
                return Refusal(path: shown, reason: "生成のときに読み込むフォルダ「\(folder)」\(out == read ? "そのもの" : "の中")です。読み込むフォルダの外（例: _site）を指定してください。")
            }
            if isInside(read, out) {
                return Refusal(path: shown, reason: "生成のときに読み込むフォルダ「\(folder)」を含むフォルダです。別のフォルダを指定してください。")
            }
        }
        var st = stat()
        guard lstat(output.path, &st) == 0 else { return nil }   // does not exist yet: it will be created
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
            break
        case S_IFLNK:
            return Refusal(path: shown, reason: "シンボリックリンクです。生成はリンクを新しいフォルダに置き換えてしまうため、リンク先のフォルダを直接指定してください。")
        default:
            return Refusal(path: shown, reason: "フォルダではなくファイルです。上書きしないよう、別の名前を指定してください。")
        }
        if isPreviousOutput(output) { return nil }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? ["?"]
        if entries.isEmpty { return nil }
        return Refusal(path: shown, reason: "中身のある既存のフォルダで、tebiki が生成したものではありません（\(markerName) がありません）。生成するとフォルダの中身がすべて置き換わるため、空のフォルダか新しいフォルダ名を指定してください。以前の版の tebiki が生成したフォルダなら、中身を確かめて削除してから生成し直してください。")
    }

    /// Whether `folder` was written by a build: it holds the marker every build writes. (A
    /// build cache beside the folder proves nothing: the folder may have been replaced since.)
    static func isPreviousOutput(_ folder: URL) -> Bool {
        FileManager.default.contents(atPath: folder.appendingPathComponent(markerName).path) == Data(markerText.utf8)
    }

    /// The absolute path with `.`/`..` and symbolic links resolved as far as the path exists,
    /// so that `out/../src` and a link to the source folder compare equal to it.
    static func canonical(_ url: URL) -> String {
        var path = url.standardizedFileURL.path
        var tail: [String] = []
        // realpath needs an existing path: resolve the longest existing prefix.
        while true {
            if let resolved = realpath(path, nil) {
                defer { free(resolved) }
                var result = String(cString: resolved)
                for part in tail.reversed() { result = result == "/" ? "/" + part : result + "/" + part }
                return result
            }
            let ns = path as NSString
            if ns.length <= 1 { break }
            tail.append(ns.lastPathComponent)
            path = ns.deletingLastPathComponent
        }
        return url.standardizedFileURL.path
    }

    /// Whether `path` lies strictly inside `folder`.
    static func isInside(_ path: String, _ folder: String) -> Bool {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return path.hasPrefix(prefix)
    }
}
