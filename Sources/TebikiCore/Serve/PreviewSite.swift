import Foundation

/// A response of the preview server, independent of the HTTP library (tested directly).
public struct PreviewResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// What the preview serves: the output folder of the last good build, plus the state of the
/// latest build (errors or not) and a version that changes whenever a build finishes.
public final class PreviewSite: @unchecked Sendable {
    public let root: URL
    /// When the server listens on loopback only, requests must name a loopback host
    /// (a DNS-rebinding page on another site cannot read the preview).
    public let loopbackOnly: Bool
    private let lock = NSLock()
    private let bootID = String(UUID().uuidString.prefix(8)).lowercased()
    private var generation = 0
    private var errors: [Diagnostic]? = nil
    private var building = false

    public init(root: URL, loopbackOnly: Bool = true) {
        self.root = root
        self.loopbackOnly = loopbackOnly
    }

    /// Changes every time a build finishes (and when the server restarts).
    public var version: String { lock.withLock { "\(bootID)-\(generation)" } }
    public var currentErrors: [Diagnostic]? { lock.withLock { errors } }
    public var isBuilding: Bool { lock.withLock { building } }

    public func buildStarted() { lock.withLock { building = true } }

    /// Records the outcome of a build: nil errors for success, else the diagnostics to show.
    public func buildFinished(errors newErrors: [Diagnostic]?) {
        lock.withLock {
            errors = newErrors
            building = false
            generation += 1
        }
    }

    static let securityHeaders: [(String, String)] = [
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]
    /// For the pages the server writes itself (errors, 404).
    static let ownPagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// Answers one request. `target` is the raw request target (path and query, still
    /// percent-encoded); `host` is the Host header.
    public func respond(method: String, target: String, host: String?) async -> PreviewResponse {
        let head = method == "HEAD"
        guard method == "GET" || head else {
            return finish(page(405, title: "使えない操作です", message: "このプレビューは GET と HEAD だけに答えます。",
                               extra: [("Allow", "GET, HEAD")]), head: false)
        }
        if loopbackOnly, let host, !Self.isLoopbackHost(host) {
            return finish(page(403, title: "アクセスできません", message: "このプレビューは 127.0.0.1（localhost）からだけ開けます。"), head: head)
        }
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        if path.hasPrefix(PreviewPages.prefix) {
            return finish(ownFile(path), head: head)
        }
        var resolution = PreviewPath.resolve(target: target, root: root)
        // While a build swaps the output folder in, a file can be missing for a moment.
        var tries = 0
        while resolution == .notFound, isBuilding, tries < 60 {
            try? await Task.sleep(nanoseconds: 100_000_000)
            resolution = PreviewPath.resolve(target: target, root: root)
            tries += 1
        }
        let errors = currentErrors
        let version = self.version
        switch resolution {
        case .forbidden:
            return finish(page(403, title: "アクセスできません", message: "このアドレスは使えません（サイトのフォルダの外は開けません）。"), head: head)
        case .redirect(let location):
            var response = page(302, title: "移動しました", message: "フォルダの末尾に / を付けたアドレスへ移動します。")
            response.headers.append(("Location", location))
            return finish(response, head: head)
        case .notFound:
            if let errors, path.hasSuffix(".html") || path.hasSuffix("/") {
                return finish(errorPage(errors, version: version), head: head)
            }
            return finish(html(404, PreviewPages.notFoundPage(version: version), own: true), head: head)
        case .file(let url):
            let type = MIMEType.forPath(url.path)
            let isHTML = type.hasPrefix("text/html")
            if isHTML, let errors {
                return finish(errorPage(errors, version: version), head: head)
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                return finish(html(404, PreviewPages.notFoundPage(version: version), own: true), head: head)
            }
            let body = isHTML ? PreviewPages.inject(PreviewPages.reloadTag(version: version), into: data) : data
            return finish(PreviewResponse(status: 200, headers: [("Content-Type", type)] + Self.securityHeaders, body: body), head: head)
        }
    }

    private func ownFile(_ path: String) -> PreviewResponse {
        switch path {
        case PreviewPages.reloadScriptPath:
            return PreviewResponse(status: 200, headers: [("Content-Type", MIMEType.forPath("x.js"))] + Self.securityHeaders,
                                   body: Data(PreviewPages.reloadScript.utf8))
        case PreviewPages.versionPath:
            return PreviewResponse(status: 200, headers: [("Content-Type", MIMEType.forPath("x.txt"))] + Self.securityHeaders,
                                   body: Data(version.utf8))
        case PreviewPages.stylePath:
            return PreviewResponse(status: 200, headers: [("Content-Type", MIMEType.forPath("x.css"))] + Self.securityHeaders,
                                   body: Data(PreviewPages.style.utf8))
        default:
            return html(404, PreviewPages.notFoundPage(version: version), own: true)
        }
    }

    private func errorPage(_ errors: [Diagnostic], version: String) -> PreviewResponse {
        let sorted = errors.sorted { ($0.path, $0.line, $0.column, $0.code) < ($1.path, $1.line, $1.column, $1.code) }
        return html(500, PreviewPages.errorPage(sorted, version: version), own: true)
    }

    private func page(_ status: Int, title: String, message: String, extra: [(String, String)] = []) -> PreviewResponse {
        var response = html(status, PreviewPages.messagePage(title: title, message: message), own: true)
        response.headers += extra
        return response
    }

    private func html(_ status: Int, _ text: String, own: Bool) -> PreviewResponse {
        var headers = [("Content-Type", MIMEType.forPath("x.html"))] + Self.securityHeaders
        if own { headers.append(("Content-Security-Policy", Self.ownPagePolicy)) }
        return PreviewResponse(status: status, headers: headers, body: Data(text.utf8))
    }

    /// HEAD: the headers of GET, with the length of the body that GET would send, and no body.
    private func finish(_ response: PreviewResponse, head: Bool) -> PreviewResponse {
        guard head else { return response }
        var r = response
        r.headers.append(("Content-Length", String(response.body.count)))
        r.body = Data()
        return r
    }

    /// `localhost`, `127.x.x.x` or `[::1]`, with or without a port.
    static func isLoopbackHost(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("[") {
            guard let end = name.firstIndex(of: "]") else { return false }
            name = String(name[name.index(after: name.startIndex)..<end])
            return name == "::1"
        }
        if let colon = name.lastIndex(of: ":") { name = String(name[..<colon]) }
        if name == "localhost" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
