import ArgumentParser
import Foundation
import TebikiCore

/// Thin executable: parses flags, calls the library, prints diagnostics, sets the exit code.
struct Tebiki: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tebiki",
        abstract: "Markdown の知識ベースから検索できる静的サイトを作ります。",
        version: TebikiVersion.string,
        subcommands: [Build.self, Check.self]
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

    func run() throws {
        let start = Date()
        let root = URL(fileURLWithPath: options.source)
        let source = try readSource(root)
        let showProgress = isatty(2) != 0
        let result: Builder.Result
        do {
            result = try Builder.build(source) { phase in
                if showProgress && Date().timeIntervalSince(start) > 0.5 { FileHandle.standardError.write(Data("… \(phase)\n".utf8)) }
            }
        } catch let errors as ContentErrors {
            report(errors.diagnostics)
            throw ExitCode(1)
        }
        report(result.diagnostics)
        let configured = source.text("site.yml").flatMap { $0.firstMatch(of: /(?m)^output:\s*(\S+)\s*$/).map { String($0.1) } } ?? "_site"
        let outputURL = output.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent(configured)
        let stats = try OutputWriter.write(result.files, to: outputURL.standardizedFileURL)
        let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
        print("tebiki: \(result.pageCount) ページ、\(result.files.count) ファイルを \(outputURL.path) に出力しました（書き込み \(stats.written)、変更なし \(stats.unchanged)、\(seconds) 秒）")
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "書き出さずに内容を検証します。")
    @OptionGroup var options: SourceOptions

    func run() throws {
        let source = try readSource(URL(fileURLWithPath: options.source))
        let diagnostics = Builder.check(source)
        report(diagnostics)
        if diagnostics.hasErrors { throw ExitCode(1) }
        print("tebiki: 問題はありません（警告 \(diagnostics.warningCount) 件）")
    }
}

func readSource(_ root: URL) throws -> SiteSource {
    guard FileManager.default.fileExists(atPath: root.appendingPathComponent("site.yml").path) else {
        FileHandle.standardError.write(Data("\(root.path)/site.yml:1:1: error: site.yml が見つかりません。--source でサイトのフォルダを指定してください。\n".utf8))
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
    } else if code.rawValue == 64 || error is ValidationError || error is CleanExit {
        FileHandle.standardError.write(Data((Tebiki.fullMessage(for: error) + "\n").utf8))
        exit(2)
    } else {
        FileHandle.standardError.write(Data("tebiki: error: \(Tebiki.fullMessage(for: error))\n".utf8))
        exit(code.rawValue == 0 ? 1 : code.rawValue)
    }
}
