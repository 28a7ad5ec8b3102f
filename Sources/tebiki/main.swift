import ArgumentParser
import Foundation
import TebikiCore

/// Thin executable: parses flags, calls the library, prints diagnostics, sets the exit code.
struct Tebiki: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tebiki",
        abstract: "Markdown の知識ベースから検索できる静的サイトを作ります。",
        version: TebikiVersion.string,
        subcommands: [Build.self, Check.self, Diff.self, Serve.self, New.self, Init.self]
    )
}

struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: "site.yml があるフォルダ（既定: 現在のフォルダ）")
    var source: String = "."
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "サイトを生成します。")
    @OptionGroup var options: SourceOptions
    @Option(name: .long, help: "出力先のフォルダ（既定: site.yml の output、なければ _site）")
    var output: String?
    @Flag(name: .long, help: "前回の生成結果を使わず、すべてのページを生成し直す")
    var noCache = false
    @Flag(name: .long, help: "下書き（draft: true）のページも含めて生成する（ページに「下書き」と表示）")
    var drafts = false
    @Flag(name: [.short, .long], help: "エラーだけを表示する（警告と結果の一行を出さない）")
    var quiet = false
    @Flag(name: [.short, .long], help: "各段階の経過時間も表示する")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet と --verbose は同時に指定できません。") }
    }

    func run() throws {
        let start = Date()
        let root = URL(fileURLWithPath: options.source)
        let showProgress = isatty(2) != 0
        let timing = verbose || ProcessInfo.processInfo.environment["TEBIKI_TIMING"] != nil
        // A build replaces its output folder whole: refuse one it must not replace (wrong usage).
        if let refusal = SiteBuild.checkOutput(root: root, override: output) {
            FileHandle.standardError.write(Data((refusal.description + "\n").utf8))
            throw ExitCode(2)
        }
        let result: SiteBuild.Outcome
        let outputURL: URL
        // Nothing changed since the last build (seen from the files' stat alone): done.
        // A build with drafts differs from one without: it is a different "tool" for the cache.
        let tool = toolIdentity() + (drafts ? "+drafts" : "")
        if !noCache, let same = SiteBuild.unchanged(root: root, output: SiteBuild.outputFolder(root: root, override: output), tool: tool) {
            result = same
            outputURL = same.output
        } else {
            let source = try readSource(root)
            outputURL = SiteBuild.outputFolder(root: root, source: source, override: output)
            do {
                result = try SiteBuild.run(source, output: outputURL, noCache: noCache, tool: tool, drafts: drafts) { phase in
                    if timing { FileHandle.standardError.write(Data(String(format: "%7.2fs %@\n", Date().timeIntervalSince(start), phase).utf8)) }
                    if showProgress && !timing && !quiet && Date().timeIntervalSince(start) > 0.5 { FileHandle.standardError.write(Data("… \(phase)\n".utf8)) }
                }
            } catch let errors as ContentErrors {
                var shown = Diagnostics()
                for d in errors.diagnostics.items where !quiet || d.severity == .error { shown.append(d) }
                report(shown)
                throw ExitCode(1)
            } catch let error as ExitCode {
                throw error
            } catch {
                // Disk full, read-only file system, no permission…: in Japanese, exit 3.
                FileHandle.standardError.write(Data((IOFailure(error, fallback: outputURL.path).buildDescription + "\n").utf8))
                throw ExitCode(IOFailure.exitCode)
            }
        }
        if quiet { return }
        report(result.diagnostics)
        let stats = result.stats
        let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
        print("tebiki: \(result.pageCount) ページ（うち再生成 \(result.pageCount - result.pagesReused)）、\(result.fileCount) ファイルを \(outputURL.path) に出力しました（書き込み \(stats.written)、変更なし \(stats.unchanged)、\(seconds) 秒）")
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "サイトを生成してプレビュー用に配信し、変更を保存するたびに生成し直します。",
        discussion: "出力先は tebiki build と同じフォルダです。開いているページは自動で読み込み直され、内容に誤りがあるとブラウザーにエラーの一覧が表示されます。終了は Ctrl+C。")
    @OptionGroup var options: SourceOptions
    @Option(name: .long, help: "出力先のフォルダ（既定: site.yml の output、なければ _site）")
    var output: String?
    @Option(name: .long, help: "待ち受けるポート番号")
    var port: UInt16 = 8000
    @Option(name: .long, help: "待ち受けるアドレス（既定: 127.0.0.1。0.0.0.0 にすると同じネットワークの誰でも見られます）")
    var host: String = "127.0.0.1"
    @Flag(name: .long, help: "下書き（draft: true）のページも含めて配信する（ページに「下書き」の印が付きます）")
    var drafts = false

    func run() throws {
        let code = PreviewServer.run(.init(source: URL(fileURLWithPath: options.source), output: output, host: host, port: port,
                                           tool: toolIdentity(), drafts: drafts))
        if code != 0 { throw ExitCode(code) }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "書き出さずに内容を検証します。")
    @OptionGroup var options: SourceOptions
    @Flag(name: .long, help: "下書き（draft: true）のページも含めて検証する")
    var drafts = false

    func run() throws {
        let source = try readSource(URL(fileURLWithPath: options.source))
        let diagnostics = Builder.check(source, drafts: drafts)
        report(diagnostics)
        if diagnostics.hasErrors { throw ExitCode(1) }
        print("tebiki: 問題はありません（警告 \(diagnostics.warningCount) 件）")
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "2つの内容（フォルダ、または git のリビジョン）を比べ、規定の追加・削除・ID変更・変更を示します。",
        discussion: "例: tebiki diff old-site new-site ／ tebiki diff --from v2021 --to HEAD")
    @Argument(help: "比較元のフォルダ（site.yml のあるフォルダ）") var old: String?
    @Argument(help: "比較先のフォルダ") var new: String?
    @Option(help: "比較元の git リビジョン（--source のリポジトリ内）") var from: String?
    @Option(help: "比較先の git リビジョン（既定: 作業中のフォルダ）") var to: String?
    @Option(help: "git リビジョンを比べるときのサイトのフォルダ") var source: String = "."
    @Flag(help: "結果を JSON で出力する") var json = false
    @Option(help: "この版（出典のキー）の履歴の下書きを書き出す") var draftHistory: String?
    @Option(help: "履歴の下書きの出力先（既定: 標準出力）") var draftOutput: String?

    func validate() throws {
        if from == nil && (old == nil || new == nil) {
            throw ValidationError("比較する2つのフォルダ（OLD NEW）か、--from REV [--to REV] を指定してください。")
        }
        for rev in [from, to].compactMap({ $0 }) {
            if let problem = GitRevision.problem(with: rev) { throw ValidationError(problem) }
        }
    }

    func run() throws {
        let oldSource: SiteSource, newSource: SiteSource
        if let from {
            oldSource = try gitTree(from)
            newSource = try to.map(gitTree) ?? readSource(URL(fileURLWithPath: source))
        } else {
            oldSource = try readSource(URL(fileURLWithPath: old!))
            newSource = try readSource(URL(fileURLWithPath: new!))
        }
        let (o, od) = ContentDiff.load(oldSource), (n, nd) = ContentDiff.load(newSource)
        for d in [od, nd] where d.hasErrors { report(d) }
        guard let o, let n, !od.hasErrors, !nd.hasErrors else { throw ExitCode(1) }
        let changes = ContentDiff.compare(old: o, new: n)
        if json {
            FileHandle.standardOutput.write(try ContentDiff.json(changes))
            print("")
        } else {
            print(ContentDiff.report(changes), terminator: "")
        }
        if let edition = draftHistory {
            let text = ContentDiff.draftHistory(changes, edition: edition)
            if let path = draftOutput {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                FileHandle.standardError.write(Data("tebiki: 履歴の下書きを \(path) に書き出しました。\n".utf8))
            } else {
                print(text, terminator: "")
            }
        }
    }

    /// `site.yml` and `content/` of a git revision (GitRevision: checked, no shell, Japanese errors).
    func gitTree(_ rev: String) throws -> SiteSource {
        do { return try GitRevision.read(rev, source: URL(fileURLWithPath: source)) } catch let failure as GitRevision.Failure {
            FileHandle.standardError.write(Data((failure.description + "\n").utf8))
            throw ExitCode(failure.exitCode)
        }
    }
}

/// Version, size and modification time of this executable: a rebuilt tool invalidates the cache.
func toolIdentity() -> String {
    let path = CommandLine.arguments[0].contains("/") ? CommandLine.arguments[0] : (Bundle.main.executablePath ?? "")
    let attrs = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
    let size = (attrs[.size] as? NSNumber)?.int64Value ?? 0
    let mtime = (attrs[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    return "\(TebikiVersion.string) \(size) \(Int64(mtime))"
}

func readSource(_ root: URL) throws -> SiteSource {
    guard FileManager.default.fileExists(atPath: root.appendingPathComponent("site.yml").path) else {
        FileHandle.standardError.write(Data("\(Diagnostic.escapedForTerminal(root.path))/site.yml:1:1: error: site.yml が見つかりません。--source でサイトのフォルダを指定してください。\n".utf8))
        throw ExitCode(1)
    }
    return try SiteSource.read(from: root)
}

func report(_ diagnostics: Diagnostics) {
    let lines = diagnostics.sorted.map(\.description)
    if !lines.isEmpty { FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8)) }
    if diagnostics.hasErrors {
        FileHandle.standardError.write(Data("tebiki: エラー \(diagnostics.errorCount) 件、警告 \(diagnostics.warningCount) 件。出力は変更していません。\n".utf8))
    }
}

// Usage errors exit with 2 (the contract), not ArgumentParser's default 64.
do {
    var command = try Tebiki.parseAsRoot()
    try command.run()
} catch {
    let code = Tebiki.exitCode(for: error)
    if code == .success {
        print(Tebiki.fullMessage(for: error))
        exit(0)
    } else if let e = error as? ExitCode {
        exit(e.rawValue)
    } else if error is IOFailure || [NSCocoaErrorDomain, NSPOSIXErrorDomain].contains((error as NSError).domain) {
        // Any other file-system failure (e.g. --draft-output on a full disk): Japanese, exit 3.
        FileHandle.standardError.write(Data((IOFailure(error, fallback: "tebiki").description + "\n").utf8))
        exit(IOFailure.exitCode)
    } else if code.rawValue == 64 || error is ValidationError || error is CleanExit {
        FileHandle.standardError.write(Data((Tebiki.fullMessage(for: error) + "\n").utf8))
        exit(2)
    } else {
        FileHandle.standardError.write(Data("tebiki: error: \(Tebiki.fullMessage(for: error))\n".utf8))
        exit(code.rawValue == 0 ? 1 : code.rawValue)
    }
}

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "テーマのひな形から新しいページを作ります（requirement、term、checklist、scenario）。",
        discussion: "例: tebiki new requirement backup-rules 。作ったページは draft: true です。書き終えたら消してください。")
    @OptionGroup var options: SourceOptions
    @Argument(help: "種類: requirement、term、checklist、scenario") var kind: String
    @Argument(help: "ページの ID（ファイル名になります）") var id: String

    func run() throws {
        let root = URL(fileURLWithPath: options.source)
        do {
            let page = try Scaffold.newPage(kind: kind, id: id, source: try readSource(root))
            let url = root.appendingPathComponent(page.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(page.text.utf8).write(to: url, options: .withoutOverwriting)
            print("tebiki: \(page.path) を作りました。")
        } catch let failure as Scaffold.Failure {
            FileHandle.standardError.write(Data("tebiki: \(failure.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "新しいサイトのフォルダを作ります（site.yml、出典の一覧、各種類のページの例）。")
    @Argument(help: "作るフォルダ（空か、まだないフォルダ）") var dir: String

    func run() throws {
        let root = URL(fileURLWithPath: dir)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        guard existing.isEmpty else {
            FileHandle.standardError.write(Data("tebiki: \(dir) は空ではありません。空のフォルダか、まだないフォルダを指定してください。\n".utf8))
            throw ExitCode(2)
        }
        for file in Scaffold.initialSite() {
            let url = root.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.text.utf8).write(to: url)
        }
        print("tebiki: \(dir) に新しいサイトを作りました。tebiki build --source \(dir) で生成できます。")
    }
}
