import Foundation

/// `tebiki serve`: builds the site into its normal output folder, serves that folder over
/// HTTP (`PreviewHTTPServer`) with a reload script injected into HTML responses, rebuilds when an input
/// changes, and shows the build errors in the browser while the content is broken.
public enum PreviewServer {
    public struct Options: Sendable {
        public var source: URL
        public var output: String?
        public var host: String
        public var port: UInt16
        /// Identifies this binary for the build cache (see `BuildCache`).
        public var tool: String
        /// Seconds between two looks at the inputs.
        public var pollInterval: Double
        /// `--drafts`: draft pages are built too, each with the layout's badge.
        public var drafts: Bool
        /// `-q`: errors only; `-v`: also every request and the build's phases.
        public var verbosity: Verbosity

        public init(source: URL, output: String? = nil, host: String = "127.0.0.1", port: UInt16 = 8000, tool: String,
                    pollInterval: Double = 0.5, drafts: Bool = false, verbosity: Verbosity = .normal) {
            self.drafts = drafts
            self.verbosity = verbosity
            self.source = source
            self.output = output
            self.host = host
            self.port = port
            self.tool = tool
            self.pollInterval = pollInterval
        }
    }

    /// Runs until SIGINT or SIGTERM; returns the exit code (0 after a clean stop, 1 when the
    /// site cannot be read or the address cannot be used, 2 for a bad --host).
    public static func run(_ options: Options) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let root = options.source.standardizedFileURL
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("site.yml").path) else {
            err("\(root.path)/site.yml:1:1: error: site.yml が見つかりません。--source でサイトのフォルダを指定してください。")
            return 1
        }
        let host = options.host == "localhost" ? "127.0.0.1" : options.host
        guard let address = ListenAddress(host: host, port: options.port) else {
            err("tebiki: error: --host の値「\(options.host)」は IP アドレスではありません（例: 127.0.0.1、0.0.0.0、::1）。")
            return 2
        }
        if !address.isLoopback {
            err("tebiki: 警告: \(options.host) で待ち受けます。同じネットワークにいる人なら誰でも、このプレビュー（公開前の内容）を見られます。自分だけで確認するときは --host を付けずに（127.0.0.1 で）起動してください。")
        }
        if let refusal = SiteBuild.checkOutput(root: root, override: options.output) {
            err(refusal.description)
            return 2
        }
        let source: SiteSource
        do { source = try SiteSource.read(from: root) } catch {
            err("tebiki: error: サイトを読み込めません: \(error.localizedDescription)")
            return 1
        }
        let output = SiteBuild.outputFolder(root: root, source: source, override: options.output)
        let site = PreviewSite(root: output, loopbackOnly: address.isLoopback)
        let builder = PreviewBuilder(root: root, output: output, tool: options.tool, site: site, drafts: options.drafts, verbosity: options.verbosity)
        let verbosity = options.verbosity
        let server = PreviewHTTPServer { request in
            let done = DispatchSemaphore(value: 0)
            let box = ResponseBox()
            Task {
                box.value = await site.respond(method: request.method, target: request.target, host: request.header("host"))
                done.signal()
            }
            done.wait()
            if verbosity == .verbose {
                err("tebiki: \(box.value.status) \(Diagnostic.escapedForTerminal(request.method)) \(Diagnostic.escapedForTerminal(request.target))")
            }
            return box.value
        }
        // Bind before anything else runs: a busy port fails at once.
        let port: UInt16
        do { port = try server.listen(host: host, port: options.port) } catch {
            err("tebiki: error: \(address.display) で待ち受けられません: \(error)。--port で別の番号を指定してください（--port 0 なら空いている番号を使います）。")
            return 1
        }
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        site.buildStarted()
        let acceptor = Thread {
            server.run()
            if !outcome.stopping { outcome.fail(PreviewHTTPServer.ListenError(call: "accept", code: errno)) }
            done.signal()
        }
        acceptor.start()

        // Stop on Ctrl+C or SIGTERM: finish a running build (never leave a half-swapped
        // output), close the listening socket and the open connections, then return.
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler {
                // A second Ctrl+C does not wait any more.
                guard outcome.beginStopping() else { exit(130) }
                builder.stop()
                server.stop()
            }
            s.resume()
            sources.append(s)
        }

        let watcher = SiteWatcher(root: root, ignoring: [output])
        let initial = watcher.fingerprint()
        builder.build(source: source, first: true)
        say(options.verbosity, "tebiki: プレビューを \(address.url(port: port)) で公開しています。site.yml・content・theme・static の変更を保存すると生成し直し、開いているページを読み込み直します。終了は Ctrl+C です。")

        let poller = Thread {
            var seen = initial
            while !builder.isStopped {
                Thread.sleep(forTimeInterval: options.pollInterval)
                let now = watcher.fingerprint()
                guard now != seen, !builder.isStopped else { continue }
                // Let an editor finish writing (several files, or write-then-rename).
                Thread.sleep(forTimeInterval: 0.15)
                seen = watcher.fingerprint()
                say(options.verbosity, "tebiki: 変更を検知しました。生成し直します…")
                builder.build(source: nil, first: false)
            }
        }
        poller.start()
        done.wait()
        for s in sources { s.cancel() }
        if let failure = outcome.failure {
            err("tebiki: error: サーバーが止まりました: \(failure)")
            return 1
        }
        say(options.verbosity, "tebiki: プレビューを終了しました。")
        return 0
    }

    static func out(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    /// A progress line, left out with `-q`.
    static func say(_ verbosity: Verbosity, _ line: String) { if verbosity != .quiet { out(line) } }
    static func err(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}

/// Builds on the poller thread; `stop()` waits for a running build to finish.
final class PreviewBuilder: @unchecked Sendable {
    let root: URL, output: URL, tool: String, site: PreviewSite, drafts: Bool, verbosity: Verbosity
    private let buildLock = NSLock()
    private let stateLock = NSLock()
    private var stopped = false

    init(root: URL, output: URL, tool: String, site: PreviewSite, drafts: Bool = false, verbosity: Verbosity = .normal) {
        self.drafts = drafts
        self.verbosity = verbosity
        self.root = root
        self.output = output
        self.tool = tool
        self.site = site
    }

    var isStopped: Bool { stateLock.withLock { stopped } }

    func stop() {
        stateLock.withLock { stopped = true }
        buildLock.lock()
        buildLock.unlock()
    }

    func build(source given: SiteSource?, first: Bool) {
        buildLock.lock()
        defer { buildLock.unlock() }
        guard !isStopped else { return }
        site.buildStarted()
        let start = Date()
        do {
            guard FileManager.default.fileExists(atPath: root.appendingPathComponent("site.yml").path) else {
                var d = Diagnostics()
                d.error("missing-config", "site.yml が見つかりません。", at: SourceLocation(path: "site.yml"))
                throw ContentErrors(diagnostics: d)
            }
            let source = try given ?? SiteSource.read(from: root)
            // As `tebiki build --drafts`: a build with drafts is another "tool" for the build cache.
            let verbosity = verbosity
            let outcome = try SiteBuild.run(source, output: output, tool: tool + (drafts ? "+drafts" : ""), drafts: drafts) { phase in
                if verbosity == .verbose { PreviewServer.err(String(format: "%7.2fs %@", Date().timeIntervalSince(start), phase)) }
            }
            report(outcome.diagnostics)
            let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
            PreviewServer.say(verbosity, "tebiki: \(outcome.pageCount) ページ（うち再生成 \(outcome.pageCount - outcome.pagesReused)）、\(outcome.fileCount) ファイルを \(output.path) に出力しました（\(seconds) 秒）")
            site.buildFinished(errors: nil)
        } catch let errors as ContentErrors {
            report(errors.diagnostics)
            PreviewServer.err("tebiki: エラー \(errors.diagnostics.errorCount) 件、警告 \(errors.diagnostics.warningCount) 件。出力は変更していません。ブラウザーにはエラーの一覧を表示します。")
            site.buildFinished(errors: errors.diagnostics.sorted)
        } catch {
            let failure = IOFailure(error, fallback: output.path)
            let d = Diagnostic.error("io-error", "ファイルを読み書きできません: \(failure.reason)。", at: SourceLocation(path: failure.path))
            PreviewServer.err(d.description)
            site.buildFinished(errors: [d])
        }
    }

    private func report(_ diagnostics: Diagnostics) {
        let lines = diagnostics.sorted.filter(verbosity.shows).map(\.description)
        if !lines.isEmpty { PreviewServer.err(lines.joined(separator: "\n")) }
    }
}

/// Shared between the signal handler and the main thread.
final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var _failure: (any Error)?
    private var _stopping = false

    var failure: (any Error)? { lock.withLock { _failure } }
    var stopping: Bool { lock.withLock { _stopping } }
    func fail(_ error: any Error) { lock.withLock { if _failure == nil { _failure = error } } }
    /// True the first time only.
    func beginStopping() -> Bool {
        lock.withLock {
            defer { _stopping = true }
            return !_stopping
        }
    }
}

/// Carries a response from the task that made it to the connection's thread.
final class ResponseBox: @unchecked Sendable {
    var value = PreviewResponse(status: 500, headers: [], body: Data())
}

/// The address to listen on: IPv4 or IPv6 (a numeric address; `localhost` is mapped to
/// 127.0.0.1 before).
struct ListenAddress {
    let host: String
    let port: UInt16

    init?(host: String, port: UInt16) {
        self.host = host
        self.port = port
        if host.contains(":") {
            var a = in6_addr()
            guard inet_pton(AF_INET6, host, &a) == 1 else { return nil }
        } else {
            var a = in_addr()
            guard host.split(separator: ".").count == 4, inet_pton(AF_INET, host, &a) == 1 else { return nil }
        }
    }

    var isLoopback: Bool { host.contains(":") ? host == "::1" : host.hasPrefix("127.") }

    var display: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    func url(port bound: UInt16) -> String { host.contains(":") ? "http://[\(host)]:\(bound)/" : "http://\(host):\(bound)/" }
}
