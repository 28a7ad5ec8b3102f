import ArgumentParser
import Foundation
import TebikiCore

/// Thin executable: parses flags, calls the library, prints diagnostics, sets the exit code.
struct Tebiki: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tebiki",
        abstract: "Markdown の知識ベースから検索できる静的サイトを作ります。",
        version: "tebiki \(TebikiVersion.string) (\(BuildInfo.commit), \(BuildInfo.date))",
        subcommands: [Build.self, Check.self, Diff.self, Serve.self, New.self, Init.self]
    )
}

struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("site.yml があるフォルダ", valueName: "フォルダ"))
    var source: String = "."
}

/// `-q/--quiet` and `-v/--verbose`, the same on every subcommand.
struct TalkOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "エラーと求めた結果だけを表示する（警告や経過の行を出さない）")
    var quiet = false
    @Flag(name: [.short, .long], help: "各段階の経過時間など、詳しい情報も表示する")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet と --verbose は同時に指定できません。") }
    }

    var verbosity: Verbosity { quiet ? .quiet : verbose ? .verbose : .normal }

    /// A line about progress or the outcome, on standard error so the result on standard
    /// output stays clean; left out with `-q`.
    func say(_ line: String) {
        if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// A detail shown with `-v` only.
    func detail(_ line: String) {
        if verbose { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// Prints each phase with the seconds since `start` when verbose.
    func phases(since start: Date) -> (String) -> Void {
        { phase in if verbose { FileHandle.standardError.write(Data(String(format: "%7.2fs %@\n", Date().timeIntervalSince(start), phase).utf8)) } }
    }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "サイトを生成します。")
    @OptionGroup var options: SourceOptions
    @Option(name: .long, help: ArgumentHelp("出力先のフォルダ（既定: site.yml の output、なければ _site）", valueName: "フォルダ"))
    var output: String?
    @Flag(name: .long, help: "前回の生成結果を使わず、すべてのページを生成し直す")
    var noCache = false
    @Flag(name: .long, help: "下書き（draft: true）のページも含めて生成する（ページに「下書き」と表示）")
    var drafts = false
    @OptionGroup var talk: TalkOptions

    func run() throws {
        let quiet = talk.quiet, verbose = talk.verbose
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
                report(errors.diagnostics, talk.verbosity)
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
        report(result.diagnostics, talk.verbosity)
        let stats = result.stats
        let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
        print("tebiki: \(result.pageCount) ページ（うち再生成 \(result.pageCount - result.pagesReused)）、\(result.fileCount) ファイルを \(outputURL.path) に出力しました（書き込み \(stats.written)、変更なし \(stats.unchanged)、\(seconds) 秒）")
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "サイトを生成してプレビュー用に配信し、変更を保存するたびに生成し直します。",
        discussion: """
            出力先は tebiki build と同じフォルダです。
            開いているページは保存のたびに自動で読み込み直されます。
            内容に誤りがあると、ブラウザーにエラーの一覧が表示されます。
            終了は Ctrl+C。
            """)
    @OptionGroup var options: SourceOptions
    @Option(name: .long, help: ArgumentHelp("出力先のフォルダ（既定: site.yml の output、なければ _site）", valueName: "フォルダ"))
    var output: String?
    @Option(name: .long, help: ArgumentHelp("待ち受けるポート番号（0 なら空いている番号）", valueName: "番号"))
    var port: UInt16 = 8000
    @Option(name: .long, help: ArgumentHelp("待ち受けるアドレス（0.0.0.0 ならネットワークの誰でも見られる）", valueName: "アドレス"))
    var host: String = "127.0.0.1"
    @Flag(name: .long, help: "下書き（draft: true）のページも含めて配信する（ページに「下書き」の印が付きます）")
    var drafts = false
    @OptionGroup var talk: TalkOptions

    func run() throws {
        let code = PreviewServer.run(.init(source: URL(fileURLWithPath: options.source), output: output, host: host, port: port,
                                           tool: toolIdentity(), drafts: drafts, verbosity: talk.verbosity))
        if code != 0 { throw ExitCode(code) }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "書き出さずに内容を検証します。")
    @OptionGroup var options: SourceOptions
    @Flag(name: .long, help: "下書き（draft: true）のページも含めて検証する")
    var drafts = false
    @Flag(name: .long, help: "新しい版があるのに古い版だけを出典にしている規定を一覧にする")
    var outdated = false
    @OptionGroup var talk: TalkOptions

    func run() throws {
        let start = Date()
        let source = try readSource(URL(fileURLWithPath: options.source))
        talk.detail("tebiki: \(options.source) の \(source.files.count) ファイルを読みました。")
        let diagnostics = Builder.check(source, drafts: drafts, progress: talk.phases(since: start))
        report(diagnostics, talk.verbosity)
        if diagnostics.hasErrors { throw ExitCode(1) }
        if outdated, let site = ContentDiff.load(source).0 {
            print(OlderEditions.report(OlderEditions.find(site, drafts: drafts), labels: .of(source)), terminator: "")
        }
        if !talk.quiet { print("tebiki: 問題はありません（警告 \(diagnostics.warningCount) 件）") }
        talk.detail(String(format: "tebiki: 検証に %.2f 秒かかりました。", Date().timeIntervalSince(start)))
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "2つの内容（フォルダ、または git のリビジョン）を比べ、規定の追加・削除・ID変更・変更を示します。",
        discussion: """
            例:
              tebiki diff --from HEAD~1          直前のコミットと作業中のフォルダ
              tebiki diff --from 2704ca2~1 --to 2704ca2 --json
              tebiki diff 比較元のフォルダ 比較先のフォルダ
            --draft-history を付けると、標準出力には履歴の下書きだけを書きます。
            違いの一覧も見るときは --draft-output で下書きをファイルに書いてください。
            """)
    @Argument(help: ArgumentHelp("比較元のフォルダ（site.yml のあるフォルダ）", valueName: "比較元")) var old: String?
    @Argument(help: ArgumentHelp("比較先のフォルダ", valueName: "比較先")) var new: String?
    @Option(help: ArgumentHelp("比較元の git リビジョン（--source のリポジトリ内）", valueName: "リビジョン")) var from: String?
    @Option(help: ArgumentHelp("比較先の git リビジョン（既定: 作業中のフォルダ）", valueName: "リビジョン")) var to: String?
    @Option(help: ArgumentHelp("git リビジョンを比べるときのサイトのフォルダ", valueName: "フォルダ")) var source: String = "."
    @Flag(help: "結果を JSON で出力する") var json = false
    @Option(help: ArgumentHelp("この版（sources.yml の key）の履歴の下書きを作る", valueName: "版")) var draftHistory: String?
    @Option(help: ArgumentHelp("履歴の下書きを書くファイル", valueName: "ファイル")) var draftOutput: String?
    @OptionGroup var talk: TalkOptions

    func validate() throws {
        if from == nil && (old == nil || new == nil) {
            throw ValidationError("比較する2つのフォルダ（比較元 比較先）か、--from リビジョン [--to リビジョン] を指定してください。")
        }
        if from != nil && old != nil {
            throw ValidationError("フォルダ（比較元 比較先）と --from は同時に指定できません。")
        }
        if to != nil && from == nil {
            throw ValidationError("--to は --from と一緒に指定してください。")
        }
        if draftOutput != nil && draftHistory == nil {
            throw ValidationError("--draft-output は --draft-history と一緒に指定してください。")
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
            oldSource = try readSource(URL(fileURLWithPath: old!), hint: "比較するサイトのフォルダを確かめてください。")
            newSource = try readSource(URL(fileURLWithPath: new!), hint: "比較するサイトのフォルダを確かめてください。")
        }
        let (o, od) = ContentDiff.load(oldSource), (n, nd) = ContentDiff.load(newSource)
        for d in [od, nd] where d.hasErrors { report(d, talk.verbosity) }
        talk.detail("tebiki: 比較元 \(from ?? old ?? "")（\(oldSource.files.count) ファイル）、比較先 \(to ?? new ?? "作業中のフォルダ")（\(newSource.files.count) ファイル）")
        guard let o, let n, !od.hasErrors, !nd.hasErrors else { throw ExitCode(1) }
        // The draft's edition must be one the new tree registers, or the draft would not validate.
        if let edition = draftHistory, let problem = ContentDiff.unknownEdition(edition, in: n) {
            FileHandle.standardError.write(Data("tebiki: error: \(Diagnostic.escapedForTerminal(problem))\n".utf8))
            throw ExitCode(2)
        }
        let changes = ContentDiff.compare(old: o, new: n)
        // The site's words for its kinds of content: the new tree's theme, or with --to (a git
        // tree without the theme) the theme of the site at --source.
        let labels = to == nil ? KindLabels.of(newSource) : KindLabels.of(folder: URL(fileURLWithPath: source))
        // A facet shows by its site.yml label (the new tree's, else the old tree's for a removed facet).
        let facetLabels = Dictionary((o.config.facets + n.config.facets).map { ($0.key, $0.label) }, uniquingKeysWith: { _, new in new })
        if let edition = draftHistory {
            let draft = ContentDiff.draftHistory(changes, edition: edition, labels: labels, facetLabels: facetLabels)
            guard let path = draftOutput else {
                // Stdout carries the draft alone, so it can be redirected into a file as is.
                print(draft, terminator: "")
                return
            }
            // A plain write, not .atomic: an atomic write renames a new file over the path,
            // which would replace a symbolic link or a device (/dev/stdout) with a plain file.
            try Data(draft.utf8).write(to: URL(fileURLWithPath: path))
            talk.say("tebiki: 履歴の下書きを \(path) に書き出しました。")
        }
        if json {
            FileHandle.standardOutput.write(try ContentDiff.json(changes))
            print("")
        } else {
            print(ContentDiff.report(changes, labels: labels, facetLabels: facetLabels), terminator: "")
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

func readSource(_ root: URL, hint: String = "--source でサイトのフォルダを指定してください。") throws -> SiteSource {
    guard FileManager.default.fileExists(atPath: root.appendingPathComponent("site.yml").path) else {
        FileHandle.standardError.write(Data("\(Diagnostic.escapedForTerminal(root.path))/site.yml:1:1: error: site.yml が見つかりません。\(hint)\n".utf8))
        throw ExitCode(1)
    }
    return try SiteSource.read(from: root)
}

func report(_ diagnostics: Diagnostics, _ verbosity: Verbosity = .normal) {
    let lines = diagnostics.sorted.filter(verbosity.shows).map(\.description)
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
        // --help, help SUBCOMMAND, tebiki alone (--version has no words to translate).
        print(CLIText.help(Tebiki.fullMessage(for: error)))
        exit(0)
    } else if let e = error as? ExitCode {
        exit(e.rawValue)
    } else if error is IOFailure || [NSCocoaErrorDomain, NSPOSIXErrorDomain].contains((error as NSError).domain) {
        // Any other file-system failure (e.g. --draft-output on a full disk): Japanese, exit 3.
        FileHandle.standardError.write(Data((IOFailure(error, fallback: "tebiki").description + "\n").utf8))
        exit(IOFailure.exitCode)
    } else if code.rawValue == 64 || error is ValidationError || error is CleanExit {
        FileHandle.standardError.write(Data((CLIText.usageError(Tebiki.fullMessage(for: error)) + "\n").utf8))
        exit(2)
    } else {
        FileHandle.standardError.write(Data("tebiki: error: \(Tebiki.fullMessage(for: error))\n".utf8))
        exit(code.rawValue == 0 ? 1 : code.rawValue)
    }
}

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "テーマのひな形から新しいページを作ります（requirement、term、checklist、scenario）。",
        discussion: """
            例: tebiki new requirement backup-rules
            作ったページには draft: true が付いています。書き終えたら消してください。
            """)
    @OptionGroup var options: SourceOptions
    @Argument(help: ArgumentHelp("種類: requirement、term、checklist、scenario", valueName: "種類")) var kind: String
    @Argument(help: ArgumentHelp("ページの ID（ファイル名になります）", valueName: "ID")) var id: String
    @OptionGroup var talk: TalkOptions

    func run() throws {
        let root = URL(fileURLWithPath: options.source)
        do {
            let page = try Scaffold.newPage(kind: kind, id: id, source: try readSource(root))
            let url = root.appendingPathComponent(page.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(page.text.utf8).write(to: url, options: .withoutOverwriting)
            if !talk.quiet { print("tebiki: \(page.path) を作りました。") }
            talk.detail("tebiki: \(url.standardizedFileURL.path)（\(page.text.utf8.count) バイト）")
        } catch let failure as Scaffold.Failure {
            FileHandle.standardError.write(Data("tebiki: \(failure.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "新しいサイトのフォルダを作ります（site.yml、出典の一覧、各種類のページの例）。")
    @Argument(help: ArgumentHelp("作るフォルダ（空か、まだないフォルダ）", valueName: "フォルダ")) var dir: String
    @OptionGroup var talk: TalkOptions

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
            talk.detail("tebiki: \(file.path)")
        }
        if !talk.quiet { print("tebiki: \(dir) に新しいサイトを作りました。tebiki build --source \(dir) で生成できます。") }
    }
}
