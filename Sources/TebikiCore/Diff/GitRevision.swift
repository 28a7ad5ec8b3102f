import Foundation

/// Reads `site.yml` and `content/` of a git revision (`tebiki diff --from/--to`). The revision
/// is checked before git sees it and passed after `--end-of-options`, so it can never be taken
/// for an option (`--from=--output=/tmp/x` made `git archive` write over that file); git and
/// tar run without a shell, and their English `fatal:` / `tar:` lines become one Japanese message.
public enum GitRevision {
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        /// 2 for a revision that cannot be one (wrong usage), 1 otherwise.
        public var exitCode: Int32
        public var description: String { "tebiki: error: \(Diagnostic.escapedForTerminal(message))" }
    }

    /// Why `rev` cannot be a revision name, or nil. Refused: empty, a leading `-` (an option),
    /// control characters, and white space (git names never hold it).
    public static func problem(with rev: String) -> String? {
        if rev.isEmpty { return "git リビジョンが空です。" }
        if rev.hasPrefix("-") { return "git リビジョン「\(rev)」は「-」で始まっています。オプションと取り違えるため使えません。" }
        if rev.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            return "git リビジョン「\(rev)」に空白や制御文字が含まれています。"
        }
        return nil
    }

    /// Exports the revision's `site.yml` and `content/` (paths relative to `source`, as git sees
    /// them from there) into a temporary folder and reads it.
    public static func read(_ rev: String, source: URL) throws -> SiteSource {
        if let problem = problem(with: rev) { throw Failure(message: problem, exitCode: 2) }
        guard FileManager.default.fileExists(atPath: source.path) else {
            throw Failure(message: "フォルダ「\(source.path)」がありません。", exitCode: 1)
        }
        let inside = run(["git", "-C", source.path, "rev-parse", "--is-inside-work-tree"])
        guard inside.status == 0 else {
            let noGit = inside.status == 127 || inside.error.contains("No such file")
            throw Failure(message: noGit ? "git が見つかりません。--from/--to を使うには git をインストールしてください。"
                                         : "「\(source.path)」は git のリポジトリの中にありません。--from/--to は git で管理しているサイトで使ってください（フォルダどうしを比べるときは tebiki diff OLD NEW）。",
                          exitCode: 1)
        }
        let commit = run(["git", "-C", source.path, "rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"])
        let sha = String(decoding: commit.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard commit.status == 0, sha.allSatisfy(\.isHexDigit), !sha.isEmpty else {
            throw Failure(message: "git リビジョン「\(rev)」が見つかりません（ブランチ名、タグ名、コミットの ID を確かめてください）。", exitCode: 1)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tebiki-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let archive = run(["git", "-C", source.path, "archive", "--format=tar", sha, "--", "site.yml", "content"])
        guard archive.status == 0 else {
            throw Failure(message: "git リビジョン「\(rev)」に site.yml または content がありません。", exitCode: 1)
        }
        let tar = run(["tar", "-x", "-C", dir.path], input: archive.output)
        guard tar.status == 0 else {
            throw Failure(message: "git リビジョン「\(rev)」の内容を取り出せませんでした。", exitCode: 1)
        }
        return try SiteSource.read(from: dir)
    }

    /// Runs a program (found on PATH) without a shell; returns its status, stdout and stderr.
    static func run(_ arguments: [String], input: Data? = nil) -> (status: Int32, output: Data, error: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input == nil ? FileHandle.nullDevice : inp
        do { try p.run() } catch { return (127, Data(), "\(error)") }
        let feeder = input.map { data in
            Thread {
                try? inp.fileHandleForWriting.write(contentsOf: data)
                try? inp.fileHandleForWriting.close()
            }
        }
        feeder?.start()
        // Read stderr on another thread, so neither pipe can fill up and block the child.
        let errorBox = ErrorBox()
        let reader = Thread { errorBox.data = err.fileHandleForReading.readDataToEndOfFile(); errorBox.done.signal() }
        reader.start()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        errorBox.done.wait()
        p.waitUntilExit()
        return (p.terminationStatus, output, String(decoding: errorBox.data, as: UTF8.self))
    }

    private final class ErrorBox: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }
}
